import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { computePodStatus, type ObservedContainer } from './status.js';
import type { ContainerInfo } from './runtime.js';

const now = Date.parse('2026-01-01T00:00:00Z');
const pod = (restartPolicy = 'Always'): Pod => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u1' },
  spec: { restartPolicy, initContainers: [{ name: 'i1', image: 'busybox' }, { name: 'i2', image: 'busybox' }], containers: [{ name: 'c', image: 'busybox' }] },
  status: { phase: 'Pending' },
});
const info = (name: string, over: Partial<ContainerInfo>): ContainerInfo => ({ id: `x://${name}`, sandboxId: 's', name, image: 'busybox', imageID: '', state: 'running', createdAt: now, startedAt: now, ready: false, ...over });
const done = (name: string): ObservedContainer => ({ name, image: 'busybox', restartCount: 0, current: info(name, { state: 'exited', exitCode: 0, finishedAt: now }) });
const status = (p: Pod, init: ObservedContainer[], app: ObservedContainer[] = [], terminating = false) =>
  computePodStatus({ pod: p, now, hostIP: '10.0.0.1', podIP: '10.244.0.2', startTime: now, sandboxReady: true, initContainers: init, containers: app, terminating });
const cond = (s: ReturnType<typeof status>, type: string) => s.conditions?.find((c) => c.type === type);

test('while the first init container runs the pod is Pending, Initialized False and app containers wait in PodInitializing', () => {
  const s = status(pod(), [{ name: 'i1', image: 'busybox', restartCount: 0, current: info('i1', { ready: true }), ready: true }]);
  assert.equal(s.phase, 'Pending');
  assert.equal(cond(s, 'Initialized')?.status, 'False');
  assert.equal(cond(s, 'Initialized')?.reason, 'ContainersNotInitialized');
  assert.equal(cond(s, 'Initialized')?.message, 'containers with incomplete status: [i1 i2]');
  assert.equal(s.initContainerStatuses?.[0]?.state?.running !== undefined, true);
  assert.equal(s.initContainerStatuses?.[0]?.ready, false, 'a running init container is not ready');
  assert.equal(s.initContainerStatuses?.[1]?.state?.waiting?.reason, 'ContainerCreating');
  assert.equal(s.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
});

test('completed init containers are ready and make the pod Initialized', () => {
  const s = status(pod(), [done('i1'), done('i2')], [{ name: 'c', image: 'busybox', restartCount: 0, current: info('c', { ready: true }) }]);
  assert.equal(s.phase, 'Running');
  assert.equal(cond(s, 'Initialized')?.status, 'True');
  assert.deepEqual(s.initContainerStatuses?.map((c) => c.ready), [true, true]);
  assert.equal(s.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
});

test('a failed init container with restartPolicy Never fails the pod', () => {
  const s = status(pod('Never'), [{ name: 'i1', image: 'busybox', restartCount: 0, current: info('i1', { state: 'exited', exitCode: 1, finishedAt: now }) }]);
  assert.equal(s.phase, 'Failed');
  assert.equal(s.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Error');
  assert.equal(cond(s, 'Initialized')?.status, 'False');
});

test('a crash-looping init container keeps the pod Pending with CrashLoopBackOff in its status', () => {
  const s = status(pod(), [{ name: 'i1', image: 'busybox', restartCount: 2, current: info('i1', { state: 'exited', exitCode: 1, finishedAt: now }), waiting: { reason: 'CrashLoopBackOff' } }]);
  assert.equal(s.phase, 'Pending');
  assert.equal(s.initContainerStatuses?.[0]?.state?.waiting?.reason, 'CrashLoopBackOff');
  assert.equal(s.initContainerStatuses?.[0]?.lastState?.terminated?.exitCode, 1);
});

test('the agent readiness verdict overrides the runtime and a running container not yet started by its startup probe is not started', () => {
  const p: Pod = { metadata: { name: 'p', uid: 'u' }, spec: { containers: [{ name: 'c' }] } };
  const s = computePodStatus({ pod: p, now, hostIP: 'h', sandboxReady: true, containers: [{ name: 'c', image: '', restartCount: 0, current: info('c', { ready: true }), ready: false, started: false }] });
  assert.equal(s.containerStatuses?.[0]?.ready, false);
  assert.equal(s.containerStatuses?.[0]?.started, false);
  assert.equal(cond(s, 'Ready')?.status, 'False');
});

test('a deleted pod whose containers were stopped ends in a terminal phase', () => {
  const p: Pod = { metadata: { name: 'p', uid: 'u' }, spec: { restartPolicy: 'Always', containers: [{ name: 'c' }] } };
  const s = computePodStatus({ pod: p, now, hostIP: 'h', sandboxReady: true, terminating: true, containers: [{ name: 'c', image: '', restartCount: 0, current: info('c', { state: 'exited', exitCode: 143, finishedAt: now }) }] });
  assert.equal(s.phase, 'Failed');
});
