import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { FakeClock } from '../../client/fake-clock.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import { eventually } from '../../client/test-apiserver.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { podGCControllerWith, type PodGCController } from './index.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const NODES = { group: '', version: 'v1', resource: 'nodes' };
const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };

const clock = new FakeClock();
let tc: TestControllers;
let client: RestClient;
let gc: PodGCController;
before(async () => {
  tc = await startTestControllers([podGCControllerWith({ terminatedPodGCThreshold: 2 })], { clock, now: () => new Date(clock.now()) });
  client = tc.srv.client;
  gc = tc.controllers[0] as PodGCController;
});
after(async () => {
  await tc.stop();
});

async function exists(ns: string, name: string): Promise<boolean> {
  try {
    await client.get({ ...PODS, namespace: ns, name });
    return true;
  } catch (e) {
    if (isStatus(e, 404)) return false;
    throw e;
  }
}

async function createPod(ns: string, name: string, o: { node?: string; phase?: string; finalizers?: string[] } = {}): Promise<KubeObject> {
  const p = await client.create({ ...PODS, namespace: ns }, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(o.finalizers ? { finalizers: o.finalizers } : {}) },
    spec: { ...(o.node ? { nodeName: o.node } : {}), containers: [{ name: 'c', image: 'busybox' }] },
  });
  if (o.phase) return client.update({ ...PODS, namespace: ns, name, subresource: 'status' }, { ...p, status: { phase: o.phase } });
  return p;
}

const cached = (ns: string, name: string): boolean => tc.ctx.informers.informerFor(PODS).get(`${ns}/${name}`) !== undefined;

test('terminated pods beyond the threshold are deleted on a periodic pass, oldest first', async () => {
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gc1' } });
  for (const n of ['t1', 't2', 't3', 't4']) await createPod('gc1', n, { node: 'n1', phase: 'Succeeded' });
  await createPod('gc1', 'live', { node: 'n1', phase: 'Running' });
  await client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  await eventually(() => cached('gc1', 't4') && tc.ctx.informers.informerFor(NODES).get('n1') !== undefined, 'pods and node in cache');
  // Time passes only when the test says so: each poll moves the clock one gc period.
  await eventually(async () => {
    clock.advance(20_000);
    return !(await exists('gc1', 't1')) && !(await exists('gc1', 't2'));
  }, 'two oldest terminated pods collected');
  assert.equal(await exists('gc1', 't3'), true);
  assert.equal(await exists('gc1', 't4'), true);
  assert.equal(await exists('gc1', 'live'), true);
});

test('pods of a node that does not exist are deleted only after the 40 s quarantine', async () => {
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gc2' } });
  await createPod('gc2', 'orphan', { node: 'ghost', phase: 'Running' });
  await eventually(() => cached('gc2', 'orphan'), 'orphan in cache');
  await gc.reconcile();
  clock.advance(39_000);
  await gc.reconcile();
  assert.equal(await exists('gc2', 'orphan'), true);
  clock.advance(1_000);
  await gc.reconcile();
  assert.equal(await exists('gc2', 'orphan'), false);
});

test('an unscheduled terminating pod is marked Failed and force-deleted', async () => {
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gc3' } });
  // a finalizer keeps the unscheduled pod Terminating, so the collector's status write is visible
  await createPod('gc3', 'stuck', { finalizers: ['example.com/hold'] });
  await client.delete({ ...PODS, namespace: 'gc3', name: 'stuck' });
  await eventually(() => !!tc.ctx.informers.informerFor(PODS).get('gc3/stuck')?.metadata.deletionTimestamp, 'terminating pod in cache');
  await gc.reconcile();
  const p = await client.get({ ...PODS, namespace: 'gc3', name: 'stuck' });
  assert.equal((p.status as { phase?: string }).phase, 'Failed');
  await client.patch({ ...PODS, namespace: 'gc3', name: 'stuck' }, 'merge', { metadata: { finalizers: null } });
  await eventually(async () => !(await exists('gc3', 'stuck')), 'pod gone once its finalizer is');
});
