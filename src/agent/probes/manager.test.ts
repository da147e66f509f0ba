import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../client/fake-clock.js';
import type { ContainerInfo, Runtime } from '../runtime.js';
import { ProbeManager, type ProbeRunner } from './manager.js';
import type { ProbeKind } from './state.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' } };
const info: ContainerInfo = { id: 'x://1', sandboxId: 's', name: 'c', image: 'busybox', imageID: '', state: 'running', createdAt: t0, startedAt: t0, ready: false };
const fakeRuntime = { name: 'fake' } as unknown as Runtime;
/** lets the manager's async attempts settle after the fake clock fired them */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

function setup(results: Partial<Record<ProbeKind, boolean>>) {
  const clock = new FakeClock(t0);
  const changes: string[] = [];
  const events: string[] = [];
  const attempts: ProbeKind[] = [];
  const runner: ProbeRunner = (kind) => {
    attempts.push(kind);
    const ok = results[kind] ?? true;
    return Promise.resolve({ ok, message: ok ? '' : `${kind} says no` });
  };
  const m = new ProbeManager({ runtime: fakeRuntime, clock, runner, onChange: (uid) => changes.push(uid), event: (_p, type, reason, msg) => events.push(`${type} ${reason} ${msg}`) });
  return { clock, m, changes, events, attempts, results };
}

async function advance(clock: FakeClock, ms: number, step = 1000): Promise<void> {
  if (ms === 0) {
    clock.advance(0);
    return settle();
  }
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await settle();
  }
}

test('a container without a readiness probe is ready at once', () => {
  const { m } = setup({});
  const c: Container = { name: 'c' };
  m.ensure(pod, c, info, '10.0.0.2');
  assert.equal(m.ready(c, info.id), true);
  assert.deepEqual(m.probing(), []);
});

test('readiness becomes true after the initial delay and first success, and the pod worker is told', async () => {
  const { clock, m, changes } = setup({ readiness: true });
  const c: Container = { name: 'c', readinessProbe: { initialDelaySeconds: 3, periodSeconds: 1, exec: { command: ['true'] } } };
  m.ensure(pod, c, info, '10.0.0.2');
  assert.equal(m.ready(c, info.id), false);
  await advance(clock, 2000);
  assert.equal(m.ready(c, info.id), false);
  await advance(clock, 1000);
  assert.equal(m.ready(c, info.id), true);
  assert.deepEqual(changes, ['u1']);
});

test('a failing liveness probe reports a failure after failureThreshold periods, with an Unhealthy event per attempt', async () => {
  const { clock, m, events } = setup({ liveness: false });
  const c: Container = { name: 'c', livenessProbe: { periodSeconds: 2, failureThreshold: 3, exec: { command: ['false'] } } };
  m.ensure(pod, c, info, '10.0.0.2');
  await advance(clock, 0); // first attempt at start (no initial delay)
  await advance(clock, 2000);
  assert.equal(m.failure(info.id), undefined);
  await advance(clock, 2000);
  assert.deepEqual(m.failure(info.id), { kind: 'liveness', message: 'liveness says no' });
  assert.equal(events.length, 3);
  assert.equal(events[0], 'Warning Unhealthy Liveness probe failed: liveness says no');
});

test('a startup probe holds liveness and readiness until it succeeds', async () => {
  const { clock, m, attempts, results } = setup({ startup: false, readiness: true, liveness: true });
  const kinds: ProbeKind[] = attempts;
  const c: Container = {
    name: 'c',
    startupProbe: { periodSeconds: 1, failureThreshold: 30, exec: { command: ['x'] } },
    livenessProbe: { periodSeconds: 1, exec: { command: ['x'] } },
    readinessProbe: { periodSeconds: 1, exec: { command: ['x'] } },
  };
  m.ensure(pod, c, info, '10.0.0.2');
  await advance(clock, 5000);
  assert.ok(attempts.every((k) => k === 'startup'));
  assert.equal(m.started(c, info.id), false);
  assert.equal(m.ready(c, info.id), false);
  results.startup = true;
  await advance(clock, 2000);
  assert.equal(m.started(c, info.id), true);
  assert.equal(m.ready(c, info.id), true);
  assert.ok(kinds.includes('liveness') && kinds.includes('readiness'));
  const startups = attempts.filter((k) => k === 'startup').length;
  await advance(clock, 3000);
  assert.equal(attempts.filter((k) => k === 'startup').length, startups, 'startup probe stops once it succeeded');
});

test('a startup probe past its failure threshold asks for a restart', async () => {
  const { clock, m } = setup({ startup: false });
  const c: Container = { name: 'c', startupProbe: { periodSeconds: 1, failureThreshold: 2, exec: { command: ['x'] } } };
  m.ensure(pod, c, info, '10.0.0.2');
  await advance(clock, 0);
  await advance(clock, 1000);
  assert.equal(m.failure(info.id)?.kind, 'startup');
});

test('on the simulated runtime an annotation fails the probe', async () => {
  const clock = new FakeClock(t0);
  const m = new ProbeManager({ runtime: { name: 'simulated' } as unknown as Runtime, clock, onChange: () => undefined });
  const c: Container = { name: 'c', readinessProbe: { periodSeconds: 1, failureThreshold: 1, httpGet: { port: 80 } } };
  const p: Pod = { metadata: { ...pod.metadata, annotations: {} } };
  m.ensure(p, c, info, '10.0.0.2');
  await advance(clock, 0);
  assert.equal(m.ready(c, info.id), true);
  m.ensure({ metadata: { ...pod.metadata, annotations: { 'kubeling.dev/sim-readiness-probe.c': 'fail' } } }, c, info, '10.0.0.2');
  await advance(clock, 1000);
  assert.equal(m.ready(c, info.id), false);
});

test('a removed container is no longer probed', async () => {
  const { clock, m, attempts } = setup({ liveness: true });
  const c: Container = { name: 'c', livenessProbe: { periodSeconds: 1, exec: { command: ['x'] } } };
  m.ensure(pod, c, info, '10.0.0.2');
  await advance(clock, 0);
  const n = attempts.length;
  m.remove(info.id);
  await advance(clock, 3000);
  assert.equal(attempts.length, n);
  assert.equal(clock.pending(), 0);
});
