import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoint } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../../api/object.js';
import type { RestClient } from '../../client/rest.js';
import { eventually } from '../../client/test-apiserver.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { endpointSliceControllerWith } from './index.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const SERVICES = { group: '', version: 'v1', resource: 'services' };
const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };
const SLICES = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' };

let tc: TestControllers;
let client: RestClient;
before(async () => {
  tc = await startTestControllers([endpointSliceControllerWith({ maxEndpointsPerSlice: 3 })]);
  client = tc.srv.client;
});
after(async () => {
  await tc.stop();
});

async function runPod(ns: string, name: string, ip: string, ready: boolean): Promise<void> {
  await client.create({ ...PODS, namespace: ns }, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] } });
  await setReady(ns, name, ip, ready);
}

async function setReady(ns: string, name: string, ip: string, ready: boolean): Promise<void> {
  const cur = await client.get({ ...PODS, namespace: ns, name });
  await client.update({ ...PODS, namespace: ns, name, subresource: 'status' }, { ...cur, status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
}

async function slicesOf(ns: string, svc: string): Promise<KubeObject[]> {
  return (await client.list({ ...SLICES, namespace: ns }, { labelSelector: `kubernetes.io/service-name=${svc}` })).items;
}

async function endpointsOf(ns: string, svc: string): Promise<Endpoint[]> {
  return (await slicesOf(ns, svc)).flatMap((s) => (s.endpoints as Endpoint[] | null) ?? []);
}

const readyIPs = (eps: Endpoint[], ready: boolean): string[] => eps.filter((e) => (e.conditions?.ready ?? false) === ready).map((e) => e.addresses[0] ?? '').sort();

async function namespace(name: string): Promise<void> {
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

async function service(ns: string): Promise<KubeObject> {
  return client.create({ ...SERVICES, namespace: ns }, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { tier: 'front' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
}

test('a Service with three pods, two Ready, gets a slice with two ready endpoints and one not ready', async () => {
  await namespace('es1');
  await runPod('es1', 'p1', '10.5.0.1', true);
  await runPod('es1', 'p2', '10.5.0.2', true);
  await runPod('es1', 'p3', '10.5.0.3', false);
  const svc = await service('es1');
  await eventually(async () => (await endpointsOf('es1', 'web')).length === 3, 'three endpoints');
  const [s, ...rest] = await slicesOf('es1', 'web');
  assert.equal(rest.length, 0);
  assert.match(s?.metadata.name ?? '', /^web-[a-z0-9]{5}$/);
  assert.equal(s?.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  assert.equal(s?.metadata.labels?.tier, 'front');
  assert.equal(s?.metadata.ownerReferences?.[0]?.uid, svc.metadata.uid);
  assert.equal(s?.addressType, 'IPv4');
  assert.deepEqual(s?.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  const eps = (s?.endpoints as Endpoint[]) ?? [];
  assert.deepEqual(readyIPs(eps, true), ['10.5.0.1', '10.5.0.2']);
  assert.deepEqual(readyIPs(eps, false), ['10.5.0.3']);
  assert.equal(eps.find((e) => e.addresses[0] === '10.5.0.1')?.nodeName, 'n1');

  await setReady('es1', 'p3', '10.5.0.3', true);
  await eventually(async () => readyIPs(await endpointsOf('es1', 'web'), true).length === 3, 'p3 ready');
  await client.delete({ ...PODS, namespace: 'es1', name: 'p1' }, { gracePeriodSeconds: 0 });
  await eventually(async () => (await endpointsOf('es1', 'web')).map((e) => e.addresses[0]).sort().join() === '10.5.0.2,10.5.0.3', 'p1 removed');
  assert.equal((await slicesOf('es1', 'web')).length, 1);
});

test('a terminating pod stays in the slice as terminating and not ready, but serving', async () => {
  await namespace('es2');
  await runPod('es2', 'a', '10.6.0.1', true);
  await service('es2');
  await eventually(async () => (await endpointsOf('es2', 'web')).length === 1, 'one endpoint');
  await client.delete({ ...PODS, namespace: 'es2', name: 'a' });
  await eventually(async () => (await endpointsOf('es2', 'web'))[0]?.conditions?.terminating === true, 'terminating endpoint');
  assert.deepEqual((await endpointsOf('es2', 'web'))[0]?.conditions, { ready: false, serving: true, terminating: true });
});

test('more pods than fit in a slice are spread over several, and a Service without pods keeps a placeholder', async () => {
  await namespace('es3');
  await service('es3');
  await eventually(async () => (await slicesOf('es3', 'web')).length === 1, 'placeholder slice');
  const [ph] = await slicesOf('es3', 'web');
  assert.deepEqual(ph?.endpoints ?? [], []);
  for (let i = 1; i <= 7; i++) await runPod('es3', `p${i}`, `10.7.0.${i}`, true);
  await eventually(async () => (await endpointsOf('es3', 'web')).length === 7, 'seven endpoints');
  const slices = await slicesOf('es3', 'web');
  assert.equal(slices.length, 3);
  for (const s of slices) assert.ok(((s.endpoints as Endpoint[]) ?? []).length <= 3);
  const uniq = new Set((await endpointsOf('es3', 'web')).map((e) => e.addresses[0]));
  assert.equal(uniq.size, 7);
});

test('the kubernetes Service gets a slice named kubernetes mirrored from its Endpoints', async () => {
  await eventually(async () => (await slicesOf('default', 'kubernetes')).some((s) => s.metadata.name === 'kubernetes'), 'kubernetes slice');
  const s = await client.get({ ...SLICES, namespace: 'default', name: 'kubernetes' });
  assert.deepEqual(((s.endpoints as Endpoint[]) ?? []).map((e) => e.addresses[0]), ['127.0.0.1']);
  assert.equal(s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], undefined);
  assert.equal((s.ports as { name: string }[])[0]?.name, 'https');
});
