import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory/index.js';
import { startApiServer, type RunningApiServer } from '../../apiserver/index.js';
import { ensurePki } from '../../pki/index.js';
import { RestClient } from '../../client/rest.js';
import { eventually } from '../../client/test-apiserver.js';
import { makeNode, makePod } from '../testing.js';
import { startScheduler, type RunningScheduler } from './runner.js';
import { explanationResource, EXPLANATION_GROUP, EXPLANATION_RESOURCE } from './explain-resource.js';

let dir: string;
let store: MemoryStore;
let api: RunningApiServer;
let client: RestClient;
let sched: RunningScheduler;

const pods = { group: '', version: 'v1', resource: 'pods' };
const nodes = { group: '', version: 'v1', resource: 'nodes' };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeling-sched-test-'));
  const pki = await ensurePki(dir, { hostname: 'localhost', ips: ['127.0.0.1'] });
  store = new MemoryStore();
  api = await startApiServer({ store, tls: { caPem: pki.ca.certPem, certPem: pki.server.certPem, keyPem: pki.server.keyPem }, port: 0, host: '127.0.0.1', disableAdmissionPlugins: ['ServiceAccount'] });
  client = new RestClient({ server: `https://127.0.0.1:${api.port}`, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem });
  sched = await startScheduler({ client });
  api.deps.resources.set('scheduler', [explanationResource((ns, name) => sched.explainPod(ns, name))]);
});

after(async () => {
  await sched.stop();
  await client.close();
  await api.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function addNode(name: string, o: Parameters<typeof makeNode>[1] = {}): Promise<void> {
  const n = makeNode(name, o) as KubeObject;
  await client.create(nodes, { ...n, status: undefined });
  await client.patch({ ...nodes, name, subresource: 'status' }, 'merge', { status: n.status });
}

async function addPod(name: string, o: Parameters<typeof makePod>[1] = {}, extra: Record<string, unknown> = {}): Promise<void> {
  const p = makePod(name, o) as KubeObject;
  const spec = { ...(p.spec as Record<string, unknown>), ...extra };
  await client.create({ ...pods, namespace: 'default' }, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: p.metadata.labels }, spec });
}

async function getPod(name: string): Promise<Pod> {
  return (await client.get({ ...pods, namespace: 'default', name })) as Pod;
}

async function events(name: string): Promise<{ reason: string; message: string; type: string; source?: { component?: string } }[]> {
  const l = await client.list({ group: '', version: 'v1', resource: 'events', namespace: 'default' }, { fieldSelector: `involvedObject.name=${name}` });
  return l.items as unknown as { reason: string; message: string; type: string }[];
}

test('a pending pod is bound to the node that fits and a Scheduled event is recorded', async () => {
  await addNode('small', { cpu: '1' });
  await addNode('big', { cpu: '8' });
  await addPod('fits-big', { cpu: '2' });
  await eventually(async () => (await getPod('fits-big')).spec?.nodeName === 'big', 'the pod to be bound to big');
  const p = await getPod('fits-big');
  assert.equal(p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');
  await eventually(async () => (await events('fits-big')).some((e) => e.reason === 'Scheduled' && e.message === 'Successfully assigned default/fits-big to big' && e.source?.component === 'default-scheduler'), 'the Scheduled event');
});

test('a pod no node fits gets PodScheduled=False and FailedScheduling, then lands once a node fits', async () => {
  await addPod('huge', { cpu: '16' });
  await eventually(async () => (await getPod('huge')).status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False') ?? false, 'the Unschedulable condition');
  const cond = (await getPod('huge')).status!.conditions!.find((c) => c.type === 'PodScheduled')!;
  assert.equal(cond.reason, 'Unschedulable');
  assert.match(cond.message ?? '', /^0\/2 nodes are available: 2 Insufficient cpu\. preemption: /);
  await eventually(async () => (await events('huge')).some((e) => e.reason === 'FailedScheduling' && e.type === 'Warning' && e.message === cond.message), 'the FailedScheduling event');
  await addNode('giant', { cpu: '32' });
  await eventually(async () => (await getPod('huge')).spec?.nodeName === 'giant', 'the pod to land on the new node', 5000);
});

test('a pod with another schedulerName is left alone', async () => {
  await addPod('other', { schedulerName: 'my-scheduler' });
  await addPod('after-other', {});
  await eventually(async () => (await getPod('after-other')).spec?.nodeName !== undefined, 'the next pod to be scheduled');
  const p = await getPod('other');
  assert.equal(p.spec?.nodeName, undefined);
  assert.equal(p.status?.conditions?.find((c) => c.type === 'PodScheduled'), undefined);
});

test('the explanation resource serves the per-node account of the last decision', async () => {
  await addPod('explained', { cpu: '6' });
  await eventually(async () => (await getPod('explained')).spec?.nodeName !== undefined, 'the pod to be scheduled');
  const e = await client.get({ group: EXPLANATION_GROUP, version: 'v1', resource: EXPLANATION_RESOURCE, namespace: 'default', name: 'explained' });
  assert.equal(e.kind, 'PodSchedulingExplanation');
  const st = e.status as { result: string; nodeName: string; nodes: { node: string; verdict: string; plugin?: string; reasons?: string[] }[] };
  assert.equal(st.result, 'Scheduled');
  const small = st.nodes.find((n) => n.node === 'small');
  assert.match(small?.verdict ?? '', /^Unschedulable/);
  assert.equal(small?.plugin, 'NodeResourcesFit');
  assert.deepEqual(small?.reasons, ['Insufficient cpu']);
  await assert.rejects(client.create({ group: EXPLANATION_GROUP, version: 'v1', resource: EXPLANATION_RESOURCE, namespace: 'default' }, { metadata: { name: 'x' } }), /not allow/);
});

test('a high-priority pod preempts a lower-priority one: victim deleted, node nominated, Preempted event', async () => {
  await client.create({ group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' }, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
  // Fill every node, then ask for a full node at high priority.
  await addNode('only', { cpu: '2', labels: { pool: 'p' } });
  await addPod('low', { cpu: '2', nodeSelector: { pool: 'p' } });
  await eventually(async () => (await getPod('low')).spec?.nodeName === 'only', 'low to land');
  await addPod('high', { cpu: '2', nodeSelector: { pool: 'p' } }, { priorityClassName: 'high' });
  await eventually(async () => (await getPod('low')).metadata?.deletionTimestamp !== undefined, 'the victim to be deleted gracefully');
  await eventually(async () => (await getPod('high')).status?.nominatedNodeName === 'only', 'the nomination');
  const high = await getPod('high');
  await eventually(async () => (await events('low')).some((e) => e.reason === 'Preempted' && e.message === `Preempted by pod ${high.metadata?.uid} on node only`), 'the Preempted event');
  assert.ok((await getPod('low')).status?.conditions?.some((c) => c.type === 'DisruptionTarget' && c.reason === 'PreemptionByScheduler'));
  // No kubelet here: finish the graceful deletion as one would.
  await client.delete({ ...pods, namespace: 'default', name: 'low' }, { gracePeriodSeconds: 0 });
  await eventually(async () => (await getPod('high')).spec?.nodeName === 'only', 'the preemptor to land on the freed node', 5000);
});

test('preemptionPolicy Never does not preempt', async () => {
  await client.create({ group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' }, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high-never' }, value: 2000, preemptionPolicy: 'Never' });
  await addPod('polite', { cpu: '2', nodeSelector: { pool: 'p' } }, { priorityClassName: 'high-never' });
  await eventually(async () => (await getPod('polite')).status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False') ?? false, 'polite to be unschedulable');
  const msg = (await getPod('polite')).status!.conditions!.find((c) => c.type === 'PodScheduled')!.message ?? '';
  assert.match(msg, /preemption: not eligible due to preemptionPolicy=Never/);
  assert.equal((await getPod('high')).metadata?.deletionTimestamp, undefined);
});

test('a nominated pod keeps the room it freed: an older equal-priority pod does not take it', async () => {
  await client.create({ group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' }, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'eq-never' }, value: 1000, preemptionPolicy: 'Never' });
  await addNode('solo', { cpu: '2', labels: { pool: 'q' } });
  await addPod('q-low', { cpu: '2', nodeSelector: { pool: 'q' } });
  await eventually(async () => (await getPod('q-low')).spec?.nodeName === 'solo', 'q-low to land');
  await addPod('q-never', { cpu: '2', nodeSelector: { pool: 'q' } }, { priorityClassName: 'eq-never' });
  await addPod('q-high', { cpu: '2', nodeSelector: { pool: 'q' } }, { priorityClassName: 'high' });
  await eventually(async () => (await getPod('q-high')).status?.nominatedNodeName === 'solo', 'the nomination');
  await client.delete({ ...pods, namespace: 'default', name: 'q-low' }, { gracePeriodSeconds: 0 });
  await eventually(async () => (await getPod('q-high')).spec?.nodeName === 'solo', 'the preemptor to land', 5000);
  assert.equal((await getPod('q-never')).spec?.nodeName, undefined);
});
