import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory/index.js';
import { ensurePki } from '../../pki/index.js';
import { RestClient, isStatus } from '../../client/rest.js';
import { startApiServer, type RunningApiServer } from '../index.js';
import { checkAndDecrement, handleEviction, planEviction } from './eviction.js';

let dir: string;
let api: RunningApiServer;
let store: MemoryStore;
let client: RestClient;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeling-eviction-test-'));
  const pki = await ensurePki(dir, { hostname: 'localhost', ips: ['127.0.0.1'] });
  store = new MemoryStore();
  api = await startApiServer({ store, tls: { caPem: pki.ca.certPem, certPem: pki.server.certPem, keyPem: pki.server.keyPem }, port: 0, host: '127.0.0.1', disableAdmissionPlugins: ['ServiceAccount'] });
  // The lead wires this in startApiServer; the test registers it on its own server.
  api.server.registerSubresource('', 'pods', 'eviction', handleEviction);
  client = new RestClient({ server: `https://127.0.0.1:${api.port}`, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem });
});
after(async () => {
  await client.close();
  await api.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
const PDBS = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespace: 'default' };

async function createPod(name: string, labels: Record<string, string>, phase = 'Running', ready = true): Promise<void> {
  // No nodeName: deletion is immediate, so the outcome is visible at once.
  await client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  const p = await client.get({ ...PODS, name });
  await client.update({ ...PODS, name, subresource: 'status' }, { ...p, status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
}

/** A PDB whose status is what the disruption controller would have written. */
async function createPdb(name: string, app: string, status: Record<string, unknown>): Promise<void> {
  await client.create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { minAvailable: 1, selector: { matchLabels: { app } } } });
  const p = await client.get({ ...PDBS, name });
  await client.update({ ...PDBS, name, subresource: 'status' }, { ...p, status: { observedGeneration: 1, expectedPods: 2, ...status } });
}

async function evict(name: string, deleteOptions: Record<string, unknown> = {}, apiVersion = 'policy/v1'): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await client.raw('POST', `/api/v1/namespaces/default/pods/${name}/eviction`, { body: { apiVersion, kind: 'Eviction', metadata: { name, namespace: 'default' }, deleteOptions } });
  return { status: res.status, body: JSON.parse(res.body.toString('utf8')) as Record<string, unknown> };
}

async function exists(name: string): Promise<boolean> {
  try {
    await client.get({ ...PODS, name });
    return true;
  } catch (e) {
    if (isStatus(e, 404)) return false;
    throw e;
  }
}

test('an eviction the budget allows deletes the pod, answers 201 Success and records the disruption', async () => {
  await createPod('ok-1', { app: 'ok' });
  await createPod('ok-2', { app: 'ok' });
  await createPdb('ok', 'ok', { currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
  const r = await evict('ok-1');
  assert.equal(r.status, 201);
  assert.equal(r.body.status, 'Success');
  assert.equal(await exists('ok-1'), false);
  const st = (await client.get({ ...PDBS, name: 'ok' })).status as { disruptionsAllowed: number; disruptedPods: Record<string, string>; conditions: { reason: string }[] };
  assert.equal(st.disruptionsAllowed, 0);
  assert.ok(st.disruptedPods['ok-1']);
  assert.equal(st.conditions.find((c) => c.reason === 'InsufficientPods') !== undefined, true);
});

test('an eviction that would break the budget answers 429 with the DisruptionBudget cause', async () => {
  const r = await evict('ok-2');
  assert.equal(r.status, 429);
  assert.equal(r.body.reason, 'TooManyRequests');
  assert.equal(r.body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
  assert.deepEqual((r.body.details as { causes: unknown[] }).causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget ok needs 1 healthy pods and has 2 currently' }]);
  assert.equal(await exists('ok-2'), true);
});

test('a pod matched by two budgets cannot be evicted', async () => {
  await createPod('two-1', { app: 'two', tier: 'x' });
  await createPdb('two-a', 'two', { currentHealthy: 1, desiredHealthy: 0, disruptionsAllowed: 1 });
  await client.create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'two-b' }, spec: { maxUnavailable: 1, selector: { matchLabels: { tier: 'x' } } } });
  const r = await evict('two-1');
  assert.equal(r.status, 500);
  assert.equal(r.body.message, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  assert.equal(await exists('two-1'), true);
});

test('a Pending pod is evicted without looking at its budget', async () => {
  await createPod('pend-1', { app: 'pend' }, 'Pending', false);
  await createPdb('pend', 'pend', { currentHealthy: 0, desiredHealthy: 1, disruptionsAllowed: 0 });
  const r = await evict('pend-1', {}, 'policy/v1beta1');
  assert.equal(r.status, 201);
  assert.equal(await exists('pend-1'), false);
});

test('a pod no budget selects is simply deleted', async () => {
  await createPod('free-1', { app: 'free' });
  assert.equal((await evict('free-1')).status, 201);
  assert.equal(await exists('free-1'), false);
});

test('a dry-run eviction changes neither the pod nor the budget', async () => {
  await createPod('dry-1', { app: 'dry' });
  await createPdb('dry', 'dry', { currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
  assert.equal((await evict('dry-1', { dryRun: ['All'] })).status, 201);
  assert.equal(await exists('dry-1'), true);
  assert.equal(((await client.get({ ...PDBS, name: 'dry' })).status as { disruptionsAllowed: number }).disruptionsAllowed, 1);
});

test('evicting a missing pod is 404', async () => {
  assert.equal((await evict('nope')).status, 404);
});

test('a stale resourceVersion precondition in the deleteOptions is a conflict', async () => {
  await createPod('pre-1', { app: 'pre' });
  const r = await evict('pre-1', { preconditions: { resourceVersion: '1' } });
  assert.equal(r.status, 409);
  assert.equal(await exists('pre-1'), true);
});

const pod = (labels: Record<string, string>, ready: boolean, phase = 'Running'): KubeObject => ({ metadata: { name: 'p', namespace: 'ns', labels }, status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
const pdb = (status: Record<string, unknown>, spec: Record<string, unknown> = {}): KubeObject => ({ metadata: { name: 'b', namespace: 'ns', generation: 1 }, spec: { selector: { matchLabels: { app: 'a' } }, ...spec }, status: { observedGeneration: 1, ...status } });

test('an unready pod is deleted without a decrement when its budget is already met', () => {
  assert.deepEqual(planEviction(pod({ app: 'a' }, false), [pdb({ currentHealthy: 2, desiredHealthy: 2 })]), { kind: 'delete', guardResourceVersion: true });
});

test('an unready pod under AlwaysAllow is deleted without a decrement', () => {
  assert.equal(planEviction(pod({ app: 'a' }, false), [pdb({ currentHealthy: 0, desiredHealthy: 2 }, { unhealthyPodEvictionPolicy: 'AlwaysAllow' })]).kind, 'delete');
});

test('a PDB with an empty selector does not guard evictions', () => {
  assert.deepEqual(planEviction(pod({ app: 'a' }, true), [{ ...pdb({}), spec: { selector: {} } }]), { kind: 'delete', guardResourceVersion: false });
});

test('a budget not yet observed by the controller answers 429 still being processed', () => {
  assert.throws(() => checkAndDecrement({ ...pdb({ disruptionsAllowed: 3 }), metadata: { name: 'b', generation: 2 } }, 'p', new Date(), false), (e: unknown) => {
    const err = e as { code: number; details: { causes: { message: string }[]; retryAfterSeconds: number } };
    return err.code === 429 && err.details.causes[0]?.message === 'The disruption budget b is still being processed by the server.' && err.details.retryAfterSeconds === 10;
  });
});

test('a negative budget is forbidden', () => {
  assert.throws(() => checkAndDecrement(pdb({ disruptionsAllowed: -1 }), 'p', new Date(), false), (e: unknown) => (e as { code: number }).code === 403);
});
