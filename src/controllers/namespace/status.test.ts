import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deletionConditions, deletionVerdict, finalizedFinalizers, type DeletionPass } from './status.js';

const empty: DeletionPass = { outcomes: [{ group: '', resource: 'configmaps', remaining: 0, finalizers: {} }] };
const T0 = '2024-01-01T00:00:00Z';
const T1 = '2024-01-01T00:01:00Z';

test('an emptied namespace gets all five conditions False with the upstream reasons', () => {
  const c = deletionConditions([], empty, T0);
  assert.deepEqual(c.map((x) => [x.type, x.status, x.reason]), [
    ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered'],
    ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions'],
    ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted'],
    ['NamespaceContentRemaining', 'False', 'ContentRemoved'],
    ['NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers'],
  ]);
  assert.equal(c[2]?.message, 'All content successfully deleted, may be waiting on finalization');
});

test('an emptied namespace may be finalized', () => {
  assert.deepEqual(deletionVerdict(empty), { finalize: true, failed: false });
});

test('remaining content is listed per resource and re-checked soon', () => {
  const pass: DeletionPass = {
    outcomes: [
      { group: 'apps', resource: 'deployments', remaining: 2, finalizers: { 'example.com/a': 2 } },
      { group: '', resource: 'pods', remaining: 1, finalizers: {} },
    ],
  };
  const c = deletionConditions([], pass, T0);
  assert.equal(c.find((x) => x.type === 'NamespaceContentRemaining')?.message, 'Some resources are remaining: deployments.apps has 2 resource instances, pods has 1 resource instances');
  assert.equal(c.find((x) => x.type === 'NamespaceFinalizersRemaining')?.message, 'Some content in the namespace has finalizers remaining: example.com/a in 2 resource instances');
  const v = deletionVerdict(pass);
  assert.equal(v.finalize, false);
  assert.ok((v.requeueAfterMs ?? 0) > 0);
});

test('a failed delete and a failed discovery are reported and block finalization', () => {
  const pass: DeletionPass = { discoveryError: 'boom', outcomes: [{ group: '', resource: 'secrets', remaining: 0, finalizers: {}, error: 'unable to delete secrets: denied' }] };
  const c = deletionConditions([], pass, T0);
  assert.equal(c.find((x) => x.type === 'NamespaceDeletionDiscoveryFailure')?.message, 'Discovery failed for some groups, 1 failing: boom');
  assert.equal(c.find((x) => x.type === 'NamespaceDeletionContentFailure')?.message, 'Failed to delete all resource types, 1 remaining: unable to delete secrets: denied');
  assert.deepEqual(deletionVerdict(pass), { finalize: false, failed: true });
});

test('lastTransitionTime moves only when a condition flips', () => {
  const held: DeletionPass = { outcomes: [{ group: '', resource: 'configmaps', remaining: 1, finalizers: {} }] };
  const first = deletionConditions([], held, T0);
  const again = deletionConditions(first, held, T1);
  assert.equal(again.find((x) => x.type === 'NamespaceContentRemaining')?.lastTransitionTime, T0);
  const cleared = deletionConditions(again, empty, T1);
  assert.equal(cleared.find((x) => x.type === 'NamespaceContentRemaining')?.lastTransitionTime, T1);
  assert.equal(cleared.find((x) => x.type === 'NamespaceDeletionDiscoveryFailure')?.lastTransitionTime, T0);
});

test('finalizing drops only the kubernetes finalizer', () => {
  assert.deepEqual(finalizedFinalizers(['kubernetes', 'example.com/x']), ['example.com/x']);
});
