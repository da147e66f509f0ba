import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSubset } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import { eventually } from '../../client/test-apiserver.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { endpointController, type EndpointController } from './index.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const SERVICES = { group: '', version: 'v1', resource: 'services' };
const ENDPOINTS = { group: '', version: 'v1', resource: 'endpoints' };

let tc: TestControllers;
let client: RestClient;
before(async () => {
  tc = await startTestControllers([endpointController]);
  client = tc.srv.client;
});
after(async () => {
  await tc.stop();
});

/** Acts as the kubelet: a pod bound to n1, running with an IP, Ready or not. */
async function runPod(ns: string, name: string, ip: string, ready: boolean, labels: Record<string, string> = { app: 'web' }): Promise<void> {
  await client.create({ ...PODS, namespace: ns }, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] } });
  await setReady(ns, name, ip, ready);
}

async function setReady(ns: string, name: string, ip: string, ready: boolean): Promise<void> {
  const cur = await client.get({ ...PODS, namespace: ns, name });
  await client.update({ ...PODS, namespace: ns, name, subresource: 'status' }, {
    ...cur,
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] },
  });
}

async function subsetsOf(ns: string, name: string): Promise<EndpointSubset[] | undefined> {
  try {
    const ep = await client.get({ ...ENDPOINTS, namespace: ns, name });
    return (ep.subsets as EndpointSubset[] | undefined) ?? [];
  } catch (e) {
    if (isStatus(e, 404)) return undefined;
    throw e;
  }
}

const ips = (s: EndpointSubset[] | undefined, k: 'addresses' | 'notReadyAddresses'): string[] => (s ?? []).flatMap((x) => (x[k] ?? []).map((a) => a.ip)).sort();

async function createService(ns: string, name: string, spec: Record<string, unknown> = {}): Promise<KubeObject> {
  return client.create({ ...SERVICES, namespace: ns }, { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec } });
}

test('a Service with three pods, two Ready, gets two addresses and one notReadyAddress', async () => {
  await runPod('default', 'p1', '10.1.0.1', true);
  await runPod('default', 'p2', '10.1.0.2', true);
  await runPod('default', 'p3', '10.1.0.3', false);
  await createService('default', 'web');
  await eventually(async () => ips(await subsetsOf('default', 'web'), 'addresses').length === 2 && ips(await subsetsOf('default', 'web'), 'notReadyAddresses').length === 1, 'endpoints of web');
  const ss = await subsetsOf('default', 'web');
  assert.deepEqual(ips(ss, 'addresses'), ['10.1.0.1', '10.1.0.2']);
  assert.deepEqual(ips(ss, 'notReadyAddresses'), ['10.1.0.3']);
  assert.deepEqual(ss?.[0]?.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  const ep = await client.get({ ...ENDPOINTS, namespace: 'default', name: 'web' });
  assert.ok(ep.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']);

  // the pod becoming Ready moves to addresses
  await setReady('default', 'p3', '10.1.0.3', true);
  await eventually(async () => ips(await subsetsOf('default', 'web'), 'addresses').length === 3, 'p3 ready in endpoints');
  assert.deepEqual(ips(await subsetsOf('default', 'web'), 'notReadyAddresses'), []);

  // a deleted pod leaves (grace 0: no kubelet in the test)
  await client.delete({ ...PODS, namespace: 'default', name: 'p1' }, { gracePeriodSeconds: 0 });
  await eventually(async () => ips(await subsetsOf('default', 'web'), 'addresses').join() === '10.1.0.2,10.1.0.3', 'p1 removed from endpoints');
});

test('a terminating pod is dropped from the Endpoints at once', async () => {
  await client.create({ group: '', version: 'v1', resource: 'namespaces' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'term' } });
  await runPod('term', 'a', '10.2.0.1', true);
  await runPod('term', 'b', '10.2.0.2', true);
  await createService('term', 'web');
  await eventually(async () => ips(await subsetsOf('term', 'web'), 'addresses').length === 2, 'both pods');
  // bound and running: the API server only marks it terminating
  await client.delete({ ...PODS, namespace: 'term', name: 'a' });
  await eventually(async () => ips(await subsetsOf('term', 'web'), 'addresses').join() === '10.2.0.2', 'terminating pod dropped');
});

test('a deleted Endpoints is recreated and deleting the Service deletes it', async () => {
  await client.create({ group: '', version: 'v1', resource: 'namespaces' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'recreate' } });
  await runPod('recreate', 'a', '10.3.0.1', true);
  await createService('recreate', 'web');
  await eventually(async () => ips(await subsetsOf('recreate', 'web'), 'addresses').length === 1, 'endpoints created');
  await client.delete({ ...ENDPOINTS, namespace: 'recreate', name: 'web' });
  await eventually(async () => ips(await subsetsOf('recreate', 'web'), 'addresses').length === 1, 'endpoints recreated');
  await client.delete({ ...SERVICES, namespace: 'recreate', name: 'web' });
  await eventually(async () => (await subsetsOf('recreate', 'web')) === undefined, 'endpoints deleted with the service');
});

test('a pod relabelled out of the selector leaves the Endpoints', async () => {
  await client.create({ group: '', version: 'v1', resource: 'namespaces' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'relabel' } });
  await runPod('relabel', 'a', '10.4.0.1', true);
  await runPod('relabel', 'b', '10.4.0.2', true);
  await createService('relabel', 'web');
  await eventually(async () => ips(await subsetsOf('relabel', 'web'), 'addresses').length === 2, 'both pods');
  await client.patch({ ...PODS, namespace: 'relabel', name: 'a' }, 'merge', { metadata: { labels: { app: 'other' } } });
  await eventually(async () => ips(await subsetsOf('relabel', 'web'), 'addresses').join() === '10.4.0.2', 'relabelled pod dropped');
});

test('the kubernetes Service keeps the Endpoints the API server wrote', async () => {
  const before = await client.get({ ...ENDPOINTS, namespace: 'default', name: 'kubernetes' });
  // a sync of the selectorless Service must not touch it
  await (tc.controllers[0] as EndpointController).reconcile('default/kubernetes');
  const after = await client.get({ ...ENDPOINTS, namespace: 'default', name: 'kubernetes' });
  assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  assert.ok(((after.subsets as EndpointSubset[])[0]?.addresses ?? []).length === 1);
});
