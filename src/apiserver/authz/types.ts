/**
 * The authorization seam. RBAC arrives with the access-control issue; until then the server
 * uses AlwaysAllowAuthenticated, which lets any authenticated identity through (anonymous
 * requests are already limited to health and version endpoints by the server).
 */
import type { UserInfo } from '../authn/types.js';

export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  path: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export interface Decision {
  allowed: boolean;
  reason?: string;
}

/** One rule of a SelfSubjectRulesReview (authorization.k8s.io/v1 ResourceRule). */
export interface ResourceRuleInfo {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

/** authorization.k8s.io/v1 NonResourceRule. */
export interface NonResourceRuleInfo {
  verbs: string[];
  nonResourceURLs?: string[];
}

/** What a user may do in a namespace, as SelfSubjectRulesReview reports it. */
export interface RulesReview {
  resourceRules: ResourceRuleInfo[];
  nonResourceRules: NonResourceRuleInfo[];
  incomplete: boolean;
  evaluationError?: string;
}

export interface Authorizer {
  authorize(attrs: AuthorizationAttributes): Promise<Decision>;
  /** the rules that apply to a user in a namespace ('' = cluster-wide only); RBAC implements it */
  rulesFor?(user: UserInfo, namespace: string): Promise<RulesReview>;
}

export const alwaysAllowAuthenticated: Authorizer = {
  authorize(a) {
    return Promise.resolve(a.user.groups.includes('system:authenticated') ? { allowed: true } : { allowed: false, reason: 'not authenticated' });
  },
};
