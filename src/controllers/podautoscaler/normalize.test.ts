import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeWithBehaviors, normalizeWithoutBehavior, recordScaleEvent, scaleDownRules, scaleUpRules, type Recommendation } from './normalize.js';

const T = 1_000_000_000;

test('without behavior a scale-down is held at the highest recommendation of the stabilisation window', () => {
  const history: Recommendation[] = [{ replicas: 4, at: T - 60_000 }];
  const n = normalizeWithoutBehavior({ history, current: 4, desired: 1, minReplicas: 1, maxReplicas: 10, now: T, downscaleStabilizationMs: 300_000 });
  assert.equal(n.replicas, 4);
  assert.equal(n.ableToScale.reason, 'ScaleDownStabilized');
});

test('without behavior a scale-down happens once older recommendations leave the window', () => {
  const history: Recommendation[] = [{ replicas: 4, at: T - 301_000 }];
  const n = normalizeWithoutBehavior({ history, current: 4, desired: 1, minReplicas: 1, maxReplicas: 10, now: T, downscaleStabilizationMs: 300_000 });
  assert.equal(n.replicas, 1);
  assert.equal(n.ableToScale.reason, 'ReadyForNewScale');
  assert.equal(history.length, 1, 'the expired sample is replaced, not appended');
});

test('without behavior a scale-up is capped at max(2x current, 4) and by maxReplicas', () => {
  const a = normalizeWithoutBehavior({ history: [], current: 3, desired: 20, minReplicas: 1, maxReplicas: 10, now: T, downscaleStabilizationMs: 300_000 });
  assert.equal(a.replicas, 6);
  assert.deepEqual([a.scalingLimited.reason, a.scalingLimited.limited], ['ScaleUpLimit', true]);
  const b = normalizeWithoutBehavior({ history: [], current: 1, desired: 8, minReplicas: 1, maxReplicas: 3, now: T, downscaleStabilizationMs: 300_000 });
  assert.equal(b.replicas, 3);
  assert.equal(b.scalingLimited.reason, 'TooManyReplicas');
  const c = normalizeWithoutBehavior({ history: [], current: 2, desired: 2, minReplicas: 1, maxReplicas: 3, now: T, downscaleStabilizationMs: 300_000 });
  assert.deepEqual([c.scalingLimited.reason, c.scalingLimited.limited], ['DesiredWithinRange', false]);
});

test('default scale-up rules allow max(4 pods, 100%) per 15 s', () => {
  const args = { history: [], scaleUpEvents: [], scaleDownEvents: [], up: scaleUpRules(undefined), down: scaleDownRules(undefined, 300), minReplicas: 1, maxReplicas: 100, now: T };
  assert.equal(normalizeWithBehaviors({ ...args, history: [], current: 2, desired: 50 }).replicas, 6);
  assert.equal(normalizeWithBehaviors({ ...args, history: [], current: 10, desired: 50 }).replicas, 20);
});

test('scale events inside the period reduce what a policy still allows', () => {
  const up = scaleUpRules({ policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] });
  const n = normalizeWithBehaviors({ history: [], scaleUpEvents: [{ change: 2, at: T - 30_000 }], scaleDownEvents: [], up, down: scaleDownRules(undefined, 300), current: 4, desired: 10, minReplicas: 1, maxReplicas: 100, now: T });
  assert.equal(n.replicas, 4, 'the 2 pods of this minute were already added');
  assert.equal(n.scalingLimited.reason, 'ScaleUpLimit');
});

test('selectPolicy Min picks the smallest change and Disabled forbids scaling', () => {
  const up = scaleUpRules({ selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] });
  const base = { history: [], scaleUpEvents: [], scaleDownEvents: [], down: scaleDownRules(undefined, 0), minReplicas: 1, maxReplicas: 100, now: T };
  assert.equal(normalizeWithBehaviors({ ...base, history: [], up, current: 4, desired: 10 }).replicas, 5);
  const down = scaleDownRules({ selectPolicy: 'Disabled', stabilizationWindowSeconds: 0 }, 300);
  assert.equal(normalizeWithBehaviors({ ...base, history: [], up, down, current: 4, desired: 1 }).replicas, 4);
});

test('scale-down with behavior is stabilised over its window then limited by Percent', () => {
  const down = scaleDownRules({ stabilizationWindowSeconds: 60, policies: [{ type: 'Percent', value: 50, periodSeconds: 15 }] }, 300);
  const base = { scaleUpEvents: [], scaleDownEvents: [], up: scaleUpRules(undefined), down, minReplicas: 1, maxReplicas: 100, now: T };
  const held = normalizeWithBehaviors({ ...base, history: [{ replicas: 8, at: T - 30_000 }], current: 8, desired: 1 });
  assert.equal(held.replicas, 8);
  assert.equal(held.ableToScale.reason, 'ScaleDownStabilized');
  const limited = normalizeWithBehaviors({ ...base, history: [{ replicas: 8, at: T - 90_000 }], current: 8, desired: 1 });
  assert.equal(limited.replicas, 4);
  assert.equal(limited.scalingLimited.reason, 'ScaleDownLimit');
});

test('scale events are recorded by direction and pruned after the longest period', () => {
  const ev = { up: [{ change: 1, at: T - 100_000 }], down: [] as { change: number; at: number }[] };
  recordScaleEvent(ev, scaleUpRules(undefined), scaleDownRules(undefined, 300), 4, 2, T);
  assert.deepEqual(ev, { up: [], down: [{ change: 2, at: T }] });
});
