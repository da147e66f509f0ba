/**
 * Impersonation (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go): `Impersonate-User`,
 * `Impersonate-Group`, `Impersonate-Uid` and `Impersonate-Extra-<key>` headers make the request
 * act as another user, provided the caller may `impersonate` each requested thing:
 *   users (or serviceaccounts in the SA's namespace) and groups in the core group; uids and
 *   userextras/<key> in authentication.k8s.io.
 * A ServiceAccount user gets its fixed groups when no group is given; system:authenticated is
 * added unless the groups already say authenticated/unauthenticated (system:unauthenticated for
 * system:anonymous). Groups, uid or extras without a user is a bad request.
 */
import { ApiError, errors } from '../../api/errors.js';
import type { Authorizer, AuthorizationAttributes } from '../authz/types.js';
import { serviceAccountGroups, serviceAccountUsername, splitServiceAccountUsername } from './serviceaccount.js';
import type { UserInfo } from './types.js';

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA_PREFIX = 'impersonate-extra-';

/** One thing to impersonate (upstream builds a v1.ObjectReference per header value). */
interface Target {
  kind: 'User' | 'ServiceAccount' | 'Group' | 'UserExtra' | 'UID';
  namespace: string;
  name: string;
  apiVersion: string;
  fieldPath: string;
}

/** Go's %v of an ObjectReference (Kind Namespace Name UID APIVersion ResourceVersion FieldPath), as upstream's message prints it. */
function goRef(t: Target): string {
  return `{${[t.kind, t.namespace, t.name, '', t.apiVersion, '', t.fieldPath].join(' ')}}`;
}

/** The impersonation headers of a request, from its raw header list (repeated headers stay separate). */
export function impersonationTargets(rawHeaders: readonly string[]): Target[] {
  let user: string | undefined;
  const groups: string[] = [];
  let uid: string | undefined;
  const extras: Target[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    if (name === USER) user ??= value;
    else if (name === GROUP) groups.push(value);
    else if (name === UID) uid ??= value;
    else if (name.startsWith(EXTRA_PREFIX)) {
      let key = name.slice(EXTRA_PREFIX.length);
      try {
        key = decodeURIComponent(key); // keys are %-encoded; a malformed one is kept as sent
      } catch {
        /* keep */
      }
      extras.push({ kind: 'UserExtra', namespace: '', name: value, apiVersion: 'authentication.k8s.io/v1', fieldPath: key });
    }
  }
  const out: Target[] = [];
  const hasUser = user !== undefined && user !== '';
  if (hasUser) {
    const sa = splitServiceAccountUsername(user!);
    out.push(sa ? { kind: 'ServiceAccount', namespace: sa[0], name: sa[1], apiVersion: '', fieldPath: '' } : { kind: 'User', namespace: '', name: user!, apiVersion: '', fieldPath: '' });
  }
  for (const g of groups) out.push({ kind: 'Group', namespace: '', name: g, apiVersion: '', fieldPath: '' });
  out.push(...extras);
  if (uid !== undefined && uid !== '') out.push({ kind: 'UID', namespace: '', name: uid, apiVersion: 'authentication.k8s.io/v1', fieldPath: '' });
  if (!hasUser && out.length) throw errors.badRequest(`requested [${out.map(goRef).join(' ')}] without impersonating a user`);
  return out;
}

/** The authorization attributes of impersonating one target. */
function attributesFor(requestor: UserInfo, t: Target): AuthorizationAttributes {
  const base = { user: requestor, verb: 'impersonate', isResourceRequest: true, path: '', version: '', subresource: '', namespace: '', name: t.name };
  switch (t.kind) {
    case 'ServiceAccount':
      return { ...base, group: '', resource: 'serviceaccounts', namespace: t.namespace };
    case 'User':
      return { ...base, group: '', resource: 'users' };
    case 'Group':
      return { ...base, group: '', resource: 'groups' };
    case 'UserExtra':
      return { ...base, group: 'authentication.k8s.io', version: 'v1', resource: 'userextras', subresource: t.fieldPath };
    case 'UID':
      return { ...base, group: 'authentication.k8s.io', version: 'v1', resource: 'uids' };
  }
}

/** Upstream's Forbidden for a denied impersonation, e.g. `users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope`. */
export function impersonationForbidden(a: AuthorizationAttributes, reason?: string): ApiError {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  let msg = `User "${a.user.name}" cannot ${a.verb} resource "${resource}" in API group "${a.group}"`;
  msg += a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  if (reason) msg += `: ${reason}`;
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  return errors.forbidden(`${qualified}${a.name ? ` "${a.name}"` : ''} is forbidden: ${msg}`, { group: a.group, resource: a.resource }, a.name || undefined);
}

/**
 * The user a request acts as: `requestor` itself without impersonation headers, else the
 * impersonated user once every requested part is authorized (403 at the first denial).
 */
export async function impersonate(requestor: UserInfo, rawHeaders: readonly string[], authorizer: Authorizer): Promise<UserInfo> {
  const targets = impersonationTargets(rawHeaders);
  if (!targets.length) return requestor;
  const groupsSpecified = targets.some((t) => t.kind === 'Group');
  let username = '';
  let uid: string | undefined;
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const t of targets) {
    const attrs = attributesFor(requestor, t);
    const d = await authorizer.authorize(attrs);
    if (!d.allowed) throw impersonationForbidden(attrs, d.reason);
    switch (t.kind) {
      case 'ServiceAccount':
        username = serviceAccountUsername(t.namespace, t.name);
        if (!groupsSpecified) groups = serviceAccountGroups(t.namespace);
        break;
      case 'User':
        username = t.name;
        break;
      case 'Group':
        groups.push(t.name);
        break;
      case 'UserExtra':
        (extra[t.fieldPath] ??= []).push(t.name);
        break;
      case 'UID':
        uid = t.name;
        break;
    }
  }
  if (username !== 'system:anonymous') {
    if (!groups.includes('system:authenticated') && !groups.includes('system:unauthenticated')) groups.push('system:authenticated');
  } else if (!groups.includes('system:unauthenticated')) {
    groups.push('system:unauthenticated');
  }
  return { name: username, ...(uid !== undefined ? { uid } : {}), groups, ...(Object.keys(extra).length ? { extra } : {}) };
}
