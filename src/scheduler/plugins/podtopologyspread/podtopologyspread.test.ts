import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { newPodInfo } from '../../podinfo.js';
import { cacheOf, makeNode, makePod } from '../../testing.js';
import { CycleState } from '../../types.js';
import type { SchedulerCache } from '../../cache.js';
import { PodTopologySpread } from './index.js';

const pts = new PodTopologySpread();
const ZONE = 'topology.kubernetes.io/zone';
const c = (extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...extra });
const web = (name: string, node?: string) => makePod(name, { labels: { app: 'web' }, ...(node ? { nodeName: node } : {}) });

function verdicts(cache: SchedulerCache, pod: Pod): Record<string, string> {
  const pi = newPodInfo(pod);
  const st = new CycleState();
  pts.preFilter(pi, st, cache);
  const out: Record<string, string> = {};
  for (const ni of cache.nodeInfos()) out[ni.name] = pts.filter(pi, ni, st)?.reasons[0] ?? 'ok';
  return out;
}

const zones = () => [makeNode('a1', { labels: { [ZONE]: 'a' } }), makeNode('b1', { labels: { [ZONE]: 'b' } }), makeNode('c1', { labels: { [ZONE]: 'c' } })];
const SKEW = "node(s) didn't match pod topology spread constraints";

test('a zone already one pod ahead is rejected at maxSkew 1', () => {
  const cache = cacheOf(zones(), [web('w1', 'a1')]);
  const pod = makePod('w2', { labels: { app: 'web' }, spread: [c()] });
  assert.deepEqual(verdicts(cache, pod), { a1: SKEW, b1: 'ok', c1: 'ok' });
});

test('a node without the topology label is unresolvable', () => {
  const cache = cacheOf([...zones(), makeNode('bare')]);
  const v = verdicts(cache, makePod('w', { labels: { app: 'web' }, spread: [c()] }));
  assert.equal(v.bare, "node(s) didn't match pod topology spread constraints (missing required label)");
});

test('minDomains larger than the number of domains makes the global minimum zero', () => {
  const cache = cacheOf(zones(), [web('w1', 'a1'), web('w2', 'b1'), web('w3', 'c1')]);
  const pod = makePod('w4', { labels: { app: 'web' }, spread: [c({ minDomains: 4 })] });
  // every zone has 1; with min forced to 0 the skew would be 2 > 1 everywhere
  assert.deepEqual(verdicts(cache, pod), { a1: SKEW, b1: SKEW, c1: SKEW });
  assert.deepEqual(verdicts(cache, makePod('w5', { labels: { app: 'web' }, spread: [c()] })), { a1: 'ok', b1: 'ok', c1: 'ok' });
});

test('nodeAffinityPolicy Honor leaves out domains the pod cannot select', () => {
  const cache = cacheOf(zones(), [web('w1', 'a1')]);
  const onlyAB = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['a', 'b'] }] }] } } };
  const honored = makePod('w2', { labels: { app: 'web' }, spread: [c()], affinity: onlyAB });
  assert.equal(verdicts(cache, honored).a1, SKEW);
  // with Ignore, zone c (0 pods) counts: the minimum is still 0 so zone a is still one ahead
  const ignored = makePod('w3', { labels: { app: 'web' }, spread: [c({ nodeAffinityPolicy: 'Ignore' })], affinity: onlyAB });
  assert.equal(verdicts(cache, ignored).a1, SKEW);
  const cache2 = cacheOf(zones(), [web('w1', 'a1'), web('w2', 'b1')]);
  // zones a,b hold 1 each; Honor: min is 1 → a is fine; Ignore: zone c with 0 is the min → a rejected
  assert.equal(verdicts(cache2, makePod('x', { labels: { app: 'web' }, spread: [c()], affinity: onlyAB })).a1, 'ok');
  assert.equal(verdicts(cache2, makePod('y', { labels: { app: 'web' }, spread: [c({ nodeAffinityPolicy: 'Ignore' })], affinity: onlyAB })).a1, SKEW);
});

test('nodeTaintsPolicy Honor leaves out tainted domains the pod does not tolerate', () => {
  const ns = [makeNode('a1', { labels: { [ZONE]: 'a' } }), makeNode('b1', { labels: { [ZONE]: 'b' } }), makeNode('c1', { labels: { [ZONE]: 'c' }, taints: [{ key: 'x', effect: 'NoSchedule' }] })];
  const cache = cacheOf(ns, [web('w1', 'a1'), web('w2', 'b1')]);
  assert.equal(verdicts(cache, makePod('p', { labels: { app: 'web' }, spread: [c()] })).a1, SKEW);
  assert.equal(verdicts(cache, makePod('q', { labels: { app: 'web' }, spread: [c({ nodeTaintsPolicy: 'Honor' })] })).a1, 'ok');
});

test('ScheduleAnyway constraints score the emptier zone higher', () => {
  const cache = cacheOf(zones(), [web('w1', 'a1'), web('w2', 'a1'), web('w3', 'b1')]);
  const pod = newPodInfo(makePod('w4', { labels: { app: 'web' }, spread: [c({ whenUnsatisfiable: 'ScheduleAnyway' })] }));
  const st = new CycleState();
  const nodes = cache.nodeInfos();
  assert.equal(pts.preScore(pod, nodes, st, cache), null);
  const scores = nodes.map((n) => pts.score(pod, n, st));
  pts.normalizeScore(pod, nodes, scores, st);
  assert.ok(scores[2]! > scores[1]! && scores[1]! > scores[0]!, `scores ${scores.join(',')}`);
});

test('pods without constraints owned by a ReplicaSet get the system default constraints', () => {
  const cache = cacheOf(zones(), [web('w1', 'a1')]);
  const owned = makePod('w2', { labels: { app: 'web' } });
  owned.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u', controller: true }];
  const st = new CycleState();
  assert.equal(pts.preScore(newPodInfo(owned), cache.nodeInfos(), st, cache), null);
  assert.equal(pts.preScore(newPodInfo(makePod('bare', { labels: { app: 'web' } })), cache.nodeInfos(), new CycleState(), cache)?.code, 'Skip');
});
