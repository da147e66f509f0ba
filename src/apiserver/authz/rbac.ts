/**
 * The RBAC authorizer (plugin/pkg/auth/authorizer/rbac with the privileged-group authorizer
 * kube-apiserver puts in front of it): members of system:masters are always allowed; otherwise
 * ClusterRoleBindings are visited first, then RoleBindings of the request namespace, and the
 * first rule granting the request allows it with upstream's reason text. A denial carries no
 * reason unless a binding pointed at a missing role ("RBAC: clusterrole… not found"), as upstream.
 */
import type { UserInfo } from '../authn/types.js';
import type { Store } from '../../storage/store.js';
import type { AuthorizationAttributes, Authorizer, Decision, NonResourceRuleInfo, ResourceRuleInfo, RulesReview } from './types.js';
import type { BindingEntry, Subject } from './cache.js';
import { RbacCache, groupKey, subjectKey, userKey } from './cache.js';
import type { PolicyRule } from './rules.js';
import { ruleAllows } from './rules.js';

/** user.SystemPrivilegedGroup: the API server's own loopback identity and cluster admins. */
export const SYSTEM_MASTERS = 'system:masters';

/** The rules that apply to a user, and the errors met while resolving them. */
export interface ResolvedRules {
  rules: PolicyRule[];
  errors: string[];
}

/** An authorizer whose cache can be brought up to date with storage on demand. */
export interface ResyncableAuthorizer extends Authorizer {
  resync(): Promise<void>;
}

/** Whether an authorizer offers resync() (the RBAC authorizer does). */
export function canResync(a: Authorizer): a is ResyncableAuthorizer {
  return typeof (a as Partial<ResyncableAuthorizer>).resync === 'function';
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

/** clusterRoleBindingDescriber / roleBindingDescriber. */
function describe(b: BindingEntry, s: Subject): string {
  const name = b.kind === 'RoleBinding' ? `${b.name}/${b.namespace}` : b.name;
  return `${b.kind} ${JSON.stringify(name)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(s, b.namespace)}`;
}

function keysOf(user: UserInfo): string[] {
  return [userKey(user.name), ...user.groups.map(groupKey)];
}

/** The subject of a binding that names this user (for the allow reason). */
function matchingSubject(b: BindingEntry, keys: readonly string[]): Subject | undefined {
  return b.subjects.find((s) => {
    const k = subjectKey(s, b.namespace);
    return k !== undefined && keys.includes(k);
  });
}

/** Options of RbacAuthorizer. */
export interface RbacAuthorizerOptions {
  store: Store;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** The authorizer. start() loads the cache; stop() ends its watch. */
export class RbacAuthorizer implements ResyncableAuthorizer {
  readonly cache: RbacCache;

  constructor(opts: RbacAuthorizerOptions) {
    this.cache = new RbacCache({ store: opts.store, log: opts.log });
  }

  /** Lists RBAC objects and starts following them. */
  start(): Promise<void> {
    return this.cache.start();
  }

  /** Ends the watch. */
  stop(): void {
    this.cache.stop();
  }

  /** Brings the cache up to date with storage (a consistent relist). */
  resync(): Promise<void> {
    return this.cache.resync();
  }

  /** Authorize: system:masters, then the bindings of the user's name and groups. */
  authorize(a: AuthorizationAttributes): Promise<Decision> {
    return Promise.resolve(this.decide(a));
  }

  /** The synchronous decision (authorize() wraps it). */
  decide(a: AuthorizationAttributes): Decision {
    if (a.user.groups.includes(SYSTEM_MASTERS)) return { allowed: true };
    const keys = keysOf(a.user);
    const errors: string[] = [];
    const allowedBy = (bindings: BindingEntry[]): string | undefined => {
      for (const b of bindings) {
        const rules = this.roleRules(b, errors);
        if (!rules) continue;
        for (const r of rules) {
          if (!ruleAllows(a, r)) continue;
          const s = matchingSubject(b, keys);
          return s ? describe(b, s) : b.name;
        }
      }
      return undefined;
    };
    let by = allowedBy(this.cache.clusterBindingsFor(keys));
    if (by === undefined && a.namespace) by = allowedBy(this.cache.roleBindingsFor(a.namespace, keys));
    if (by !== undefined) return { allowed: true, reason: `RBAC: allowed by ${by}` };
    return { allowed: false, reason: errors.length ? `RBAC: ${aggregate(errors)}` : '' };
  }

  /** The union of the rules bound to the user cluster-wide and, when namespace is set, in that namespace. */
  resolveRules(user: UserInfo, namespace: string): ResolvedRules {
    const keys = keysOf(user);
    const errors: string[] = [];
    const rules: PolicyRule[] = [];
    const bindings = [...this.cache.clusterBindingsFor(keys), ...(namespace ? this.cache.roleBindingsFor(namespace, keys) : [])];
    for (const b of bindings) rules.push(...(this.roleRules(b, errors) ?? []));
    return { rules, errors };
  }

  /** RulesFor (SelfSubjectRulesReview): resource and non-resource rules; never incomplete. */
  rulesFor(user: UserInfo, namespace: string): Promise<RulesReview> {
    const { rules, errors } = this.resolveRules(user, namespace);
    const resourceRules: ResourceRuleInfo[] = [];
    const nonResourceRules: NonResourceRuleInfo[] = [];
    for (const r of rules) {
      if (r.resources?.length) {
        resourceRules.push({ verbs: [...r.verbs], apiGroups: [...(r.apiGroups ?? [])], resources: [...r.resources], ...(r.resourceNames?.length ? { resourceNames: [...r.resourceNames] } : {}) });
      }
      if (r.nonResourceURLs?.length) nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs] });
    }
    return Promise.resolve({ resourceRules, nonResourceRules, incomplete: false, ...(errors.length ? { evaluationError: aggregate(errors) } : {}) });
  }

  /** GetRoleReferenceRules against the cache; a missing role is an error as the listers word it. */
  private roleRules(b: BindingEntry, errors: string[]): PolicyRule[] | undefined {
    const { kind, name } = b.roleRef;
    if (kind === 'ClusterRole') {
      const r = this.cache.clusterRoleRules(name);
      if (!r) errors.push(`clusterrole.rbac.authorization.k8s.io ${JSON.stringify(name)} not found`);
      return r;
    }
    if (kind === 'Role' && b.kind === 'RoleBinding') {
      const r = this.cache.roleRules(b.namespace, name);
      if (!r) errors.push(`role.rbac.authorization.k8s.io ${JSON.stringify(name)} not found`);
      return r;
    }
    errors.push(`unsupported role reference kind: ${JSON.stringify(kind)}`);
    return undefined;
  }
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several in brackets. */
function aggregate(errors: readonly string[]): string {
  const uniq = [...new Set(errors)];
  return uniq.length === 1 ? uniq[0]! : `[${uniq.join(', ')}]`;
}

/** Builds the RBAC authorizer over a store and loads its cache. */
export async function startRbacAuthorizer(opts: RbacAuthorizerOptions): Promise<RbacAuthorizer> {
  const a = new RbacAuthorizer(opts);
  await a.start();
  return a;
}
