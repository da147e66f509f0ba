import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { podResource, podQOSClass } from './pod.js';
import { podRow } from './pod-printer.js';

const now = Date.parse('2024-01-01T12:00:00Z');
const ago = (ms: number): string => new Date(now - ms).toISOString();

function pod(spec: Record<string, unknown>, status: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'p', namespace: 'default', creationTimestamp: ago(3600_000), ...meta }, spec, status };
}

const oneContainer = { containers: [{ name: 'app', image: 'nginx' }] };

test('a running ready pod reads 1/1 Running', () => {
  const p = pod(oneContainer, {
    phase: 'Running',
    podIP: '10.244.0.5',
    containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: ago(60_000) } } }],
  }, {});
  (p.spec as Record<string, unknown>).nodeName = 'node-1';
  assert.deepEqual(podRow(p, now), ['p', '1/1', 'Running', '0', '60m', '10.244.0.5', 'node-1', '<none>', '<none>']);
});

test('a waiting container shows its reason (ContainerCreating)', () => {
  const p = pod(oneContainer, { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] });
  assert.equal(podRow(p, now)[2], 'ContainerCreating');
});

test('restarts show when the last one happened', () => {
  const p = pod(oneContainer, {
    phase: 'Running',
    containerStatuses: [
      { name: 'app', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(5 * 60_000) } } },
    ],
  });
  const row = podRow(p, now);
  assert.equal(row[2], 'CrashLoopBackOff');
  assert.equal(row[3], '2 (5m ago)');
});

test('init containers report Init:i/n', () => {
  const p = pod(
    { initContainers: [{ name: 'init', image: 'busybox' }], ...oneContainer },
    { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: { running: {} } }] },
  );
  assert.equal(podRow(p, now)[2], 'Init:0/1');
});

test('a completed pod reads Completed; a deleting pod reads Terminating', () => {
  const done = pod(oneContainer, { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
  assert.equal(podRow(done, now)[2], 'Completed');
  const deleting = pod(oneContainer, { phase: 'Running' }, { deletionTimestamp: ago(0) });
  assert.equal(podRow(deleting, now)[2], 'Terminating');
});

test('readiness gates count true conditions', () => {
  const p = pod({ ...oneContainer, readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }] }, {
    phase: 'Running',
    conditions: [{ type: 'example.com/a', status: 'True' }],
  });
  assert.equal(podRow(p, now)[8], '1/2');
});

test('QoS classes follow requests and limits', () => {
  assert.equal(podQOSClass(oneContainer), 'BestEffort');
  const r = { cpu: '1', memory: '1Gi' };
  assert.equal(podQOSClass({ containers: [{ name: 'a', resources: { requests: r, limits: r } }] }), 'Guaranteed');
  assert.equal(podQOSClass({ containers: [{ name: 'a', resources: { requests: { cpu: '1' } } }] }), 'Burstable');
});

test('create sets phase Pending and the QoS class', () => {
  const p: KubeObject = { metadata: { name: 'p', namespace: 'd' }, spec: { containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] } };
  podResource.strategy.default?.(p);
  podResource.strategy.prepareForCreate?.(p);
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'Guaranteed' });
  assert.deepEqual(podResource.strategy.validate?.(p), []);
});

test('image updates are allowed; other spec changes are forbidden', () => {
  const old: KubeObject = { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x:1' }], restartPolicy: 'Always' } };
  const img: KubeObject = { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x:2' }], restartPolicy: 'Always' } };
  assert.deepEqual(podResource.strategy.validateUpdate?.(img, old), []);
  const rp: KubeObject = { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x:1' }], restartPolicy: 'Never' } };
  const errs = podResource.strategy.validateUpdate?.(rp, old) ?? [];
  assert.equal(errs.length, 1);
  assert.match(formatFieldError(errs[0]!), /^spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`,/);
});

test('activeDeadlineSeconds may only decrease', () => {
  const old: KubeObject = { metadata: { name: 'p' }, spec: { containers: [], activeDeadlineSeconds: 10 } };
  const up: KubeObject = { metadata: { name: 'p' }, spec: { containers: [], activeDeadlineSeconds: 20 } };
  assert.deepEqual(podResource.strategy.validateUpdate?.(up, old).map((e) => formatFieldError(e)), ['spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value']);
});

test('field selectors read from spec and status', () => {
  const p = pod({ ...oneContainer, nodeName: 'n1' }, { phase: 'Running', podIPs: [{ ip: '10.0.0.1' }] });
  const fs = podResource.strategy.fieldSelectors ?? {};
  assert.equal(fs['spec.nodeName']?.(p), 'n1');
  assert.equal(fs['status.phase']?.(p), 'Running');
  assert.equal(fs['status.podIP']?.(p), '10.0.0.1');
  assert.equal(fs['spec.hostNetwork']?.(p), 'false');
});
