import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { newPodInfo } from '../../podinfo.js';
import { cacheOf, makeNode, makePod } from '../../testing.js';
import { CycleState } from '../../types.js';
import type { SchedulerCache } from '../../cache.js';
import { InterPodAffinity } from './index.js';

const ipa = new InterPodAffinity();
const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const term = (app: string, topologyKey = HOST, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey, ...extra });

function verdicts(cache: SchedulerCache, pod: Pod): Record<string, string> {
  const pi = newPodInfo(pod);
  const st = new CycleState();
  ipa.preFilter(pi, st, cache);
  const out: Record<string, string> = {};
  for (const ni of cache.nodeInfos()) out[ni.name] = st.skipFilter.has(ipa.name) ? 'ok' : (ipa.filter(pi, ni, st)?.reasons[0] ?? 'ok');
  return out;
}

const nodes = () => [makeNode('n1', { labels: { [ZONE]: 'a' } }), makeNode('n2', { labels: { [ZONE]: 'a' } }), makeNode('n3', { labels: { [ZONE]: 'b' } })];

test('required affinity admits only nodes in a domain holding a matching pod', () => {
  const cache = cacheOf(nodes(), [makePod('cache', { labels: { app: 'redis' }, nodeName: 'n1' })]);
  const pod = makePod('web', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('redis', ZONE)] } } });
  assert.deepEqual(verdicts(cache, pod), { n1: 'ok', n2: 'ok', n3: "node(s) didn't match pod affinity rules" });
});

test('the first pod of a self-affine group may go anywhere', () => {
  const cache = cacheOf(nodes());
  const pod = makePod('web', { labels: { app: 'web' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } } });
  assert.deepEqual(verdicts(cache, pod), { n1: 'ok', n2: 'ok', n3: 'ok' });
});

test('required anti-affinity rejects the domain of a matching pod', () => {
  const cache = cacheOf(nodes(), [makePod('r1', { labels: { app: 'redis' }, nodeName: 'n1' })]);
  const pod = makePod('r2', { labels: { app: 'redis' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('redis', ZONE)] } } });
  assert.deepEqual(verdicts(cache, pod), { n1: "node(s) didn't match pod anti-affinity rules", n2: "node(s) didn't match pod anti-affinity rules", n3: 'ok' });
});

test("an existing pod's required anti-affinity keeps matching pods out of its domain", () => {
  const guard = makePod('guard', { nodeName: 'n2', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('noisy')] } } });
  const cache = cacheOf(nodes(), [guard]);
  const v = verdicts(cache, makePod('p', { labels: { app: 'noisy' } }));
  assert.deepEqual(v, { n1: 'ok', n2: "node(s) didn't satisfy existing pods anti-affinity rules", n3: 'ok' });
});

test('terms apply to the pod namespace unless namespaces or namespaceSelector say otherwise', () => {
  const other = makePod('r', { namespace: 'cache', labels: { app: 'redis' }, nodeName: 'n1' });
  const cache = cacheOf(nodes(), [other]);
  cache.upsertNamespace({ metadata: { name: 'cache', labels: { team: 'infra' } } });
  const anti = (extra: Partial<PodAffinityTerm>) => makePod('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('redis', HOST, extra)] } } });
  assert.equal(verdicts(cache, anti({})).n1, 'ok');
  assert.notEqual(verdicts(cache, anti({ namespaces: ['cache'] })).n1, 'ok');
  assert.notEqual(verdicts(cache, anti({ namespaceSelector: { matchLabels: { team: 'infra' } } })).n1, 'ok');
  assert.notEqual(verdicts(cache, anti({ namespaceSelector: {} })).n1, 'ok');
  assert.equal(verdicts(cache, anti({ namespaceSelector: { matchLabels: { team: 'web' } } })).n1, 'ok');
});

test('preferred affinity scores the domain with matching pods highest', () => {
  const cache = cacheOf(nodes(), [makePod('r', { labels: { app: 'redis' }, nodeName: 'n3' })]);
  const pod = newPodInfo(makePod('p', { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term('redis', ZONE) }] } } }));
  const st = new CycleState();
  const ns = cache.nodeInfos();
  assert.equal(ipa.preScore(pod, ns, st, cache), null);
  const scores = ns.map((n) => ipa.score(pod, n, st));
  ipa.normalizeScore(pod, ns, scores);
  assert.deepEqual(scores, [0, 0, 100]);
});

test('preferred anti-affinity scores the domain with matching pods lowest', () => {
  const cache = cacheOf(nodes(), [makePod('r', { labels: { app: 'redis' }, nodeName: 'n1' })]);
  const pod = newPodInfo(makePod('p', { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('redis') }] } } }));
  const st = new CycleState();
  const ns = cache.nodeInfos();
  ipa.preScore(pod, ns, st, cache);
  const scores = ns.map((n) => ipa.score(pod, n, st));
  ipa.normalizeScore(pod, ns, scores);
  assert.deepEqual(scores, [0, 100, 100]);
});

test('preemption what-ifs update the counts when a matching pod is removed', () => {
  const r1 = makePod('r1', { labels: { app: 'redis' }, nodeName: 'n1' });
  const cache = cacheOf(nodes(), [r1]);
  const pi = newPodInfo(makePod('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('redis')] } } }));
  const st = new CycleState();
  ipa.preFilter(pi, st, cache);
  const n1 = cache.nodeInfo('n1')!;
  assert.notEqual(ipa.filter(pi, n1, st), null);
  const copy = st.clone();
  ipa.removePod(copy, pi, n1.pods[0]!, n1, cache);
  assert.equal(ipa.filter(pi, n1, copy), null);
  assert.notEqual(ipa.filter(pi, n1, st), null, 'the original state is untouched');
});
