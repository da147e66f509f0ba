import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeSelectorRequirement } from 'kubernetes-types/core/v1.js';
import { NodeInfo } from '../../nodeinfo.js';
import { newPodInfo } from '../../podinfo.js';
import { makeNode, makePod } from '../../testing.js';
import { CycleState } from '../../types.js';
import { NodeAffinity } from './index.js';

const na = new NodeAffinity();
const REASON = "node(s) didn't match Pod's node affinity/selector";

function fits(expr: NodeSelectorRequirement, labels: Record<string, string>, name = 'n'): boolean {
  const pod = makePod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expr] }] } } } });
  const st = new CycleState();
  const pi = newPodInfo(pod);
  na.preFilter(pi, st);
  return na.filter(pi, new NodeInfo(makeNode(name, { labels })), st) === null;
}

test('nodeSelector places only on nodes carrying every label', () => {
  const pi = newPodInfo(makePod('p', { nodeSelector: { disktype: 'ssd' } }));
  const st = new CycleState();
  na.preFilter(pi, st);
  assert.equal(na.filter(pi, new NodeInfo(makeNode('a', { labels: { disktype: 'ssd' } })), st), null);
  assert.deepEqual(na.filter(pi, new NodeInfo(makeNode('b', { labels: { disktype: 'hdd' } })), st), { code: 'UnschedulableAndUnresolvable', reasons: [REASON] });
});

test('In and NotIn match label values, NotIn also matches an absent label', () => {
  assert.ok(fits({ key: 'zone', operator: 'In', values: ['a', 'b'] }, { zone: 'b' }));
  assert.ok(!fits({ key: 'zone', operator: 'In', values: ['a'] }, { zone: 'c' }));
  assert.ok(fits({ key: 'zone', operator: 'NotIn', values: ['a'] }, {}));
  assert.ok(!fits({ key: 'zone', operator: 'NotIn', values: ['a'] }, { zone: 'a' }));
});

test('Exists and DoesNotExist test the key only', () => {
  assert.ok(fits({ key: 'gpu', operator: 'Exists' }, { gpu: '' }));
  assert.ok(!fits({ key: 'gpu', operator: 'Exists' }, {}));
  assert.ok(fits({ key: 'gpu', operator: 'DoesNotExist' }, {}));
});

test('Gt and Lt compare integers and reject non-integer labels', () => {
  assert.ok(fits({ key: 'cores', operator: 'Gt', values: ['8'] }, { cores: '16' }));
  assert.ok(!fits({ key: 'cores', operator: 'Gt', values: ['8'] }, { cores: '8' }));
  assert.ok(fits({ key: 'cores', operator: 'Lt', values: ['8'] }, { cores: '4' }));
  assert.ok(!fits({ key: 'cores', operator: 'Lt', values: ['8'] }, { cores: 'many' }));
});

test('matchFields metadata.name pins the pod to named nodes and narrows PreFilter', () => {
  const pod = makePod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }] } } } });
  const pi = newPodInfo(pod);
  const st = new CycleState();
  const r = na.preFilter(pi, st);
  assert.deepEqual(r && 'nodeNames' in r ? [...r.nodeNames!] : undefined, ['n2']);
  assert.equal(na.filter(pi, new NodeInfo(makeNode('n2')), st), null);
  assert.notEqual(na.filter(pi, new NodeInfo(makeNode('n1')), st), null);
});

test('terms are ORed and expressions within a term ANDed', () => {
  const pod = makePod('p', {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }] },
            { matchExpressions: [{ key: 'c', operator: 'Exists' }] },
          ],
        },
      },
    },
  });
  const pi = newPodInfo(pod);
  const st = new CycleState();
  na.preFilter(pi, st);
  assert.notEqual(na.filter(pi, new NodeInfo(makeNode('n', { labels: { a: '1' } })), st), null);
  assert.equal(na.filter(pi, new NodeInfo(makeNode('n', { labels: { a: '1', b: '1' } })), st), null);
  assert.equal(na.filter(pi, new NodeInfo(makeNode('n', { labels: { c: '1' } })), st), null);
});

test('preferred terms score the heavier matching weight highest after normalisation', () => {
  const pod = makePod('p', {
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 20, preference: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['gold'] }] } },
          { weight: 80, preference: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['platinum'] }] } },
        ],
      },
    },
  });
  const pi = newPodInfo(pod);
  const st = new CycleState();
  const nodes = ['gold', 'platinum', 'none'].map((t) => new NodeInfo(makeNode(t, { labels: { tier: t } })));
  na.preScore(pi, nodes, st);
  const scores = nodes.map((n) => na.score(pi, n, st));
  assert.deepEqual(scores, [20, 80, 0]);
  na.normalizeScore(pi, nodes, scores);
  assert.deepEqual(scores, [25, 100, 0]);
});
