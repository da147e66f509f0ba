import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { Scheduler } from '../../scheduler.js';
import { makeNode, makePod } from '../../testing.js';

const fixed = () => 0;

function cluster(): Scheduler {
  const s = new Scheduler({ random: fixed });
  s.cache.upsertNode(makeNode('n1', { cpu: '2' }));
  s.cache.upsertNode(makeNode('n2', { cpu: '2' }));
  return s;
}

test('a high-priority pod that fits nowhere nominates a node and names the lower-priority victims', () => {
  const s = cluster();
  s.cache.upsertPod(makePod('low1', { cpu: '2', priority: 10, nodeName: 'n1' }));
  s.cache.upsertPod(makePod('mid', { cpu: '2', priority: 50, nodeName: 'n2' }));
  const d = s.scheduleOne(makePod('high', { cpu: '2', priority: 100 }));
  assert.equal(d.nodeName, undefined);
  assert.equal(d.nominatedNodeName, 'n1');
  assert.deepEqual(d.victims?.map((v) => v.key), ['default/low1']);
});

test('victims are as few as possible: pods that can stay are reprieved', () => {
  const s = cluster();
  s.cache.upsertPod(makePod('a', { cpu: '1', priority: 10, nodeName: 'n1' }));
  s.cache.upsertPod(makePod('b', { cpu: '1', priority: 5, nodeName: 'n1' }));
  s.cache.upsertPod(makePod('c', { cpu: '2', priority: 200, nodeName: 'n2' }));
  const d = s.scheduleOne(makePod('high', { cpu: '1', priority: 100 }));
  assert.equal(d.nominatedNodeName, 'n1');
  assert.deepEqual(d.victims?.map((v) => v.name), ['b'], 'the lower-priority pod goes, the other is reprieved');
});

test('a pod with preemptionPolicy Never stays pending and says why', () => {
  const s = cluster();
  s.cache.upsertPod(makePod('low1', { cpu: '2', priority: 10, nodeName: 'n1' }));
  s.cache.upsertPod(makePod('low2', { cpu: '2', priority: 10, nodeName: 'n2' }));
  const d = s.scheduleOne(makePod('high', { cpu: '2', priority: 100, preemptionPolicy: 'Never' }));
  assert.equal(d.nominatedNodeName, undefined);
  assert.equal(d.failure?.message, '0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
});

test('preemption does not help against equal or higher priority pods', () => {
  const s = cluster();
  s.cache.upsertPod(makePod('a', { cpu: '2', priority: 100, nodeName: 'n1' }));
  s.cache.upsertPod(makePod('b', { cpu: '2', priority: 100, nodeName: 'n2' }));
  const d = s.scheduleOne(makePod('p', { cpu: '2', priority: 100 }));
  assert.equal(d.failure?.message, '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..');
});

test('nodes rejected for unresolvable reasons are "not helpful" for preemption', () => {
  const s = new Scheduler({ random: fixed });
  s.cache.upsertNode(makeNode('n1', { cpu: '2', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }));
  s.cache.upsertNode(makeNode('n2', { cpu: '2' }));
  s.cache.upsertPod(makePod('b', { cpu: '2', priority: 100, nodeName: 'n2' }));
  const d = s.scheduleOne(makePod('p', { cpu: '2', priority: 10 }));
  assert.equal(
    d.failure?.message,
    '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling..',
  );
});

test('a node whose victims would violate a PodDisruptionBudget is avoided when another will do', () => {
  const s = cluster();
  s.cache.upsertPod(makePod('guarded', { cpu: '2', priority: 10, nodeName: 'n1', labels: { app: 'db' } }));
  s.cache.upsertPod(makePod('free', { cpu: '2', priority: 10, nodeName: 'n2' }));
  const pdb: PodDisruptionBudget = { metadata: { name: 'db', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'db' } } }, status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } };
  s.cache.upsertPDB(pdb);
  const d = s.scheduleOne(makePod('high', { cpu: '2', priority: 100 }));
  assert.equal(d.nominatedNodeName, 'n2');
});

test('among equal candidates the node whose highest victim has the lowest priority wins', () => {
  const s = cluster();
  s.cache.upsertPod(makePod('a', { cpu: '2', priority: 50, nodeName: 'n1' }));
  s.cache.upsertPod(makePod('b', { cpu: '2', priority: 20, nodeName: 'n2' }));
  const d = s.scheduleOne(makePod('high', { cpu: '2', priority: 100 }));
  assert.equal(d.nominatedNodeName, 'n2');
});

test('after the victims are gone the pod lands on its nominated node', () => {
  const s = cluster();
  s.cache.upsertPod(makePod('low', { cpu: '2', priority: 10, nodeName: 'n1' }));
  s.cache.upsertPod(makePod('other', { cpu: '2', priority: 90, nodeName: 'n2' }));
  const pod = makePod('high', { cpu: '2', priority: 100 });
  const d = s.scheduleOne(pod);
  for (const v of d.victims ?? []) s.cache.removePod(v.key);
  const nominated = { ...pod, status: { ...pod.status, nominatedNodeName: d.nominatedNodeName! } };
  assert.equal(s.scheduleOne(nominated).nodeName, 'n1');
});
