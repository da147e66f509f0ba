import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { decide, type GcNode, type OwnerState } from './decide.js';

const R = { group: '', version: 'v1', resource: 'configmaps' };
function node(name: string, meta: Partial<KubeObject['metadata']> = {}): GcNode {
  return { resource: R, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '1', ...meta } } };
}
const ref = (owner: string, block = false): OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid: `uid-${owner}`, ...(block ? { blockOwnerDeletion: true } : {}) });
const present = (o: GcNode): OwnerState => ({ ref: ref(o.object.metadata.name!), state: 'present', owner: o.object });
const absent = (name: string): OwnerState => ({ ref: ref(name), state: 'absent' });
const deleting = (name: string, finalizer: string, meta: Partial<KubeObject['metadata']> = {}) => node(name, { deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: [finalizer], ...meta });

test('an object without owners is left alone', () => {
  assert.deepEqual(decide(node('free'), [], []), []);
});

test('a dependent whose only owner is absent is deleted in the background', () => {
  const dep = node('dep', { ownerReferences: [ref('gone')] });
  assert.deepEqual(decide(dep, [absent('gone')], []), [{ kind: 'delete', target: dep, propagationPolicy: 'Background' }]);
});

test('a dependent with a live owner is kept', () => {
  const owner = node('owner');
  const dep = node('dep', { ownerReferences: [ref('owner')] });
  assert.deepEqual(decide(dep, [present(owner)], []), []);
});

test('an owner of unknown kind counts as alive', () => {
  const dep = node('dep', { ownerReferences: [ref('x')] });
  assert.deepEqual(decide(dep, [{ ref: ref('x'), state: 'unknown' }], []), []);
});

test('a dependent with one live and one absent owner loses only the dangling reference', () => {
  const owner = node('owner');
  const dep = node('dep', { ownerReferences: [ref('owner'), ref('gone')] });
  assert.deepEqual(decide(dep, [present(owner), absent('gone')], []), [{ kind: 'removeOwnerReferences', target: dep, uids: ['uid-gone'] }]);
});

test('a dependent of an owner in foreground deletion is deleted', () => {
  const owner = deleting('owner', 'foregroundDeletion');
  const dep = node('dep', { ownerReferences: [ref('owner', true)] });
  assert.deepEqual(decide(dep, [present(owner)], []), [{ kind: 'delete', target: dep, propagationPolicy: 'Background' }]);
});

test('a dependent with its own dependents is deleted in the foreground when its owner waits', () => {
  const owner = deleting('owner', 'foregroundDeletion');
  const dep = node('dep', { ownerReferences: [ref('owner', true)] });
  const grandchild = node('gc', { ownerReferences: [ref('dep', true)] });
  assert.deepEqual(decide(dep, [present(owner)], [grandchild]), [{ kind: 'delete', target: dep, propagationPolicy: 'Foreground' }]);
});

test('a dependent in a foreground cycle unblocks its references before deleting', () => {
  const owner = deleting('owner', 'foregroundDeletion');
  const dep = node('dep', { ownerReferences: [ref('owner', true)] });
  const child = deleting('child', 'foregroundDeletion', { ownerReferences: [ref('dep', true)] });
  const acts = decide(dep, [present(owner)], [child]);
  assert.deepEqual(acts.map((a) => a.kind), ['unblockOwnerReferences', 'delete']);
});

test('a dependent with a live owner and a waiting owner drops the waiting reference', () => {
  const live = node('live');
  const waiting = deleting('waiting', 'foregroundDeletion');
  const dep = node('dep', { ownerReferences: [ref('live'), ref('waiting', true)] });
  assert.deepEqual(decide(dep, [present(live), present(waiting)], []), [{ kind: 'removeOwnerReferences', target: dep, uids: ['uid-waiting'] }]);
});

test('a foreground owner keeps its finalizer while a blocking dependent remains', () => {
  const owner = deleting('owner', 'foregroundDeletion');
  const dep = node('dep', { ownerReferences: [ref('owner', true)] });
  assert.deepEqual(decide(owner, [], [dep]), []);
});

test('a foreground owner whose dependents do not block has its finalizer removed', () => {
  const owner = deleting('owner', 'foregroundDeletion');
  const dep = node('dep', { ownerReferences: [ref('owner')] });
  assert.deepEqual(decide(owner, [], [dep]), [{ kind: 'removeFinalizer', target: owner, finalizer: 'foregroundDeletion' }]);
});

test('an orphaning owner strips its references from dependents before removing the finalizer', () => {
  const owner = deleting('owner', 'orphan');
  const a = node('a', { ownerReferences: [ref('owner')] });
  const b = node('b', { ownerReferences: [ref('owner', true)] });
  assert.deepEqual(decide(owner, [], [a, b]), [
    { kind: 'removeOwnerReferences', target: a, uids: ['uid-owner'] },
    { kind: 'removeOwnerReferences', target: b, uids: ['uid-owner'] },
    { kind: 'removeFinalizer', target: owner, finalizer: 'orphan' },
  ]);
});

test('an object being deleted under someone else\'s finalizer is not touched', () => {
  const dep = deleting('dep', 'example.com/hold', { ownerReferences: [ref('gone')] });
  assert.deepEqual(decide(dep, [absent('gone')], []), []);
});

test('a dependent marked for orphaning keeps that policy when collected', () => {
  const dep = node('dep', { ownerReferences: [ref('gone')], finalizers: ['orphan'] });
  assert.deepEqual(decide(dep, [absent('gone')], []), [{ kind: 'delete', target: dep, propagationPolicy: 'Orphan' }]);
});
