import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { startTestApiServer, type TestApiServer } from '../../client/test-apiserver.js';
import { AUTOUPDATE_ANNOTATION, BOOTSTRAPPING_LABEL } from './bootstrap-policy.js';
import { defaultPolicy, reconcilePolicy, reconciledRole } from './reconcile.js';

const CR = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' };
const CRB = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings' };

let srv: TestApiServer;
before(async () => {
  srv = await startTestApiServer();
});
after(async () => {
  await srv.stop();
});

test('a fresh server holds the default roles and bindings, labelled and annotated as upstream', async () => {
  for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:basic-user', 'system:discovery', 'system:public-info-viewer', 'system:monitoring', 'system:auth-delegator', 'system:aggregate-to-view']) {
    const cr = await srv.client.get({ ...CR, name });
    assert.equal(cr.metadata.labels?.[BOOTSTRAPPING_LABEL], 'rbac-defaults', name);
    assert.equal(cr.metadata.annotations?.[AUTOUPDATE_ANNOTATION], 'true', name);
  }
  const admin = await srv.client.get({ ...CRB, name: 'cluster-admin' });
  assert.deepEqual(admin.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }]);
  const piv = await srv.client.get({ ...CRB, name: 'system:public-info-viewer' });
  assert.deepEqual((piv.subjects as { name: string }[]).map((s) => s.name), ['system:authenticated', 'system:unauthenticated']);
});

test('every default policy object is accepted by validation', () => {
  const p = defaultPolicy();
  assert.ok(p.clusterRoles.length >= 13);
  for (const o of [...p.clusterRoles, ...p.clusterRoleBindings]) assert.ok(o.metadata.name);
});

test('a restart puts back a removed rule and subject but keeps additions', async () => {
  const cur = await srv.client.get({ ...CR, name: 'system:discovery' });
  await srv.client.update({ ...CR, name: 'system:discovery' }, { ...cur, rules: [{ verbs: ['get'], nonResourceURLs: ['/api'] }, { verbs: ['get'], nonResourceURLs: ['/custom'] }] });
  const b = await srv.client.get({ ...CRB, name: 'system:basic-user' });
  await srv.client.update({ ...CRB, name: 'system:basic-user' }, { ...b, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'extra' }] });
  await reconcilePolicy(srv.api.deps);
  const after = await srv.client.get({ ...CR, name: 'system:discovery' });
  const urls = (after.rules as { nonResourceURLs: string[] }[]).flatMap((r) => r.nonResourceURLs);
  assert.ok(urls.includes('/custom'));
  for (const u of ['/livez', '/version/', '/openapi/*', '/apis/*']) assert.ok(urls.includes(u), u);
  const b2 = await srv.client.get({ ...CRB, name: 'system:basic-user' });
  assert.deepEqual((b2.subjects as { name: string }[]).map((s) => s.name), ['extra', 'system:authenticated']);
});

test('objects annotated autoupdate=false are left alone', async () => {
  const cur = await srv.client.get({ ...CR, name: 'system:monitoring' });
  const pinned: KubeObject = { ...cur, metadata: { ...cur.metadata, annotations: { [AUTOUPDATE_ANNOTATION]: 'false' } }, rules: [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }] };
  await srv.client.update({ ...CR, name: 'system:monitoring' }, pinned);
  await reconcilePolicy(srv.api.deps);
  const after = await srv.client.get({ ...CR, name: 'system:monitoring' });
  assert.deepEqual(after.rules, [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }]);
});

test('a deleted default role is recreated', async () => {
  await srv.client.delete({ ...CR, name: 'system:auth-delegator' });
  await reconcilePolicy(srv.api.deps);
  const cr = await srv.client.get({ ...CR, name: 'system:auth-delegator' });
  assert.equal((cr.rules as unknown[]).length, 2);
});

test('reconciling an aggregated role adds its missing selectors but never touches its rules', () => {
  const existing: KubeObject = { kind: 'ClusterRole', metadata: { name: 'view' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { mine: 'true' } }] } };
  const expected = defaultPolicy().clusterRoles.find((r) => r.metadata.name === 'view')!;
  const out = reconciledRole(existing, expected);
  assert.deepEqual(out.rules, existing.rules);
  assert.deepEqual((out.aggregationRule as { clusterRoleSelectors: unknown[] }).clusterRoleSelectors, [{ matchLabels: { mine: 'true' } }, { matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }]);
  assert.equal(out.metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-edit'], 'true');
});

test('a default binding whose roleRef was changed is recreated with its subjects kept', async () => {
  await srv.client.delete({ ...CRB, name: 'system:discovery' });
  await srv.client.create(CRB, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'system:discovery' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'kept' }],
  });
  await reconcilePolicy(srv.api.deps);
  const b = await srv.client.get({ ...CRB, name: 'system:discovery' });
  assert.equal((b.roleRef as { name: string }).name, 'system:discovery');
  assert.deepEqual((b.subjects as { name: string }[]).map((s) => s.name), ['kept', 'system:authenticated']);
});
