import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { countHealthyPods, disruptedPodMap, expectedPodCount, failSafeStatus, needsScale, pdbStatus, scaledValue } from './status.js';

const NOW = Date.parse('2024-01-01T00:10:00Z');
const pdb = (spec: PodDisruptionBudget['spec'], status?: PodDisruptionBudget['status']): PodDisruptionBudget => ({ metadata: { name: 'p', namespace: 'default', generation: 1 }, spec, ...(status ? { status } : {}) });
const pod = (name: string, ready: boolean, extra: Partial<Pod['metadata']> = {}): Pod => ({ metadata: { name, ...extra }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });

test('an integer minAvailable counts the selected pods and needs no scale', () => {
  const p = pdb({ minAvailable: 2 });
  assert.equal(needsScale(p), false);
  assert.deepEqual(expectedPodCount(p, 3, 0), { expectedCount: 3, desiredHealthy: 2 });
});

test('a percentage minAvailable is a share of the controllers\' scale, rounded up', () => {
  const p = pdb({ minAvailable: '50%' });
  assert.equal(needsScale(p), true);
  assert.deepEqual(expectedPodCount(p, 2, 5), { expectedCount: 5, desiredHealthy: 3 });
});

test('maxUnavailable subtracts from the scale, rounded up, never below zero', () => {
  assert.deepEqual(expectedPodCount(pdb({ maxUnavailable: 1 }), 3, 3), { expectedCount: 3, desiredHealthy: 2 });
  assert.deepEqual(expectedPodCount(pdb({ maxUnavailable: '30%' }), 3, 3), { expectedCount: 3, desiredHealthy: 2 });
  assert.deepEqual(expectedPodCount(pdb({ maxUnavailable: 5 }), 3, 3), { expectedCount: 3, desiredHealthy: 0 });
});

test('scaled percentages round up', () => {
  assert.equal(scaledValue('10%', 11), 2);
  assert.equal(scaledValue(4, 100), 4);
});

test('healthy pods are Ready, not being deleted and not recently evicted', () => {
  const pods = [pod('a', true), pod('b', true, { deletionTimestamp: '2024-01-01T00:09:00Z' }), pod('c', false), pod('d', true)];
  assert.equal(countHealthyPods(pods, { d: '2024-01-01T00:09:30Z' }, NOW), 1);
  assert.equal(countHealthyPods(pods, { d: '2024-01-01T00:07:00Z' }, NOW), 2);
});

test('disrupted pods older than the deletion timeout are dropped and reported overdue', () => {
  const r = disruptedPodMap([pod('a', true), pod('b', true), pod('gone', true, { deletionTimestamp: 'x' })], { a: '2024-01-01T00:09:30Z', b: '2024-01-01T00:07:00Z', gone: '2024-01-01T00:09:00Z', absent: '2024-01-01T00:09:00Z' }, NOW);
  assert.deepEqual(r.map, { a: '2024-01-01T00:09:30Z' });
  assert.deepEqual(r.overdue, ['b']);
  assert.equal(r.recheckMs, Date.parse('2024-01-01T00:11:30Z'));
});

test('the status allows currentHealthy minus desiredHealthy disruptions with SufficientPods', () => {
  const s = pdbStatus(pdb({ minAvailable: 2 }), { currentHealthy: 3, desiredHealthy: 2, expectedCount: 3, disruptedPods: {} }, '2024-01-01T00:10:00Z');
  assert.equal(s?.disruptionsAllowed, 1);
  assert.equal(s?.observedGeneration, 1);
  assert.deepEqual(s?.conditions, [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1, lastTransitionTime: '2024-01-01T00:10:00Z' }]);
});

test('too few healthy pods allow no disruption and report InsufficientPods', () => {
  const s = pdbStatus(pdb({ minAvailable: 3 }), { currentHealthy: 2, desiredHealthy: 3, expectedCount: 3, disruptedPods: {} }, 'T');
  assert.equal(s?.disruptionsAllowed, 0);
  assert.equal(s?.conditions?.[0]?.reason, 'InsufficientPods');
  assert.equal(s?.conditions?.[0]?.status, 'False');
});

test('no expected pods allow no disruption', () => {
  assert.equal(pdbStatus(pdb({ maxUnavailable: 1 }), { currentHealthy: 0, desiredHealthy: 0, expectedCount: 0, disruptedPods: {} }, 'T')?.disruptionsAllowed, 0);
});

test('an unchanged status is not rewritten', () => {
  const p = pdb({ minAvailable: 1 }, { currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, disruptionsAllowed: 1, observedGeneration: 1, conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', lastTransitionTime: 'T' }] });
  assert.equal(pdbStatus(p, { currentHealthy: 2, desiredHealthy: 1, expectedCount: 2, disruptedPods: {} }, 'T2'), undefined);
});

test('the condition keeps its transition time while its status holds', () => {
  const p = pdb({ minAvailable: 1 }, { currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, disruptionsAllowed: 1, observedGeneration: 1, conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', lastTransitionTime: 'T' }] });
  const s = pdbStatus(p, { currentHealthy: 3, desiredHealthy: 1, expectedCount: 3, disruptedPods: {} }, 'T2');
  assert.equal(s?.conditions?.[0]?.lastTransitionTime, 'T');
});

test('a failed sync allows no disruption with reason SyncFailed', () => {
  const s = failSafeStatus(pdb({ maxUnavailable: 1 }), 'found no controllers for pod "x"', 'T');
  assert.equal(s.disruptionsAllowed, 0);
  assert.equal(s.conditions?.[0]?.reason, 'SyncFailed');
  assert.equal(s.conditions?.[0]?.message, 'found no controllers for pod "x"');
});
