import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from 'kubernetes-types/core/v1.js';
import { decideNodeHealth, desiredTaints, observeNode, taintModes, zoneState } from './health.js';

const opts = { gracePeriodMs: 40_000, startupGracePeriodMs: 60_000 };
const T0 = Date.parse('2024-01-01T00:00:00Z');

function node(name: string, ready?: string, extra: Partial<Node> = {}): Node {
  return {
    metadata: { name, creationTimestamp: '2024-01-01T00:00:00Z', ...(extra.metadata ?? {}) },
    spec: extra.spec ?? {},
    status: ready ? { conditions: [{ type: 'Ready', status: ready, reason: 'KubeletReady', lastHeartbeatTime: '2024-01-01T00:00:00Z', lastTransitionTime: '2024-01-01T00:00:00Z' }] } : {},
  };
}

test('a node heard from within the grace period is left alone and re-checked when it runs out', () => {
  const rec = observeNode(undefined, node('a', 'True'), undefined, T0);
  assert.deepEqual(decideNodeHealth(node('a', 'True'), rec, T0 + 10_000, opts), { recheckAfterMs: 30_001 });
});

test('a node silent past the grace period gets Ready Unknown with NodeStatusUnknown', () => {
  const n = node('a', 'True');
  const rec = observeNode(undefined, n, undefined, T0);
  const d = decideNodeHealth(n, rec, T0 + 40_001, opts);
  const ready = d.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'Unknown');
  assert.equal(ready?.reason, 'NodeStatusUnknown');
  assert.equal(ready?.message, 'Kubelet stopped posting node status.');
  assert.equal(ready?.lastHeartbeatTime, '2024-01-01T00:00:00Z');
  assert.equal(ready?.lastTransitionTime, '2024-01-01T00:00:40Z');
});

test('pressure conditions never posted are added as Unknown with NodeStatusNeverUpdated', () => {
  const n = node('a', 'True');
  const d = decideNodeHealth(n, observeNode(undefined, n, undefined, T0), T0 + 41_000, opts);
  const mem = d.conditions?.find((c) => c.type === 'MemoryPressure');
  assert.equal(mem?.status, 'Unknown');
  assert.equal(mem?.reason, 'NodeStatusNeverUpdated');
  assert.equal(mem?.message, 'Kubelet never posted node status.');
});

test('a node already Unknown is not rewritten', () => {
  const n = node('a', 'True');
  const d = decideNodeHealth(n, observeNode(undefined, n, undefined, T0), T0 + 41_000, opts);
  const unknown: Node = { ...n, status: { conditions: d.conditions } };
  assert.deepEqual(decideNodeHealth(unknown, observeNode(undefined, unknown, undefined, T0), T0 + 100_000, opts), {});
});

test('a node that never posted status gets the startup grace period', () => {
  const n = node('a');
  const rec = observeNode(undefined, n, undefined, T0);
  assert.ok(decideNodeHealth(n, rec, T0 + 50_000, opts).recheckAfterMs);
  const ready = decideNodeHealth(n, rec, T0 + 61_000, opts).conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.reason, 'NodeStatusNeverUpdated');
});

test('a renewed Lease counts as a sign of life even without a new heartbeat', () => {
  const n = node('a', 'True');
  let rec = observeNode(undefined, n, '2024-01-01T00:00:00.000000Z', T0);
  rec = observeNode(rec, n, '2024-01-01T00:00:30.000000Z', T0 + 30_000);
  assert.equal(rec.probeMs, T0 + 30_000);
  assert.ok(decideNodeHealth(n, rec, T0 + 60_000, opts).recheckAfterMs);
});

test('a repeated Lease renewTime is not a sign of life', () => {
  const n = node('a', 'True');
  let rec = observeNode(undefined, n, '2024-01-01T00:00:00.000000Z', T0);
  rec = observeNode(rec, n, '2024-01-01T00:00:00.000000Z', T0 + 30_000);
  assert.equal(rec.probeMs, T0);
});

test('Ready Unknown wants unreachable NoSchedule and NoExecute taints', () => {
  assert.deepEqual(desiredTaints(node('a', 'Unknown'), 'normal'), [
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
  ]);
});

test('Ready False wants not-ready taints and a cordoned node the unschedulable taint', () => {
  assert.deepEqual(desiredTaints(node('a', 'False', { spec: { unschedulable: true } }), 'normal'), [
    { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
  ]);
});

test('a Ready node wants no lifecycle taints', () => {
  assert.deepEqual(desiredTaints(node('a', 'True'), 'normal'), []);
});

test('zone state follows ComputeZoneState', () => {
  assert.equal(zoneState(0, 1, 0.55), 'FullDisruption');
  assert.equal(zoneState(1, 2, 0.55), 'Normal');
  assert.equal(zoneState(1, 3, 0.55), 'PartialDisruption');
  assert.equal(zoneState(5, 3, 0.55), 'Normal');
});

test('when every node of every zone is not ready, NoExecute tainting stops', () => {
  const modes = taintModes([node('a', 'Unknown'), node('b', 'False')], { unhealthyZoneThreshold: 0.55, largeClusterSizeThreshold: 50 });
  assert.equal(modes.get('a'), 'off');
  assert.deepEqual(desiredTaints(node('a', 'Unknown'), 'off'), [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]);
});

test('one dead node among healthy ones is tainted normally', () => {
  const modes = taintModes([node('a', 'Unknown'), node('b', 'True')], { unhealthyZoneThreshold: 0.55, largeClusterSizeThreshold: 50 });
  assert.equal(modes.get('a'), 'normal');
});

test('a fully disrupted zone is still tainted while another zone is healthy', () => {
  const z = (name: string, zone: string, ready: string): Node => node(name, ready, { metadata: { name, labels: { 'topology.kubernetes.io/zone': zone } } });
  const modes = taintModes([z('a', 'z1', 'Unknown'), z('b', 'z2', 'True')], { unhealthyZoneThreshold: 0.55, largeClusterSizeThreshold: 50 });
  assert.equal(modes.get('a'), 'normal');
});

test('a partially disrupted small zone gets no new NoExecute taints', () => {
  const nodes = [node('a', 'Unknown'), node('b', 'Unknown'), node('c', 'Unknown'), node('d', 'True')];
  const modes = taintModes(nodes, { unhealthyZoneThreshold: 0.55, largeClusterSizeThreshold: 50 });
  assert.equal(modes.get('a'), 'frozen');
  assert.deepEqual(desiredTaints(node('a', 'Unknown'), 'frozen'), [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]);
});
