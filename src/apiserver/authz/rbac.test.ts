import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory/index.js';
import type { UserInfo } from '../authn/types.js';
import type { AuthorizationAttributes } from './types.js';
import { RbacAuthorizer, startRbacAuthorizer } from './rbac.js';

const G = 'rbac.authorization.k8s.io';
const alice: UserInfo = { name: 'alice', groups: ['dev', 'system:authenticated'] };
const bob: UserInfo = { name: 'bob', groups: ['system:authenticated'] };
const mysa: UserInfo = { name: 'system:serviceaccount:team:mysa', groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'] };

function attrs(user: UserInfo, verb: string, resource: string, o: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes {
  return { user, verb, isResourceRequest: true, path: '', group: '', version: 'v1', resource, subresource: '', namespace: 'default', name: '', ...o };
}

function clusterRole(name: string, rules: unknown[]): KubeObject {
  return { apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name }, rules };
}
function role(ns: string, name: string, rules: unknown[]): KubeObject {
  return { apiVersion: `${G}/v1`, kind: 'Role', metadata: { name, namespace: ns }, rules };
}
function binding(kind: 'RoleBinding' | 'ClusterRoleBinding', ns: string, name: string, roleRef: { kind: string; name: string }, subjects: unknown[]): KubeObject {
  return { apiVersion: `${G}/v1`, kind, metadata: { name, ...(ns ? { namespace: ns } : {}) }, roleRef: { apiGroup: G, ...roleRef }, subjects };
}
function key(o: KubeObject): string {
  const res = { ClusterRole: 'clusterroles', Role: 'roles', RoleBinding: 'rolebindings', ClusterRoleBinding: 'clusterrolebindings' }[o.kind as 'Role'];
  return `/${G}/${res}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

async function eventually(pred: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const podReader = [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }];

let store: MemoryStore;
let authz: RbacAuthorizer;
before(async () => {
  store = new MemoryStore();
  // Present before start: loaded by the initial list.
  await store.create(key(role('default', 'pod-viewer', podReader)), role('default', 'pod-viewer', podReader));
  await store.create(key(binding('RoleBinding', 'default', 'alice-pods', { kind: 'Role', name: 'pod-viewer' }, [{ kind: 'User', apiGroup: G, name: 'alice' }])), binding('RoleBinding', 'default', 'alice-pods', { kind: 'Role', name: 'pod-viewer' }, [{ kind: 'User', apiGroup: G, name: 'alice' }]));
  authz = await startRbacAuthorizer({ store });
});
after(async () => {
  authz.stop();
  await store.close();
});

async function put(o: KubeObject): Promise<void> {
  await store.guaranteedUpdate(key(o), () => o, { allowCreate: true });
}

test('system:masters is allowed everything without any binding', () => {
  const d = authz.decide(attrs({ name: 'root', groups: ['system:masters'] }, 'delete', 'nodes', { namespace: '', name: 'n1' }));
  assert.equal(d.allowed, true);
});

test('a RoleBinding grants its Role in its own namespace only, with upstream reason text', () => {
  const d = authz.decide(attrs(alice, 'list', 'pods'));
  assert.deepEqual(d, { allowed: true, reason: 'RBAC: allowed by RoleBinding "alice-pods/default" of Role "pod-viewer" to User "alice"' });
  assert.equal(authz.decide(attrs(alice, 'list', 'pods', { namespace: 'other' })).allowed, false);
  assert.equal(authz.decide(attrs(alice, 'list', 'pods', { namespace: '' })).allowed, false);
  assert.equal(authz.decide(attrs(alice, 'delete', 'pods', { name: 'p' })).allowed, false);
  assert.equal(authz.decide(attrs(bob, 'list', 'pods')).allowed, false);
});

test('a denial without broken bindings has an empty reason', () => {
  assert.deepEqual(authz.decide(attrs(bob, 'get', 'secrets', { name: 's' })), { allowed: false, reason: '' });
});

test('a ClusterRoleBinding to a group grants cluster-wide and in every namespace', async () => {
  await put(clusterRole('node-reader', [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }, { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list'] }]));
  await put(binding('ClusterRoleBinding', '', 'devs-read', { kind: 'ClusterRole', name: 'node-reader' }, [{ kind: 'Group', apiGroup: G, name: 'dev' }]));
  await eventually(() => authz.decide(attrs(alice, 'get', 'nodes', { namespace: '', name: 'n1' })).allowed, 'cluster binding');
  const d = authz.decide(attrs(alice, 'list', 'deployments', { group: 'apps', namespace: 'anywhere' }));
  assert.deepEqual(d, { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "devs-read" of ClusterRole "node-reader" to Group "dev"' });
  assert.equal(authz.decide(attrs(bob, 'get', 'nodes', { namespace: '', name: 'n1' })).allowed, false);
});

test('a RoleBinding to a ClusterRole grants its rules only in the binding namespace', async () => {
  await put(clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]));
  await put(binding('RoleBinding', 'team', 'bob-secrets', { kind: 'ClusterRole', name: 'secret-reader' }, [{ kind: 'User', apiGroup: G, name: 'bob' }]));
  await eventually(() => authz.decide(attrs(bob, 'get', 'secrets', { namespace: 'team', name: 's' })).allowed, 'role binding');
  assert.equal(authz.decide(attrs(bob, 'get', 'secrets', { namespace: 'default', name: 's' })).allowed, false);
  assert.equal(authz.decide(attrs(bob, 'get', 'secrets', { namespace: '', name: 's' })).allowed, false);
});

test('a ServiceAccount subject without a namespace means the binding namespace', async () => {
  await put(binding('RoleBinding', 'team', 'read-pods', { kind: 'ClusterRole', name: 'secret-reader' }, [{ kind: 'ServiceAccount', name: 'mysa' }]));
  await eventually(() => authz.decide(attrs(mysa, 'get', 'secrets', { namespace: 'team', name: 's' })).allowed, 'sa binding');
  const d = authz.decide(attrs(mysa, 'get', 'secrets', { namespace: 'team', name: 's' }));
  assert.equal(d.reason, 'RBAC: allowed by RoleBinding "read-pods/team" of ClusterRole "secret-reader" to ServiceAccount "mysa/team"');
  assert.equal(authz.decide(attrs({ ...mysa, name: 'system:serviceaccount:other:mysa' }, 'get', 'secrets', { namespace: 'team', name: 's' })).allowed, false);
});

test('a binding to a missing role denies with the lister error as reason', async () => {
  await put(binding('ClusterRoleBinding', '', 'dangling', { kind: 'ClusterRole', name: 'ghost' }, [{ kind: 'User', apiGroup: G, name: 'carol' }]));
  const carol: UserInfo = { name: 'carol', groups: ['system:authenticated'] };
  await eventually(() => authz.decide(attrs(carol, 'get', 'pods', { name: 'p' })).reason !== '', 'dangling binding');
  assert.deepEqual(authz.decide(attrs(carol, 'get', 'pods', { name: 'p' })), { allowed: false, reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "ghost" not found' });
});

test('deleting a binding or changing a role takes effect', async () => {
  await store.delete(key(binding('RoleBinding', 'team', 'bob-secrets', { kind: 'ClusterRole', name: 'secret-reader' }, [])));
  await eventually(() => !authz.decide(attrs(bob, 'get', 'secrets', { namespace: 'team', name: 's' })).allowed, 'binding removed');
  await put(role('default', 'pod-viewer', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]));
  await eventually(() => !authz.decide(attrs(alice, 'list', 'pods')).allowed, 'role narrowed');
  assert.equal(authz.decide(attrs(alice, 'get', 'pods', { name: 'p' })).allowed, true);
});

test('non-resource URLs are authorized by ClusterRoles', async () => {
  await put(clusterRole('health', [{ nonResourceURLs: ['/healthz', '/healthz/*'], verbs: ['get'] }]));
  await put(binding('ClusterRoleBinding', '', 'health', { kind: 'ClusterRole', name: 'health' }, [{ kind: 'Group', apiGroup: G, name: 'system:authenticated' }]));
  const nr = (path: string, verb = 'get'): AuthorizationAttributes => ({ ...attrs(bob, verb, ''), isResourceRequest: false, path, namespace: '' });
  await eventually(() => authz.decide(nr('/healthz/etcd')).allowed, 'url binding');
  assert.equal(authz.decide(nr('/healthz')).allowed, true);
  assert.equal(authz.decide(nr('/metrics')).allowed, false);
  assert.equal(authz.decide(nr('/healthz', 'post')).allowed, false);
});

test('rulesFor returns the union of cluster-wide and namespace rules', async () => {
  const ns = await authz.rulesFor(alice, 'default');
  assert.equal(ns.incomplete, false);
  assert.deepEqual(ns.resourceRules, [
    { verbs: ['get'], apiGroups: [''], resources: ['nodes'] },
    { verbs: ['list'], apiGroups: ['apps'], resources: ['deployments'] },
    { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
  ]);
  assert.deepEqual(ns.nonResourceRules, [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/healthz/*'] }]);
  const cluster = await authz.rulesFor(alice, '');
  assert.equal(cluster.resourceRules.length, 2);
  const carol = await authz.rulesFor({ name: 'carol', groups: [] }, '');
  assert.equal(carol.evaluationError, 'clusterrole.rbac.authorization.k8s.io "ghost" not found');
});

test('resync reflects writes done just before it', async () => {
  await put(role('default', 'pod-viewer', podReader));
  await authz.resync();
  assert.equal(authz.decide(attrs(alice, 'list', 'pods')).allowed, true);
});

test('a compacted watch relists and keeps following', async () => {
  const rev = await store.currentRevision();
  await store.compact(rev);
  await put(clusterRole('late', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]));
  await put(binding('ClusterRoleBinding', '', 'late', { kind: 'ClusterRole', name: 'late' }, [{ kind: 'User', apiGroup: G, name: 'bob' }]));
  await eventually(() => authz.decide(attrs(bob, 'get', 'configmaps', { name: 'c' })).allowed, 'after compaction');
});

test('deciding for system:masters and for a bound user takes microseconds', () => {
  const masters = attrs({ name: 'admin', groups: ['system:masters', 'system:authenticated'] }, 'create', 'pods');
  const user = attrs(alice, 'list', 'pods');
  const n = 20000;
  let t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) authz.decide(masters);
  const mastersNs = Number(process.hrtime.bigint() - t) / n;
  t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) authz.decide(user);
  const userNs = Number(process.hrtime.bigint() - t) / n;
  assert.ok(mastersNs < 5_000, `system:masters decision took ${mastersNs} ns`);
  assert.ok(userNs < 50_000, `user decision took ${userNs} ns`);
});
