import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeInfo } from '../../nodeinfo.js';
import { newPodInfo } from '../../podinfo.js';
import { makeNode, makePod } from '../../testing.js';
import { TaintToleration } from './index.js';

const ni = (...a: Parameters<typeof makeNode>) => new NodeInfo(makeNode(...a));

test('TaintToleration rejects an untolerated NoSchedule taint naming key and value', () => {
  const s = new TaintToleration().filter(newPodInfo(makePod('p')), ni('n', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }));
  assert.deepEqual(s, { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {dedicated: gpu}'] });
});

test('TaintToleration accepts Equal and Exists tolerations and ignores PreferNoSchedule in filter', () => {
  const node = ni('n', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'soft', effect: 'PreferNoSchedule' }] });
  const eq = makePod('a', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] });
  const ex = makePod('b', { tolerations: [{ key: 'dedicated', operator: 'Exists' }] });
  const all = makePod('c', { tolerations: [{ operator: 'Exists' }] });
  const wrong = makePod('d', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }] });
  const tt = new TaintToleration();
  assert.equal(tt.filter(newPodInfo(eq), node), null);
  assert.equal(tt.filter(newPodInfo(ex), node), null);
  assert.equal(tt.filter(newPodInfo(all), node), null);
  assert.notEqual(tt.filter(newPodInfo(wrong), node), null);
});

test('TaintToleration scores nodes with fewer intolerable PreferNoSchedule taints higher', () => {
  const tt = new TaintToleration();
  const p = newPodInfo(makePod('p'));
  const nodes = [ni('a'), ni('b', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), ni('c', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }, { key: 'y', effect: 'PreferNoSchedule' }] })];
  const scores = nodes.map((n) => tt.score(p, n));
  assert.deepEqual(scores, [0, 1, 2]);
  tt.normalizeScore(p, nodes, scores);
  assert.deepEqual(scores, [100, 50, 0]);
});
