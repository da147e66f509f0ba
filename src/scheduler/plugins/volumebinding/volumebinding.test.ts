import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPodInfo } from '../../podinfo.js';
import { cacheOf, makeNode, makePod } from '../../testing.js';
import { CycleState } from '../../types.js';
import { VolumeBinding } from './index.js';

const vb = new VolumeBinding();

test('a missing claim fails PreFilter with upstream message', () => {
  const cache = cacheOf([makeNode('n')]);
  const s = vb.preFilter(newPodInfo(makePod('p', { pvc: 'data' })), new CycleState(), cache);
  assert.deepEqual(s, { code: 'UnschedulableAndUnresolvable', reasons: ['persistentvolumeclaim "data" not found'] });
});

test('an unbound claim fails PreFilter', () => {
  const cache = cacheOf([makeNode('n')]);
  cache.upsertPVC({ metadata: { name: 'data', namespace: 'default' }, spec: {}, status: { phase: 'Pending' } });
  assert.deepEqual(vb.preFilter(newPodInfo(makePod('p', { pvc: 'data' })), new CycleState(), cache)?.reasons, ['pod has unbound immediate PersistentVolumeClaims']);
});

test('a bound volume with node affinity restricts the pod to matching nodes', () => {
  const cache = cacheOf([makeNode('a', { labels: { zone: 'a' } }), makeNode('b', { labels: { zone: 'b' } })]);
  cache.upsertPVC({ metadata: { name: 'data', namespace: 'default' }, spec: { volumeName: 'pv1' }, status: { phase: 'Bound' } });
  cache.upsertPV({ metadata: { name: 'pv1' }, spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } } });
  const pi = newPodInfo(makePod('p', { pvc: 'data' }));
  const st = new CycleState();
  assert.equal(vb.preFilter(pi, st, cache), null);
  assert.equal(vb.filter(pi, cache.nodeInfo('a')!, st), null);
  assert.deepEqual(vb.filter(pi, cache.nodeInfo('b')!, st)?.reasons, ['node(s) had volume node affinity conflict']);
});

test('a pod without claims skips the plugin', () => {
  assert.equal(vb.preFilter(newPodInfo(makePod('p')), new CycleState(), cacheOf([]))?.code, 'Skip');
});
