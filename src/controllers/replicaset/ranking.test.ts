import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePodsForDeletion, podsToDelete } from './ranking.js';
import type { PodObj } from './pods.js';

const NOW = new Date('2024-01-01T12:00:00Z');

function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; readySince?: string; restarts?: number; created?: string; cost?: string } = {}): PodObj {
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      creationTimestamp: o.created ?? '2024-01-01T00:00:00Z',
      ...(o.cost ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': o.cost } } : {}),
    },
    spec: { containers: [], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: o.readySince ?? '2024-01-01T00:00:00Z' }],
      containerStatuses: [{ name: 'c', image: 'x', imageID: '', ready: true, restartCount: o.restarts ?? 0 }],
    },
  };
}

test('an unassigned pod is deleted before an assigned one', () => {
  assert.ok(comparePodsForDeletion(pod('a'), pod('b', { node: 'n1' }), 0, 0, NOW) < 0);
});

test('pending pods go before unknown pods, which go before running pods', () => {
  const order = podsToDelete([pod('r', { node: 'n' }), pod('u', { node: 'n', phase: 'Unknown' }), pod('p', { node: 'n', phase: 'Pending' })], [], 2, NOW);
  assert.deepEqual(order.map((p) => p.metadata.name), ['p', 'u']);
});

test('a pod that is not ready is deleted before a ready one', () => {
  const out = podsToDelete([pod('ready', { node: 'n' }), pod('notready', { node: 'n', ready: false })], [], 1, NOW);
  assert.equal(out[0]?.metadata.name, 'notready');
});

test('a lower pod-deletion-cost is deleted first', () => {
  assert.ok(comparePodsForDeletion(pod('cheap', { cost: '-5' }), pod('dear', { cost: '10' }), 0, 0, NOW) < 0);
});

test('a pod doubled up on a node with related pods goes before a lone one', () => {
  const a = pod('a', { node: 'crowded' });
  const b = pod('b', { node: 'alone' });
  const related = [a, pod('a2', { node: 'crowded' }), b];
  assert.equal(podsToDelete([b, a], related, 1, NOW)[0]?.metadata.name, 'a');
});

test('the pod with more container restarts is deleted first', () => {
  const out = podsToDelete([pod('calm', { node: 'n', restarts: 0 }), pod('flaky', { node: 'n', restarts: 7 })], [], 1, NOW);
  assert.equal(out[0]?.metadata.name, 'flaky');
});

test('a newer pod is deleted before an older one when creation times are far apart', () => {
  const old = pod('old', { node: 'n', created: '2023-01-01T00:00:00Z' });
  const young = pod('young', { node: 'n', created: '2024-01-01T11:59:00Z' });
  assert.equal(podsToDelete([old, young], [], 1, NOW)[0]?.metadata.name, 'young');
});

test('the pod ready for a shorter time is deleted first', () => {
  const longReady = pod('long', { node: 'n', readySince: '2023-06-01T00:00:00Z' });
  const justReady = pod('just', { node: 'n', readySince: '2024-01-01T11:59:50Z' });
  assert.equal(podsToDelete([longReady, justReady], [], 1, NOW)[0]?.metadata.name, 'just');
});

test('asking to delete at least every pod returns them all', () => {
  assert.equal(podsToDelete([pod('a'), pod('b')], [], 5, NOW).length, 2);
});
