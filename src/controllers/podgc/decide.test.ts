import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { NodeQuarantine, missingNodes, orphanedPods, terminatedPodsToDelete, terminatingOnOutOfServiceNodes, unscheduledTerminatingPods } from './decide.js';

function pod(name: string, o: { phase?: string; reason?: string; created?: string; node?: string; deleting?: boolean } = {}): Pod {
  return {
    metadata: { name, namespace: 'ns', creationTimestamp: o.created ?? '2024-01-01T00:00:00Z', ...(o.deleting ? { deletionTimestamp: '2024-01-02T00:00:00Z' } : {}) },
    spec: { containers: [], ...(o.node ? { nodeName: o.node } : {}) },
    status: { phase: o.phase ?? 'Running', ...(o.reason ? { reason: o.reason } : {}) },
  };
}

const names = (ps: Pod[]): string[] => ps.map((p) => p.metadata?.name ?? '');

test('terminated pods beyond the threshold are chosen evicted first, then oldest', () => {
  const pods = [
    pod('new', { phase: 'Succeeded', created: '2024-01-03T00:00:00Z' }),
    pod('old', { phase: 'Failed', created: '2024-01-01T00:00:00Z' }),
    pod('evicted', { phase: 'Failed', reason: 'Evicted', created: '2024-01-05T00:00:00Z' }),
    pod('running', { created: '2023-01-01T00:00:00Z' }),
  ];
  assert.deepEqual(names(terminatedPodsToDelete(pods, 1)), ['evicted', 'old']);
  assert.deepEqual(names(terminatedPodsToDelete(pods, 3)), []);
  assert.deepEqual(names(terminatedPodsToDelete(pods, 0)), []);
});

test('pods on nodes missing from the cache name those nodes', () => {
  const pods = [pod('a', { node: 'gone' }), pod('b', { node: 'here' }), pod('c')];
  assert.deepEqual([...missingNodes(pods, (n) => n === 'here')], ['gone']);
  assert.deepEqual(names(orphanedPods(pods, new Set(['gone']))), ['a']);
});

test('a missing node is due only after the quarantine and forgotten when it reappears', () => {
  const q = new NodeQuarantine(40_000);
  assert.deepEqual(q.observe(new Set(['n']), 0), []);
  assert.equal(q.nextDueIn(10_000), 30_000);
  assert.deepEqual(q.observe(new Set(['n']), 39_999), []);
  assert.deepEqual(q.observe(new Set(['n']), 40_000), ['n']);
  q.checked('n');
  assert.deepEqual(q.observe(new Set(['n']), 41_000), []);
  q.observe(new Set(), 42_000);
  assert.equal(q.nextDueIn(42_000), undefined);
});

test('unscheduled terminating pods are collected, scheduled ones are left to their node', () => {
  const pods = [pod('a', { deleting: true }), pod('b', { deleting: true, node: 'n1' }), pod('c')];
  assert.deepEqual(names(unscheduledTerminatingPods(pods)), ['a']);
});

test('terminating pods on NotReady out-of-service nodes are collected', () => {
  const nodes: Node[] = [
    { metadata: { name: 'oos' }, spec: { taints: [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }] }, status: { conditions: [{ type: 'Ready', status: 'False' }] } },
    { metadata: { name: 'ready-oos' }, spec: { taints: [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }] }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
  ];
  const pods = [pod('a', { deleting: true, node: 'oos' }), pod('b', { node: 'oos' }), pod('c', { deleting: true, node: 'ready-oos' })];
  assert.deepEqual(names(terminatingOnOutOfServiceNodes(pods, nodes)), ['a']);
});
