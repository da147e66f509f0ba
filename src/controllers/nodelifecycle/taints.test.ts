import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideTaintEviction, minTolerationTime, reconcileTaints, toleratesTaint, TAINT_UNREACHABLE, TAINT_NOT_READY } from './taints.js';

const unreachable = { key: TAINT_UNREACHABLE, effect: 'NoExecute' };

test('a toleration with an empty key and Exists tolerates every taint', () => {
  assert.equal(toleratesTaint({ operator: 'Exists' }, unreachable), true);
});

test('an Equal toleration needs the same value', () => {
  assert.equal(toleratesTaint({ key: 'k', value: 'a', effect: 'NoExecute' }, { key: 'k', value: 'b', effect: 'NoExecute' }), false);
  assert.equal(toleratesTaint({ key: 'k', value: 'a' }, { key: 'k', value: 'a', effect: 'NoExecute' }), true);
});

test('a toleration for another effect does not tolerate a NoExecute taint', () => {
  assert.equal(toleratesTaint({ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoSchedule' }, unreachable), false);
});

test('an untolerated NoExecute taint means eviction now', () => {
  assert.equal(minTolerationTime([unreachable], []), 'now');
  assert.deepEqual(decideTaintEviction([unreachable], undefined, 0, 0), { action: 'evict' });
});

test('a toleration without tolerationSeconds keeps the pod forever', () => {
  assert.deepEqual(decideTaintEviction([unreachable], [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }], 0, 10_000_000), { action: 'none' });
});

test('the smallest tolerationSeconds among the matching tolerations wins', () => {
  const tols = [
    { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { operator: 'Exists', tolerationSeconds: 20 },
  ];
  assert.equal(minTolerationTime([unreachable], tols), 20_000);
});

test('a tolerated taint with tolerationSeconds waits the remaining time, then evicts', () => {
  const tols = [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }];
  assert.deepEqual(decideTaintEviction([unreachable], tols, 1000, 11_000), { action: 'wait', afterMs: 20_000 });
  assert.deepEqual(decideTaintEviction([unreachable], tols, 1000, 31_000), { action: 'evict' });
});

test('NoSchedule taints never evict', () => {
  assert.deepEqual(decideTaintEviction([{ key: 'x', effect: 'NoSchedule' }], [], 0, 0), { action: 'none' });
});

test('reconciling taints keeps user taints and stamps timeAdded on new NoExecute taints only', () => {
  const out = reconcileTaints([{ key: 'user', effect: 'NoSchedule' }], [{ key: TAINT_UNREACHABLE, effect: 'NoSchedule' }, unreachable], '2024-01-01T00:00:00Z');
  assert.deepEqual(out, [
    { key: 'user', effect: 'NoSchedule' },
    { key: TAINT_UNREACHABLE, effect: 'NoSchedule' },
    { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' },
  ]);
});

test('reconciling taints that already match changes nothing', () => {
  assert.equal(reconcileTaints([{ ...unreachable, timeAdded: 'x' }], [unreachable], 'y'), undefined);
});

test('reconciling swaps unreachable for not-ready and removes owned taints no longer wanted', () => {
  assert.deepEqual(reconcileTaints([{ ...unreachable, timeAdded: 'x' }], [{ key: TAINT_NOT_READY, effect: 'NoExecute' }], 'y'), [{ key: TAINT_NOT_READY, effect: 'NoExecute', timeAdded: 'y' }]);
  assert.deepEqual(reconcileTaints([{ ...unreachable, timeAdded: 'x' }, { key: 'user', effect: 'NoExecute' }], [], 'y'), [{ key: 'user', effect: 'NoExecute' }]);
});
