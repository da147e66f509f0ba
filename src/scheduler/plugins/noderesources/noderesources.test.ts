import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { NodeInfo } from '../../nodeinfo.js';
import { newPodInfo } from '../../podinfo.js';
import { podRequests } from '../../resources.js';
import { makeNode, makePod } from '../../testing.js';
import { NodeResourcesBalancedAllocation, NodeResourcesFit } from './index.js';

const fit = new NodeResourcesFit();

test('a pod asking more cpu than is free is rejected with "Insufficient cpu"', () => {
  const node = new NodeInfo(makeNode('n', { cpu: '2' }), [makePod('old', { cpu: '1500m', nodeName: 'n' })]);
  assert.deepEqual(fit.filter(newPodInfo(makePod('p', { cpu: '600m' })), node), { code: 'Unschedulable', reasons: ['Insufficient cpu'] });
  assert.equal(fit.filter(newPodInfo(makePod('q', { cpu: '500m' })), node), null);
});

test('every insufficient resource is reported, including extended resources', () => {
  const node = new NodeInfo(makeNode('n', { cpu: '1', memory: '1Gi' }));
  const pod = makePod('p', { cpu: '2', memory: '2Gi' });
  pod.spec!.containers[0]!.resources!.requests!['nvidia.com/gpu'] = '1';
  const s = fit.filter(newPodInfo(pod), node);
  assert.deepEqual(s?.reasons, ['Insufficient cpu', 'Insufficient memory', 'Insufficient nvidia.com/gpu']);
  assert.equal(s?.code, 'UnschedulableAndUnresolvable', 'more than the whole node: eviction cannot help');
});

test('a full node reports "Too many pods"', () => {
  const node = new NodeInfo(makeNode('n', { pods: 1 }), [makePod('old', { nodeName: 'n' })]);
  assert.deepEqual(fit.filter(newPodInfo(makePod('p')), node)?.reasons, ['Too many pods']);
});

function withInit(pod: Pod, init: { cpu: string; sidecar?: boolean }[], overheadCpu?: string): Pod {
  pod.spec!.initContainers = init.map((c, i) => ({ name: `i${i}`, image: 'x', resources: { requests: { cpu: c.cpu } }, ...(c.sidecar ? { restartPolicy: 'Always' } : {}) }));
  if (overheadCpu) pod.spec!.overhead = { cpu: overheadCpu };
  return pod;
}

test('the request is the max of the app containers and the largest init container', () => {
  assert.equal(podRequests(withInit(makePod('p', { cpu: '500m' }), [{ cpu: '2' }, { cpu: '1' }])).milliCPU, 2000);
  assert.equal(podRequests(withInit(makePod('p', { cpu: '3' }), [{ cpu: '2' }])).milliCPU, 3000);
});

test('sidecar init containers add to the steady state and to later init containers', () => {
  // sidecar 1 + app 1 = 2; init after sidecar: 1.5 + 1 = 2.5 → max 2.5
  assert.equal(podRequests(withInit(makePod('p', { cpu: '1' }), [{ cpu: '1', sidecar: true }, { cpu: '1500m' }])).milliCPU, 2500);
});

test('pod overhead is added to the request', () => {
  assert.equal(podRequests(withInit(makePod('p', { cpu: '1' }), [], '250m')).milliCPU, 1250);
});

test('LeastAllocated prefers the emptier node', () => {
  const pod = newPodInfo(makePod('p', { cpu: '1', memory: '1Gi' }));
  const empty = new NodeInfo(makeNode('a', { cpu: '4', memory: '8Gi' }));
  const busy = new NodeInfo(makeNode('b', { cpu: '4', memory: '8Gi' }), [makePod('o', { cpu: '2', memory: '4Gi', nodeName: 'b' })]);
  // cpu (4-1)/4 = 75, memory (8-1)/8 = 87 → 81
  assert.equal(fit.score(pod, empty), 81);
  assert.ok(fit.score(pod, busy) < fit.score(pod, empty));
});

test('MostAllocated prefers the fuller node', () => {
  const most = new NodeResourcesFit({ scoringStrategy: { type: 'MostAllocated' } });
  const pod = newPodInfo(makePod('p', { cpu: '1', memory: '1Gi' }));
  const empty = new NodeInfo(makeNode('a', { cpu: '4', memory: '8Gi' }));
  const busy = new NodeInfo(makeNode('b', { cpu: '4', memory: '8Gi' }), [makePod('o', { cpu: '2', memory: '4Gi', nodeName: 'b' })]);
  assert.ok(most.score(pod, busy) > most.score(pod, empty));
});

test('RequestedToCapacityRatio follows the configured shape', () => {
  const rtcr = new NodeResourcesFit({
    scoringStrategy: { type: 'RequestedToCapacityRatio', resources: [{ name: 'cpu', weight: 1 }], requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } },
  });
  const node = new NodeInfo(makeNode('a', { cpu: '4' }));
  assert.equal(rtcr.score(newPodInfo(makePod('p', { cpu: '1' })), node), 25);
  assert.equal(rtcr.score(newPodInfo(makePod('p', { cpu: '3' })), node), 75);
});

test('best-effort containers count as 100m/200Mi for scoring', () => {
  const pod = newPodInfo(makePod('p'));
  const node = new NodeInfo(makeNode('a', { cpu: '1', memory: '2000Mi' }));
  // cpu (1000-100)/1000 = 90, memory (2000-200)/2000 = 90
  assert.equal(fit.score(pod, node), 90);
});

test('BalancedAllocation scores equal cpu and memory fractions 100 and skewed ones lower', () => {
  const ba = new NodeResourcesBalancedAllocation();
  const node = new NodeInfo(makeNode('a', { cpu: '4', memory: '4Gi' }));
  assert.equal(ba.score(newPodInfo(makePod('p', { cpu: '2', memory: '2Gi' })), node), 100);
  // fractions 1 and 0.25 → std 0.375 → 62
  assert.equal(ba.score(newPodInfo(makePod('q', { cpu: '4', memory: '1Gi' })), node), 62);
});
