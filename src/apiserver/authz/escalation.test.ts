import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { ApiError } from '../../api/errors.js';
import type { ResourceDef } from '../../api/resource.js';
import { clusterRoleBindingResource, clusterRoleResource, roleBindingResource, roleResource } from '../../api/registry/rbac/index.js';
import { MemoryStore } from '../../storage/memory/index.js';
import type { UserInfo } from '../authn/types.js';
import type { AdmissionAttributes } from '../admission/types.js';
import { RbacAuthorizer, startRbacAuthorizer } from './rbac.js';
import { rbacEscalationAdmission } from './escalation.js';

const G = 'rbac.authorization.k8s.io';
const alice: UserInfo = { name: 'alice', groups: ['dev', 'system:authenticated'] };
const admin: UserInfo = { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

let store: MemoryStore;
let authz: RbacAuthorizer;

async function put(resource: string, o: KubeObject): Promise<void> {
  const ns = o.metadata.namespace ? `${o.metadata.namespace}/` : '';
  await store.guaranteedUpdate(`/${G}/${resource}/${ns}${o.metadata.name}`, () => o, { allowCreate: true });
}

before(async () => {
  store = new MemoryStore();
  await put('roles', { apiVersion: `${G}/v1`, kind: 'Role', metadata: { name: 'pod-viewer', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] });
  await put('rolebindings', {
    apiVersion: `${G}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'alice-roles', namespace: 'default' },
    roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'role-writer' },
    subjects: [{ kind: 'User', apiGroup: G, name: 'alice' }],
  });
  await put('clusterroles', {
    apiVersion: `${G}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'role-writer' },
    rules: [
      { apiGroups: [G], resources: ['roles', 'rolebindings'], verbs: ['create', 'update'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
    ],
  });
  await put('clusterroles', { apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name: 'secret-admin' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['*'] }] });
  authz = await startRbacAuthorizer({ store });
});
after(async () => {
  authz.stop();
  await store.close();
});

function attrs(def: ResourceDef, user: UserInfo, object: KubeObject, o: Partial<AdmissionAttributes> = {}): AdmissionAttributes {
  return {
    operation: 'CREATE',
    def,
    namespace: def.namespaced ? 'default' : '',
    name: object.metadata.name ?? '',
    subresource: '',
    object,
    user,
    dryRun: false,
    warn: () => {},
    get: async (group, resource, ns, name) => store.get(`/${group || 'core'}/${resource}/${ns ? `${ns}/` : ''}${name}`),
    ...o,
  };
}

const plugin = (): ReturnType<typeof rbacEscalationAdmission> => rbacEscalationAdmission({ authorizer: authz });

function role(name: string, rules: unknown[], ns = 'default'): KubeObject {
  return { apiVersion: `${G}/v1`, kind: 'Role', metadata: { name, namespace: ns }, rules };
}

async function rejection(p: Promise<void> | undefined): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError);
    return e;
  }
  assert.fail('expected a rejection');
}

test('a Role holding only rules the user has is accepted', async () => {
  await plugin().validate!(attrs(roleResource, alice, role('r1', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }])));
});

test('a Role granting more than the user holds is forbidden with the upstream message', async () => {
  const e = await rejection(plugin().validate!(attrs(roleResource, alice, role('too-much', [{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get', 'delete'] }]))));
  assert.equal(e.code, 403);
  assert.equal(
    e.message,
    'roles.rbac.authorization.k8s.io "too-much" is forbidden: user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
      '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}',
  );
});

test('the rules held in another namespace do not count', async () => {
  const other = attrs(roleResource, alice, role('r2', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }], 'other'), { namespace: 'other' });
  const e = await rejection(plugin().validate!(other));
  assert.match(e.message, /not currently held:\n\{APIGroups:\[""\], Resources:\["pods"\], Verbs:\["get"\]\}$/);
});

test('system:masters may create any role', async () => {
  await plugin().validate!(attrs(clusterRoleResource, admin, { apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name: 'all' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] }));
});

test('the escalate verb lets a user create roles beyond their own rules', async () => {
  await put('clusterroles', { apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name: 'escalator' }, rules: [{ apiGroups: [G], resources: ['roles'], verbs: ['escalate'] }] });
  await put('rolebindings', { apiVersion: `${G}/v1`, kind: 'RoleBinding', metadata: { name: 'alice-esc', namespace: 'default' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'escalator' }, subjects: [{ kind: 'User', apiGroup: G, name: 'alice' }] });
  await authz.resync();
  await plugin().validate!(attrs(roleResource, alice, role('big', [{ apiGroups: [''], resources: ['secrets'], verbs: ['*'] }])));
  await store.delete(`/${G}/rolebindings/default/alice-esc`);
  await authz.resync();
});

test('a binding to a role whose rules the user holds is accepted; to a bigger one forbidden', async () => {
  const rb = (ref: string, kind = 'ClusterRole'): KubeObject => ({ apiVersion: `${G}/v1`, kind: 'RoleBinding', metadata: { name: `b-${ref}`, namespace: 'default' }, roleRef: { apiGroup: G, kind, name: ref }, subjects: [{ kind: 'User', apiGroup: G, name: 'bob' }] });
  await plugin().validate!(attrs(roleBindingResource, alice, rb('pod-viewer', 'Role')));
  const e = await rejection(plugin().validate!(attrs(roleBindingResource, alice, rb('secret-admin'))));
  assert.equal(e.message, 'rolebindings.rbac.authorization.k8s.io "b-secret-admin" is forbidden: user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["*"]}');
  const missing = await rejection(plugin().validate!(attrs(roleBindingResource, alice, rb('ghost'))));
  assert.equal(missing.code, 404);
});

test('the bind verb on the referenced role lets a user bind it', async () => {
  await put('clusterroles', { apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name: 'binder' }, rules: [{ apiGroups: [G], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['secret-admin'] }] });
  await put('clusterrolebindings', { apiVersion: `${G}/v1`, kind: 'ClusterRoleBinding', metadata: { name: 'alice-binder' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'binder' }, subjects: [{ kind: 'User', apiGroup: G, name: 'alice' }] });
  await authz.resync();
  const crb: KubeObject = { apiVersion: `${G}/v1`, kind: 'ClusterRoleBinding', metadata: { name: 'x' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'secret-admin' }, subjects: [{ kind: 'User', apiGroup: G, name: 'bob' }] };
  await plugin().validate!(attrs(clusterRoleBindingResource, alice, crb));
  const other = await rejection(plugin().validate!(attrs(clusterRoleBindingResource, alice, { ...crb, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'role-writer' } })));
  assert.equal(other.code, 403);
});

test('an aggregationRule needs cluster-admin powers', async () => {
  const cr: KubeObject = { apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] }, rules: [] };
  await put('clusterroles', { apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name: 'cr-writer' }, rules: [{ apiGroups: [G], resources: ['clusterroles'], verbs: ['create'] }] });
  await put('clusterrolebindings', { apiVersion: `${G}/v1`, kind: 'ClusterRoleBinding', metadata: { name: 'alice-cr' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'cr-writer' }, subjects: [{ kind: 'User', apiGroup: G, name: 'alice' }] });
  await authz.resync();
  const e = await rejection(plugin().validate!(attrs(clusterRoleResource, alice, cr)));
  assert.equal(e.message, 'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule');
});

test('an update touching only finalizers or owner references is not checked', async () => {
  const old = role('big2', [{ apiGroups: [''], resources: ['secrets'], verbs: ['*'] }]);
  const updated: KubeObject = { ...old, metadata: { ...old.metadata, finalizers: ['x'] } };
  await plugin().validate!(attrs(roleResource, alice, updated, { operation: 'UPDATE', oldObject: old }));
  const changed: KubeObject = { ...old, metadata: { ...old.metadata, labels: { a: 'b' } } };
  await rejection(plugin().validate!(attrs(roleResource, alice, changed, { operation: 'UPDATE', oldObject: old })));
});
