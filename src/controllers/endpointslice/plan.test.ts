import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { Endpoint } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../../api/object.js';
import { desiredGroups, podToEndpoint } from './endpoints.js';
import { planSlices } from './plan.js';
import { kubernetesSlice, newSliceObject } from './slices.js';

const svc: Service = { metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels: { tier: 'front' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } };

function pod(name: string, ip: string, o: { ready?: boolean; deleting?: boolean; port?: number } = {}): Pod {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: o.port ?? 8080 }] }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

function ep(i: number): Endpoint {
  return { addresses: [`10.0.${Math.floor(i / 200)}.${i % 200}`], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: 'ns', name: `p${i}`, uid: `u${i}` } };
}

const ports = [{ name: 'http', port: 8080, protocol: 'TCP' }];

function slice(name: string, endpoints: Endpoint[], p = ports): KubeObject {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace: 'ns' }, addressType: 'IPv4', ports: p, endpoints };
}

test('endpoint conditions follow readiness and termination', () => {
  assert.deepEqual(podToEndpoint(pod('a', '1.1.1.1'), svc, '1.1.1.1', 'z1').conditions, { ready: true, serving: true, terminating: false });
  assert.deepEqual(podToEndpoint(pod('a', '1.1.1.1', { ready: false }), svc, '1.1.1.1', undefined).conditions, { ready: false, serving: false, terminating: false });
  assert.deepEqual(podToEndpoint(pod('a', '1.1.1.1', { deleting: true }), svc, '1.1.1.1', undefined).conditions, { ready: false, serving: true, terminating: true });
  const publish = { ...svc, spec: { ...svc.spec, publishNotReadyAddresses: true } };
  assert.deepEqual(podToEndpoint(pod('a', '1.1.1.1', { deleting: true, ready: false }), publish, '1.1.1.1', undefined).conditions, { ready: true, serving: false, terminating: true });
  const e = podToEndpoint(pod('a', '1.1.1.1'), svc, '1.1.1.1', 'z1');
  assert.equal(e.nodeName, 'n1');
  assert.equal(e.zone, 'z1');
  assert.deepEqual(e.targetRef, { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' });
});

test('pods resolving a named port to different numbers are grouped apart', () => {
  const g = desiredGroups(svc, [pod('a', '10.0.0.1'), pod('b', '10.0.0.2', { port: 9090 }), pod('c', '10.0.0.3')]);
  assert.equal(g.length, 2);
  assert.deepEqual(g.map((x) => [x.ports[0]?.port, x.endpoints.length]).sort(), [[8080, 2], [9090, 1]]);
});

test('250 endpoints are packed into slices of at most 100', () => {
  const endpoints = Array.from({ length: 250 }, (_, i) => ep(i));
  const plan = planSlices('IPv4', [{ addressType: 'IPv4', ports, endpoints }], []);
  assert.deepEqual(plan.create.map((c) => c.endpoints.length), [100, 100, 50]);
  assert.equal(plan.update.length + plan.delete.length, 0);
});

test('unchanged slices are left alone and a new endpoint goes to a slice with room', () => {
  const full = slice('web-aaaaa', Array.from({ length: 100 }, (_, i) => ep(i)));
  const part = slice('web-bbbbb', [ep(100)]);
  const endpoints = [...Array.from({ length: 101 }, (_, i) => ep(i)), ep(101)];
  const plan = planSlices('IPv4', [{ addressType: 'IPv4', ports, endpoints }], [full, part]);
  assert.equal(plan.create.length, 0);
  assert.deepEqual(plan.update.map((u) => [u.slice.metadata.name, u.endpoints.length]), [['web-bbbbb', 2]]);
  assert.deepEqual(plan.unchanged.map((s) => s.metadata.name), ['web-aaaaa']);
});

test('a removed endpoint updates its slice and a slice left empty is deleted', () => {
  const a = slice('web-aaaaa', [ep(0), ep(1)]);
  const b = slice('web-bbbbb', [ep(2)]);
  const plan = planSlices('IPv4', [{ addressType: 'IPv4', ports, endpoints: [ep(0)] }], [a, b]);
  assert.deepEqual(plan.update.map((u) => [u.slice.metadata.name, u.endpoints.length]), [['web-aaaaa', 1]]);
  assert.deepEqual(plan.delete.map((s) => s.metadata.name), ['web-bbbbb']);
});

test('a changed endpoint condition rewrites only its slice', () => {
  const a = slice('web-aaaaa', [ep(0)]);
  const b = slice('web-bbbbb', [ep(1)]);
  const unready = { ...ep(1), conditions: { ready: false, serving: false, terminating: false } };
  const plan = planSlices('IPv4', [{ addressType: 'IPv4', ports, endpoints: [ep(0), unready] }], [a, b]);
  assert.deepEqual(plan.update.map((u) => u.slice.metadata.name), ['web-bbbbb']);
  assert.deepEqual(plan.update[0]?.endpoints[0]?.conditions, unready.conditions);
});

test('slices of a port set no longer used are deleted', () => {
  const old = slice('web-old', [ep(0)], [{ name: 'http', port: 7070, protocol: 'TCP' }]);
  const plan = planSlices('IPv4', [{ addressType: 'IPv4', ports, endpoints: [ep(0)] }], [old]);
  assert.equal(plan.create.length, 1);
  assert.deepEqual(plan.delete.map((s) => s.metadata.name), ['web-old']);
});

test('a Service without endpoints gets one placeholder slice, kept once it exists', () => {
  const first = planSlices('IPv4', [], [slice('web-aaaaa', [ep(0)])]);
  assert.deepEqual(first.create, [{ addressType: 'IPv4', ports: [], endpoints: [] }]);
  assert.equal(first.delete.length, 1);
  const again = planSlices('IPv4', [], [slice('web-ph', [], [])]);
  assert.equal(again.create.length + again.delete.length + again.update.length, 0);
});

test('new slices carry the service-name and managed-by labels and the Service as owner', () => {
  const s = newSliceObject(svc, { addressType: 'IPv4', ports, endpoints: [ep(0)] }, '2024-01-01T00:00:00Z');
  assert.equal(s.metadata.generateName, 'web-');
  assert.deepEqual(s.metadata.labels, { tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(s.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'], '2024-01-01T00:00:00Z');
});

test('the kubernetes slice mirrors the API server Endpoints', () => {
  const ep0: KubeObject = { metadata: { name: 'kubernetes', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.168.1.5' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }] };
  const s = kubernetesSlice(ep0, undefined);
  assert.equal(s.metadata.name, 'kubernetes');
  assert.deepEqual(s.metadata.labels, { 'kubernetes.io/service-name': 'kubernetes' });
  assert.equal(s.addressType, 'IPv4');
  assert.deepEqual(s.endpoints, [{ addresses: ['192.168.1.5'], conditions: { ready: true } }]);
  assert.deepEqual(s.ports, [{ name: 'https', port: 6443, protocol: 'TCP' }]);
});
