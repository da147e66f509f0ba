import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { Scheduler } from './scheduler.js';
import { numFeasibleNodesToFind } from './framework.js';
import { formatExplanation } from './explain.js';
import { makeNode, makePod } from './testing.js';

const fixed = () => 0;

test('numFeasibleNodesToFind follows upstream: all below 100, adaptive percentage, floor of 100', () => {
  assert.equal(numFeasibleNodesToFind(50), 50);
  assert.equal(numFeasibleNodesToFind(100), 100); // 50% of 100 is below the floor of 100
  assert.equal(numFeasibleNodesToFind(1000), 420); // 50 - 8 = 42%
  assert.equal(numFeasibleNodesToFind(5000), 500); // 50 - 40 = 10%
  assert.equal(numFeasibleNodesToFind(10000), 500); // floor at 5%
  assert.equal(numFeasibleNodesToFind(1000, 30), 300);
});

test('the FailedScheduling message counts reasons per node, sorted as upstream', () => {
  const s = new Scheduler({ random: fixed });
  for (const n of ['a', 'b']) s.cache.upsertNode(makeNode(n, { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }));
  for (const n of ['c', 'd', 'e']) s.cache.upsertNode(makeNode(n, { cpu: '1' }));
  const d = s.scheduleOne(makePod('p', { cpu: '2' }));
  assert.equal(
    d.failure?.message,
    '0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling..',
  );
});

test('a toleration lets the pod onto the tainted node', () => {
  const s = new Scheduler({ random: fixed });
  s.cache.upsertNode(makeNode('gpu', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }));
  const d = s.scheduleOne(makePod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }));
  assert.equal(d.nodeName, 'gpu');
});

test('a PreFilter rejection is reported once, not per node', () => {
  const s = new Scheduler({ random: fixed });
  s.cache.upsertNode(makeNode('a'));
  s.cache.upsertNode(makeNode('b'));
  const d = s.scheduleOne(makePod('p', { pvc: 'missing' }));
  assert.match(d.failure!.message, /^0\/2 nodes are available: persistentvolumeclaim "missing" not found\. preemption: /);
});

test('an assumed pod uses resources at once, so the next pod goes elsewhere', () => {
  const s = new Scheduler({ random: fixed });
  s.cache.upsertNode(makeNode('a', { cpu: '1' }));
  s.cache.upsertNode(makeNode('b', { cpu: '1' }));
  const first = s.scheduleOne(makePod('p1', { cpu: '1' }));
  const second = s.scheduleOne(makePod('p2', { cpu: '1' }));
  assert.ok(first.nodeName && second.nodeName && first.nodeName !== second.nodeName);
  assert.ok(s.cache.isAssumed('default/p1'));
  s.forget('default/p1');
  assert.equal(s.scheduleOne(makePod('p3', { cpu: '1' })).nodeName, first.nodeName);
});

test('the higher preferred node-affinity weight wins', () => {
  const s = new Scheduler({ random: fixed });
  s.cache.upsertNode(makeNode('light', { labels: { tier: 'a' } }));
  s.cache.upsertNode(makeNode('heavy', { labels: { tier: 'b' } }));
  const pod = makePod('p', {
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 1, preference: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] } },
          { weight: 90, preference: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['b'] }] } },
        ],
      },
    },
  });
  assert.equal(s.scheduleOne(pod).nodeName, 'heavy');
});

test('web-store and redis-cache end with exactly one of each per node', () => {
  const s = new Scheduler({ random: fixed });
  for (const n of ['n1', 'n2', 'n3']) s.cache.upsertNode(makeNode(n));
  const self = (app: string): PodAffinityTerm => ({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [app] }] }, topologyKey: 'kubernetes.io/hostname' });
  const place = (name: string, app: string, withRedis: boolean) => {
    const pod = makePod(name, {
      labels: { app },
      affinity: {
        podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [self(app)] },
        ...(withRedis ? { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [self('store')] } } : {}),
      },
    });
    const d = s.scheduleOne(pod);
    assert.ok(d.nodeName, d.failure?.message);
    s.cache.upsertPod({ ...pod, spec: { ...pod.spec!, nodeName: d.nodeName } });
    return d.nodeName;
  };
  const redis = [0, 1, 2].map((i) => place(`redis-cache-${i}`, 'store', false));
  const web = [0, 1, 2].map((i) => place(`web-store-${i}`, 'web-store', true));
  assert.deepEqual([...redis].sort(), ['n1', 'n2', 'n3']);
  assert.deepEqual([...web].sort(), ['n1', 'n2', 'n3']);
  const d = s.scheduleOne(makePod('web-store-3', { labels: { app: 'web-store' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [self('web-store')] } } }));
  assert.equal(d.failure?.message.startsWith("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."), true);
});

test('explain names, for every node, the rejecting plugin and its reason', () => {
  const s = new Scheduler({ random: fixed, now: () => new Date('2025-01-01T00:00:00Z') });
  s.cache.upsertNode(makeNode('tainted', { taints: [{ key: 'k', value: 'v', effect: 'NoExecute' }] }));
  s.cache.upsertNode(makeNode('small', { cpu: '1' }));
  s.cache.upsertNode(makeNode('cordoned', { unschedulable: true }));
  s.scheduleOne(makePod('p', { cpu: '2' }));
  const e = s.explain('default/p')!;
  assert.equal(e.result, 'Unschedulable');
  assert.deepEqual(
    e.nodes.map((n) => [n.node, n.plugin, n.reasons?.[0]]),
    [
      ['cordoned', 'NodeUnschedulable', 'node(s) were unschedulable'],
      ['small', 'NodeResourcesFit', 'Insufficient cpu'],
      ['tainted', 'TaintToleration', 'node(s) had untolerated taint {k: v}'],
    ],
  );
  assert.deepEqual(JSON.parse(JSON.stringify(e)), e, 'JSON-serialisable');
  assert.match(formatExplanation(e), /small: rejected by NodeResourcesFit: Insufficient cpu/);
});

test('explain of a placed pod gives the score breakdown of the chosen node and runners-up', () => {
  const s = new Scheduler({ random: fixed });
  s.cache.upsertNode(makeNode('big', { cpu: '8' }));
  s.cache.upsertNode(makeNode('mid', { cpu: '4' }));
  s.cache.upsertNode(makeNode('tiny', { cpu: '2' }));
  const d = s.scheduleOne(makePod('p', { cpu: '1' }));
  const e = s.explain('default/p')!;
  assert.equal(e.result, 'Scheduled');
  assert.equal(e.nodeName, d.nodeName);
  assert.equal(e.scores[0]!.node, d.nodeName);
  assert.equal(e.scores.length, 3);
  const fit = e.scores[0]!.plugins.find((p) => p.plugin === 'NodeResourcesFit');
  assert.ok(fit && fit.weight === 1);
  assert.ok(e.scores[0]!.total >= e.scores[1]!.total);
});

test('pods for another scheduler, bound pods and gated pods are not ours', () => {
  const s = new Scheduler();
  assert.equal(s.responsibleFor(makePod('a')), true);
  assert.equal(s.responsibleFor(makePod('b', { schedulerName: 'other' })), false);
  assert.equal(s.responsibleFor(makePod('c', { nodeName: 'n' })), false);
  const gated = makePod('d');
  gated.spec!.schedulingGates = [{ name: 'wait' }];
  assert.equal(s.responsibleFor(gated), false);
});

test('the Filter pass starts where the previous one stopped (round robin)', () => {
  const s = new Scheduler({ random: fixed });
  for (let i = 0; i < 300; i++) s.cache.upsertNode(makeNode(`n${String(i).padStart(3, '0')}`));
  const fw = s.frameworks.get('default-scheduler')!;
  s.scheduleOne(makePod('p1'));
  const after = fw.nextStartNodeIndex;
  assert.equal(after, numFeasibleNodesToFind(300));
  s.scheduleOne(makePod('p2'));
  assert.equal(fw.nextStartNodeIndex, (after * 2) % 300);
});

test('a pod larger than every node stays pending with a clear message', () => {
  const s = new Scheduler({ random: fixed });
  s.cache.upsertNode(makeNode('a', { cpu: '2' }));
  const d = s.scheduleOne(makePod('huge', { cpu: '64' }));
  assert.match(d.failure!.message, /^0\/1 nodes are available: 1 Insufficient cpu\./);
  assert.equal(s.scheduleOne(makePod('small', { cpu: '1' })).nodeName, 'a');
});
