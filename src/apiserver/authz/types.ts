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

export interface Authorizer {
  authorize(attrs: AuthorizationAttributes): Promise<Decision>;
}

export const alwaysAllowAuthenticated: Authorizer = {
  authorize(a) {
    return Promise.resolve(a.user.groups.includes('system:authenticated') ? { allowed: true } : { allowed: false, reason: 'not authenticated' });
  },
};
