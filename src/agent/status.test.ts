import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { computePodStatus, podPhase, podQOSClass, type ObservedContainer } from './status.js';
import type { ContainerInfo } from './runtime.js';
import { IpAllocator } from './ip-allocator.js';
import { SimulatedRuntime, simBehaviour } from './runtimes/simulated/index.js';
import { FakeClock } from '../client/fake-clock.js';

const now = Date.parse('2026-01-01T00:00:00Z');
const basePod = (restartPolicy = 'Always', resources = {}): Pod => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u1' },
  spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox', resources }] },
  status: { phase: 'Pending' },
});
const info = (over: Partial<ContainerInfo>): ContainerInfo => ({ id: 'sim://abc', sandboxId: 's', name: 'c', image: 'busybox', imageID: 'sim://busybox', state: 'running', createdAt: now, startedAt: now, ready: true, ...over });
const status = (pod: Pod, c: ObservedContainer) => computePodStatus({ pod, now, hostIP: '10.0.0.1', podIP: '10.244.0.2', startTime: now, sandboxReady: true, containers: [c] });

test('a running ready container makes the pod Running with Ready and ContainersReady True', () => {
  const s = status(basePod(), { name: 'c', image: 'busybox', restartCount: 0, current: info({}) });
  assert.equal(s.phase, 'Running');
  const byType = Object.fromEntries((s.conditions ?? []).map((c) => [c.type, c.status]));
  assert.deepEqual(byType, { PodReadyToStartContainers: 'True', Initialized: 'True', Ready: 'True', ContainersReady: 'True', PodScheduled: 'True' });
  assert.equal(s.containerStatuses?.[0]?.started, true);
  assert.equal(s.podIP, '10.244.0.2');
  assert.equal(s.startTime, '2026-01-01T00:00:00Z');
});

test('an unready container leaves Ready False with reason ContainersNotReady naming it', () => {
  const s = status(basePod(), { name: 'c', image: 'busybox', restartCount: 0, current: info({ ready: false }) });
  const ready = s.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'False');
  assert.equal(ready?.reason, 'ContainersNotReady');
  assert.equal(ready?.message, 'containers with unready status: [c]');
});

test('a container not yet created is waiting in ContainerCreating and the pod Pending', () => {
  const s = status(basePod(), { name: 'c', image: 'busybox', restartCount: 0 });
  assert.equal(s.phase, 'Pending');
  assert.equal(s.containerStatuses?.[0]?.state?.waiting?.reason, 'ContainerCreating');
});

test('a failed container with restartPolicy Never makes the pod Failed with Ready reason PodCompleted', () => {
  const s = status(basePod('Never'), { name: 'c', image: 'busybox', restartCount: 0, current: info({ state: 'exited', exitCode: 2, reason: 'Error', finishedAt: now }) });
  assert.equal(s.phase, 'Failed');
  assert.equal(s.containerStatuses?.[0]?.state?.terminated?.exitCode, 2);
  assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.reason, 'PodCompleted');
});

test('a crash-looping container is waiting with its last termination and the pod stays Running', () => {
  const s = status(basePod('Always'), { name: 'c', image: 'busybox', restartCount: 3, current: info({ state: 'exited', exitCode: 1, finishedAt: now }), waiting: { reason: 'CrashLoopBackOff' } });
  assert.equal(s.phase, 'Running');
  const cs = s.containerStatuses?.[0];
  assert.equal(cs?.state?.waiting?.reason, 'CrashLoopBackOff');
  assert.equal(cs?.lastState?.terminated?.exitCode, 1);
  assert.equal(cs?.restartCount, 3);
});

test('a condition keeps its lastTransitionTime while its status is unchanged', () => {
  const pod: Pod = { ...basePod(), status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }] } };
  const s = status(pod, { name: 'c', image: 'busybox', restartCount: 0, current: info({}) });
  assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime, '2025-01-01T00:00:00Z');
});

test('the conditions the agent last wrote decide lastTransitionTime over a stale informer copy of the pod', () => {
  // The informer still shows the pod before the agent's Ready=True write landed.
  const stale: Pod = { ...basePod(), status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2025-01-01T00:00:00Z' }] } };
  const written = [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:05Z' }];
  const s = computePodStatus({ pod: stale, now, hostIP: '10.0.0.1', podIP: '10.244.0.2', startTime: now, sandboxReady: true, containers: [{ name: 'c', image: 'busybox', restartCount: 0, current: info({}) }], lastWrittenConditions: written });
  assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime, '2025-01-01T00:00:05Z');
});

test('OnFailure pods succeed only when every container exited 0', () => {
  const term = (code: number) => ({ name: 'c', state: { terminated: { exitCode: code } }, ready: false, restartCount: 0, image: '', imageID: '' });
  assert.equal(podPhase('OnFailure', [term(0)]), 'Succeeded');
  assert.equal(podPhase('OnFailure', [term(1)]), 'Running');
});

test('QoS class is Guaranteed when limits equal requests, BestEffort without resources', () => {
  assert.equal(podQOSClass(basePod('Always', { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1Gi' } })), 'Guaranteed');
  assert.equal(podQOSClass(basePod('Always', { requests: { cpu: '100m' } })), 'Burstable');
  assert.equal(podQOSClass(basePod()), 'BestEffort');
});

test('the IP allocator skips network, gateway and broadcast and reuses released addresses', () => {
  const a = new IpAllocator('10.1.2.0/30');
  assert.equal(a.allocate(), '10.1.2.2');
  assert.throws(() => a.allocate(), /exhausted/);
  a.release('10.1.2.2');
  assert.equal(a.allocate(), '10.1.2.2');
});

test('simulated containers start after the annotated delay and exit with the annotated code', async () => {
  const clock = new FakeClock(now);
  const rt = new SimulatedRuntime({ clock });
  const pod: Pod = { ...basePod(), metadata: { name: 'p', uid: 'u1', annotations: { 'kubeling.dev/sim-start-delay-ms': '500', 'kubeling.dev/sim-run-ms': '1000', 'kubeling.dev/sim-exit-code': '3', 'kubeling.dev/sim-log-lines': 'hello\nworld' } } };
  const sb = await rt.createSandbox(pod, '10.244.0.2');
  const c = await rt.createContainer(sb.id, pod, { name: 'c', image: 'busybox', resources: { requests: { cpu: '250m', memory: '1Mi' } } });
  await rt.startContainer(c.id);
  assert.equal(rt.containerStatus(c.id)?.state, 'created');
  clock.advance(500);
  assert.equal(rt.containerStatus(c.id)?.state, 'running');
  assert.deepEqual(rt.stats(c.id), { cpuNanoCores: 250_000_000, memoryWorkingSetBytes: 1_048_576 });
  assert.match(rt.logs(c.id)[1] ?? '', / stdout F world$/);
  clock.advance(1000);
  assert.equal(rt.containerStatus(c.id)?.exitCode, 3);
  assert.equal(rt.containerStatus(c.id)?.finishedAt, now + 1500);
});

test('a per-container annotation overrides the pod-wide one', () => {
  const pod: Pod = { metadata: { annotations: { 'kubeling.dev/sim-exit-code': '1', 'kubeling.dev/sim-exit-code.side': '0' } } };
  assert.equal(simBehaviour(pod, 'main').exitCode, 1);
  assert.equal(simBehaviour(pod, 'side').exitCode, 0);
});
