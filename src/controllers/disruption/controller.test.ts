import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { KubeObject } from '../../api/object.js';
import { eventually } from '../../client/test-apiserver.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { disruptionController } from './index.js';

const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
const PDBS = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespace: 'default' };
const RS = { group: 'apps', version: 'v1', resource: 'replicasets', namespace: 'default' };
const DEPLOY = { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'default' };

let tc: TestControllers;
before(async () => {
  tc = await startTestControllers([disruptionController]);
});
after(async () => {
  await tc.stop();
});

const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

async function setReady(name: string, ready: boolean): Promise<void> {
  const p = await tc.srv.client.get({ ...PODS, name });
  await tc.srv.client.update({ ...PODS, name, subresource: 'status' }, { ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
}

async function createPod(name: string, labels: Record<string, string>, owner?: KubeObject, ready = true): Promise<void> {
  const ownerReferences = owner ? [{ apiVersion: owner.apiVersion ?? '', kind: owner.kind ?? '', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true }] : undefined;
  await tc.srv.client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels, ...(ownerReferences ? { ownerReferences } : {}) }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] } });
  await setReady(name, ready);
}

async function pdbStatus(name: string): Promise<NonNullable<PodDisruptionBudget['status']>> {
  const p = (await tc.srv.client.get({ ...PDBS, name })) as PodDisruptionBudget;
  return p.status!;
}

test('an integer minAvailable PDB allows the disruptions its healthy pods leave room for', async () => {
  for (const n of ['a1', 'a2', 'a3']) await createPod(n, { app: 'a' });
  await tc.srv.client.create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'a' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'a' } } } });
  await eventually(async () => (await pdbStatus('a')).disruptionsAllowed === 1, 'a to allow one disruption');
  const s = await pdbStatus('a');
  assert.equal(s.currentHealthy, 3);
  assert.equal(s.desiredHealthy, 2);
  assert.equal(s.expectedPods, 3);
  assert.equal(s.observedGeneration, 1);
  assert.equal(s.conditions?.find((c) => c.type === 'DisruptionAllowed')?.reason, 'SufficientPods');
});

test('a pod turning unready takes the PDB to InsufficientPods', async () => {
  await setReady('a2', false);
  await eventually(async () => (await pdbStatus('a')).currentHealthy === 2, 'a currentHealthy 2');
  const s = await pdbStatus('a');
  assert.equal(s.disruptionsAllowed, 0);
  const c = s.conditions?.find((x) => x.type === 'DisruptionAllowed');
  assert.equal(c?.status, 'False');
  assert.equal(c?.reason, 'InsufficientPods');
});

test('maxUnavailable counts the scale of the Deployment above the pods\' ReplicaSet', async () => {
  const d = await tc.srv.client.create(DEPLOY, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) } });
  const rs = await tc.srv.client.create(RS, {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid ?? '', controller: true }] },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) },
  });
  await createPod('web-a', { app: 'web' }, rs);
  await createPod('web-b', { app: 'web' }, rs);
  await tc.srv.client.create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { maxUnavailable: '25%', selector: { matchLabels: { app: 'web' } } } });
  await eventually(async () => (await pdbStatus('web')).expectedPods === 4, 'web expectedPods 4');
  const s = await pdbStatus('web');
  assert.equal(s.desiredHealthy, 3);
  assert.equal(s.currentHealthy, 2);
  assert.equal(s.disruptionsAllowed, 0);
});

test('a percentage PDB over pods whose controller is gone fails safe with SyncFailed', async () => {
  await createPod('orphan-1', { app: 'lost' }, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'nope', uid: '00000000-0000-0000-0000-000000000000' } });
  await tc.srv.client.create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'lost' }, spec: { minAvailable: '50%', selector: { matchLabels: { app: 'lost' } } } });
  await eventually(async () => (await pdbStatus('lost')).conditions?.some((c) => c.reason === 'SyncFailed') ?? false, 'lost SyncFailed');
  assert.equal((await pdbStatus('lost')).disruptionsAllowed, 0);
});

test('an evicted pod recorded in disruptedPods does not count as healthy', async () => {
  for (const n of ['e1', 'e2', 'e3']) await createPod(n, { app: 'e' });
  await tc.srv.client.create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'e' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'e' } } } });
  await eventually(async () => (await pdbStatus('e')).disruptionsAllowed === 2, 'e allows two');
  // What the eviction subresource does: decrement and record the pod as disrupted.
  const cur = (await tc.srv.client.get({ ...PDBS, name: 'e' })) as PodDisruptionBudget & KubeObject;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await tc.srv.client.update({ ...PDBS, name: 'e', subresource: 'status' }, { ...cur, status: { ...cur.status!, disruptionsAllowed: 1, disruptedPods: { e1: now } } });
  await eventually(async () => (await pdbStatus('e')).currentHealthy === 2, 'e currentHealthy 2');
  const s = await pdbStatus('e');
  assert.deepEqual(s.disruptedPods, { e1: now });
  assert.equal(s.disruptionsAllowed, 1);
});
