import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { resourceReplicas, type PodMetricsInfo } from './replica-calculator.js';
import { podMetricsInfo, parseGoDuration } from './metrics.js';
import { formatMilliQuantity } from './status.js';

const NOW = Date.parse('2025-01-01T00:10:00Z');
const LONG_AGO = '2025-01-01T00:00:00Z';

function pod(name: string, o: { ready?: boolean; phase?: string; start?: string; transition?: string; cpu?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: o.cpu ?? '100m' } } }] },
    status: {
      phase: o.phase ?? 'Running',
      startTime: o.start ?? LONG_AGO,
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: o.transition ?? LONG_AGO }],
    },
  };
}

function metrics(values: Record<string, number>): PodMetricsInfo {
  return new Map(Object.entries(values).map(([k, v]) => [k, { value: v, timestamp: NOW, window: 15_000 }]));
}

test('utilization above target scales up proportionally', () => {
  const p = resourceReplicas({ currentReplicas: 1, target: { utilization: 50 }, resource: 'cpu', pods: [pod('a')], metrics: metrics({ a: 200 }), now: NOW });
  assert.equal(p.replicas, 4);
  assert.equal(p.utilization, 200);
  assert.equal(p.rawAverage, 200);
});

test('a ratio within the 0.1 tolerance keeps the current replicas', () => {
  const p = resourceReplicas({ currentReplicas: 2, target: { utilization: 50 }, resource: 'cpu', pods: [pod('a'), pod('b')], metrics: metrics({ a: 54, b: 54 }), now: NOW });
  assert.equal(p.replicas, 2);
});

test('utilization below target scales down', () => {
  const p = resourceReplicas({ currentReplicas: 4, target: { utilization: 50 }, resource: 'cpu', pods: ['a', 'b', 'c', 'd'].map((n) => pod(n)), metrics: metrics({ a: 10, b: 10, c: 10, d: 10 }), now: NOW });
  assert.equal(p.replicas, 1);
});

test('pods missing metrics count as 100% of request on scale-down', () => {
  // 2 pods at 10% and one without metrics (as 100%): ratio (10+10+100)/300/0.5 = 0.8 → ceil(0.8*3) = 3 → stays
  const p = resourceReplicas({ currentReplicas: 3, target: { utilization: 50 }, resource: 'cpu', pods: [pod('a'), pod('b'), pod('c')], metrics: metrics({ a: 10, b: 10 }), now: NOW });
  assert.equal(p.replicas, 3);
  assert.equal(p.utilization, 10);
});

test('pods missing metrics count as 0% on scale-up', () => {
  // a at 200%, b missing (0): 100% / 50% = 2 → ceil(2*2) = 4
  const p = resourceReplicas({ currentReplicas: 2, target: { utilization: 50 }, resource: 'cpu', pods: [pod('a'), pod('b')], metrics: metrics({ a: 200 }), now: NOW });
  assert.equal(p.replicas, 4);
});

test('unready cpu pods count as 0% on scale-up', () => {
  // b is not ready: a at 150% → with b at 0: 75% / 50% = 1.5 → ceil(1.5*2) = 3
  const p = resourceReplicas({ currentReplicas: 2, target: { utilization: 50 }, resource: 'cpu', pods: [pod('a'), pod('b', { ready: false, start: '2025-01-01T00:09:00Z', transition: '2025-01-01T00:09:00Z' })], metrics: metrics({ a: 150, b: 150 }), now: NOW });
  assert.equal(p.replicas, 3);
});

test('a pod within the cpu initialization period whose metric predates a full window since ready is unready', () => {
  const fresh = pod('b', { start: '2025-01-01T00:09:50Z', transition: '2025-01-01T00:09:55Z' });
  const p = resourceReplicas({ currentReplicas: 2, target: { utilization: 50 }, resource: 'cpu', pods: [pod('a'), fresh], metrics: metrics({ a: 100, b: 400 }), now: NOW });
  // b ignored (set to 0 on scale-up): 50% / 50% → within tolerance → stays at 2
  assert.equal(p.replicas, 2);
});

test('a scale direction change caused by unready pods keeps the current count', () => {
  // a at 60% (ratio 1.2), three unready pods at 0% would make it 0.3: refused
  const unready = (n: string): Pod => pod(n, { phase: 'Pending' });
  const p = resourceReplicas({ currentReplicas: 4, target: { utilization: 50 }, resource: 'cpu', pods: [pod('a'), unready('b'), unready('c'), unready('d')], metrics: metrics({ a: 60 }), now: NOW });
  assert.equal(p.replicas, 4);
});

test('AverageValue targets divide the average usage by the target', () => {
  const p = resourceReplicas({ currentReplicas: 2, target: { averageValue: 100 }, resource: 'cpu', pods: [pod('a'), pod('b')], metrics: metrics({ a: 300, b: 100 }), now: NOW });
  assert.equal(p.replicas, 4);
  assert.equal(p.rawAverage, 200);
  assert.equal(p.utilization, undefined);
});

test('deleted and failed pods are ignored', () => {
  const b = pod('b');
  const gone: Pod = { ...b, metadata: { ...b.metadata, deletionTimestamp: LONG_AGO } };
  const p = resourceReplicas({ currentReplicas: 2, target: { utilization: 50 }, resource: 'cpu', pods: [pod('a'), gone, pod('c', { phase: 'Failed' })], metrics: metrics({ a: 100, b: 0, c: 0 }), now: NOW });
  assert.equal(p.replicas, 2);
});

test('a container without a request is an error for Utilization', () => {
  const p = pod('a');
  p.spec!.containers[0]!.resources = {};
  assert.throws(() => resourceReplicas({ currentReplicas: 1, target: { utilization: 50 }, resource: 'cpu', pods: [p], metrics: metrics({ a: 10 }), now: NOW }), /missing request for cpu in container c of Pod a/);
});

test('no pods is an error', () => {
  assert.throws(() => resourceReplicas({ currentReplicas: 1, target: { utilization: 50 }, resource: 'cpu', pods: [], metrics: metrics({}), now: NOW }), /no pods returned by selector/);
});

test('PodMetrics items sum containers and treat empty ones as missing', () => {
  const info = podMetricsInfo(
    [
      { metadata: { name: 'a' }, timestamp: '2025-01-01T00:00:00Z', window: '15s', containers: [{ name: 'x', usage: { cpu: '250m' } }, { name: 'y', usage: { cpu: '1500000n' } }] },
      { metadata: { name: 'b' }, containers: [] },
    ],
    'cpu',
  );
  assert.deepEqual([...info.keys()], ['a']);
  assert.equal(info.get('a')?.value, 252);
  assert.equal(info.get('a')?.window, 15_000);
  assert.equal(parseGoDuration('1m30s'), 90_000);
});

test('milli quantities are formatted canonically', () => {
  assert.equal(formatMilliQuantity(250), '250m');
  assert.equal(formatMilliQuantity(1000), '1');
  assert.equal(formatMilliQuantity(67_108_864_000), '67108864');
  assert.equal(formatMilliQuantity(0), '0');
});
