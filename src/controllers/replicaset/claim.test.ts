import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { adoptPatch, planClaims, releasePatch } from '../common/controller-ref-replicaset.js';

const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', uid: 'me' } };
const ref = (uid: string) => [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true }];
const obj = (name: string, app: string, refs?: ReturnType<typeof ref>, deleting = false): KubeObject => ({
  metadata: { name, uid: `u-${name}`, resourceVersion: '7', labels: { app }, ...(refs ? { ownerReferences: refs } : {}), ...(deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
});
const matches = (o: KubeObject) => o.metadata.labels?.app === 'web';

test('orphans that match are adopted, mismatching owned objects released, foreign ones ignored', () => {
  const plan = planClaims(owner, [obj('mine', 'web', ref('me')), obj('orphan', 'web'), obj('moved', 'api', ref('me')), obj('theirs', 'web', ref('other')), obj('dying', 'web', undefined, true)], matches);
  assert.deepEqual(plan.owned.map((o) => o.metadata.name), ['mine']);
  assert.deepEqual(plan.adopt.map((o) => o.metadata.name), ['orphan']);
  assert.deepEqual(plan.release.map((o) => o.metadata.name), ['moved']);
});

test('an owner being deleted neither adopts nor releases', () => {
  const plan = planClaims({ ...owner, metadata: { ...owner.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } }, [obj('orphan', 'web'), obj('moved', 'api', ref('me'))], matches);
  assert.deepEqual([plan.adopt.length, plan.release.length], [0, 0]);
});

test('adoption and release patches are guarded by uid and resourceVersion', () => {
  const a = adoptPatch(owner, obj('orphan', 'web'));
  assert.deepEqual(a.slice(0, 2), [{ op: 'test', path: '/metadata/uid', value: 'u-orphan' }, { op: 'test', path: '/metadata/resourceVersion', value: '7' }]);
  assert.deepEqual(a[2], { op: 'add', path: '/metadata/ownerReferences', value: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'me', controller: true, blockOwnerDeletion: true }] });
  assert.deepEqual(releasePatch(owner, obj('moved', 'api', ref('me')))[2], { op: 'remove', path: '/metadata/ownerReferences' });
});
