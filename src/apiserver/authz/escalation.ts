/**
 * RBAC escalation prevention (pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/
 * policybased with pkg/registry/rbac/validation ConfirmNoEscalation), as a validating admission
 * step: a Role or ClusterRole may only hold rules its writer already holds, unless the writer may
 * `escalate` it; a binding may only reference a role whose rules the writer holds, unless the
 * writer may `bind` it. system:masters is exempt (EscalationAllowed). Setting a ClusterRole's
 * aggregationRule needs full authority (`*` on everything). Rejections are 403 with upstream's text.
 */
import type { KubeObject } from '../../api/object.js';
import { deepEqual } from '../../api/object.js';
import { errors } from '../../api/errors.js';
import type { UserInfo } from '../authn/types.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../admission/types.js';
import type { Authorizer, RulesReview } from './types.js';
import { canResync, SYSTEM_MASTERS } from './rbac.js';
import type { PolicyRule } from './rules.js';
import { compactRules, compactString, covers, goQuoteList, rulesOf } from './rules.js';

const RBAC = 'rbac.authorization.k8s.io';
const fullAuthority: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** What the plugin needs: the request authorizer (with rulesFor). */
export interface EscalationDeps {
  authorizer: Authorizer;
}

function reviewToRules(r: RulesReview): PolicyRule[] {
  return [
    ...r.resourceRules.map((x) => ({ verbs: x.verbs, apiGroups: x.apiGroups ?? [], resources: x.resources ?? [], ...(x.resourceNames?.length ? { resourceNames: x.resourceNames } : {}) })),
    ...r.nonResourceRules.map((x) => ({ verbs: x.verbs, nonResourceURLs: x.nonResourceURLs ?? [] })),
  ];
}

/**
 * ConfirmNoEscalation: undefined when the user's rules (cluster-wide plus, for a namespace, that
 * namespace's) cover `rules`, else upstream's message listing the compacted missing rules. A
 * failed check is retried once after a resync, so a binding written just before is seen.
 */
export async function confirmNoEscalation(authorizer: Authorizer, user: UserInfo, namespace: string, rules: PolicyRule[]): Promise<string | undefined> {
  if (!authorizer.rulesFor) return undefined;
  let review = await authorizer.rulesFor(user, namespace);
  let result = covers(reviewToRules(review), rules);
  if (!result.covered && canResync(authorizer)) {
    await authorizer.resync();
    review = await authorizer.rulesFor(user, namespace);
    result = covers(reviewToRules(review), rules);
  }
  if (result.covered) return undefined;
  const missing = [...new Set(compactRules(result.missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(user.name)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${missing.join('\n')}`;
  if (review.evaluationError) msg += `; resolution errors: [${review.evaluationError}]`;
  return msg;
}

function forbidden(a: AdmissionAttributes, message: string): Error {
  const name = a.object?.metadata.name ?? a.name;
  return errors.forbidden(`${a.def.resource}.${RBAC} ${JSON.stringify(name)} is forbidden: ${message}`, { group: RBAC, resource: a.def.resource }, name);
}

async function allowedTo(authorizer: Authorizer, user: UserInfo, verb: string, resource: string, namespace: string, name: string): Promise<boolean> {
  const d = await authorizer.authorize({ user, verb, isResourceRequest: true, path: '', group: RBAC, version: '*', resource, subresource: '', namespace, name });
  return d.allowed;
}

/** IsOnlyMutatingGCFields: an update touching only ownerReferences/finalizers is not checked. */
function onlyGCFields(obj: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject): unknown => {
    const { ownerReferences: _o, finalizers: _f, resourceVersion: _r, managedFields: _m, generation: _g, ...meta } = o.metadata;
    return { ...o, metadata: meta };
  };
  return deepEqual(strip(obj), strip(old));
}

async function checkRole(deps: EscalationDeps, a: AdmissionAttributes, obj: KubeObject): Promise<void> {
  const ns = a.def.namespaced ? a.namespace : '';
  // RoleEscalationAuthorized: the request's name (empty for a create, as requestInfo has none).
  if (await allowedTo(deps.authorizer, a.user, 'escalate', a.def.resource, ns, a.operation === 'CREATE' ? '' : a.name)) return;
  const msg = await confirmNoEscalation(deps.authorizer, a.user, ns, rulesOf(obj));
  if (msg) throw forbidden(a, msg);
  const agg = obj.aggregationRule;
  const changed = a.operation === 'CREATE' || !deepEqual(agg, a.oldObject?.aggregationRule);
  if (a.def.resource === 'clusterroles' && agg && changed) {
    if (await confirmNoEscalation(deps.authorizer, a.user, '', fullAuthority)) throw forbidden(a, 'must have cluster-admin privileges to use the aggregationRule');
  }
}

async function checkBinding(deps: EscalationDeps, a: AdmissionAttributes, obj: KubeObject): Promise<void> {
  const ns = a.def.namespaced ? a.namespace : '';
  const ref = (obj.roleRef ?? {}) as { kind?: string; name?: string };
  const kind = ref.kind ?? '';
  const refName = ref.name ?? '';
  const resource = kind === 'ClusterRole' ? 'clusterroles' : kind === 'Role' ? 'roles' : '';
  if (!resource) return; // validation rejects other kinds
  // BindingAuthorized: `bind` on the referenced role, checked in the binding's namespace.
  if (await allowedTo(deps.authorizer, a.user, 'bind', resource, ns, refName)) return;
  const role = await a.get(RBAC, resource, resource === 'roles' ? ns : '', refName);
  if (!role) throw errors.notFound({ group: RBAC, resource }, refName);
  const msg = await confirmNoEscalation(deps.authorizer, a.user, ns, rulesOf(role));
  if (msg) throw forbidden(a, msg);
}

/** The escalation check as a validating admission plugin (named as the upstream storage layer is not). */
export function rbacEscalationAdmission(deps: EscalationDeps): AdmissionPlugin {
  return {
    name: 'RBACEscalation',
    async validate(a) {
      if (a.def.group !== RBAC || a.subresource || !a.object) return;
      if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
      if (a.user.groups.includes(SYSTEM_MASTERS)) return;
      if (a.operation === 'UPDATE' && a.oldObject && onlyGCFields(a.object, a.oldObject)) return;
      if (a.def.resource === 'roles' || a.def.resource === 'clusterroles') return checkRole(deps, a, a.object);
      if (a.def.resource === 'rolebindings' || a.def.resource === 'clusterrolebindings') return checkBinding(deps, a, a.object);
    },
  };
}
