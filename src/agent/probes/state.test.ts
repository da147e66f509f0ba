import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeState, initialResult, probeTiming } from './state.js';

const t0 = 1_000_000;

test('probe timing fills in the core/v1 defaults: period 10 s, timeout 1 s, thresholds 1 and 3', () => {
  assert.deepEqual(probeTiming({}, 'readiness'), { initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3 });
});

test('readiness starts failed, liveness succeeded and startup unknown', () => {
  assert.equal(initialResult('readiness'), 'failure');
  assert.equal(initialResult('liveness'), 'success');
  assert.equal(initialResult('startup'), 'unknown');
});

test('the first attempt is due initialDelaySeconds after the container started, then every period', () => {
  const s = new ProbeState('readiness', probeTiming({ initialDelaySeconds: 5, periodSeconds: 2 }, 'readiness'), t0);
  assert.equal(s.due(t0 + 4999), false);
  assert.equal(s.due(t0 + 5000), true);
  s.observe(true, t0 + 5000);
  assert.equal(s.nextAt, t0 + 7000);
});

test('liveness flips to failure only after failureThreshold consecutive failures', () => {
  const s = new ProbeState('liveness', probeTiming({ failureThreshold: 3 }, 'liveness'), t0);
  assert.equal(s.observe(false, t0, 'boom'), false);
  assert.equal(s.observe(false, t0 + 1), false);
  assert.equal(s.result, 'success');
  assert.equal(s.observe(false, t0 + 2, 'boom'), true);
  assert.equal(s.result, 'failure');
  assert.equal(s.lastMessage, 'boom');
});

test('a success in between restarts the failure count', () => {
  const s = new ProbeState('liveness', probeTiming({ failureThreshold: 2 }, 'liveness'), t0);
  s.observe(false, t0);
  s.observe(true, t0 + 1);
  s.observe(false, t0 + 2);
  assert.equal(s.result, 'success');
  s.observe(false, t0 + 3);
  assert.equal(s.result, 'failure');
});

test('readiness needs successThreshold consecutive successes to become ready, and failures to become unready again', () => {
  const s = new ProbeState('readiness', probeTiming({ successThreshold: 2, failureThreshold: 1 }, 'readiness'), t0);
  assert.equal(s.observe(true, t0), false);
  assert.equal(s.result, 'failure');
  assert.equal(s.observe(true, t0 + 1), true);
  assert.equal(s.result, 'success');
  assert.equal(s.observe(false, t0 + 2), true);
  assert.equal(s.result, 'failure');
});

test('liveness and startup probes ignore a successThreshold above 1', () => {
  assert.equal(probeTiming({ successThreshold: 5 }, 'liveness').successThreshold, 1);
  const s = new ProbeState('startup', probeTiming({ successThreshold: 5 }, 'startup'), t0);
  assert.equal(s.observe(true, t0), true);
  assert.equal(s.result, 'success');
});
