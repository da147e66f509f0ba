import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { eventually } from '../../client/test-apiserver.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { readyAllPods, setPodReady } from '../common/fake-kubelet-replicaset.js';
import { replicaSetController } from './index.js';

const RS = { group: 'apps', version: 'v1', resource: 'replicasets', namespace: 'default' } as const;
const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' } as const;

let h: TestControllers;
before(async () => {
  h = await startTestControllers([replicaSetController]);
});
after(async () => {
  await h.stop();
});

function rsBody(name: string, replicas: number, minReadySeconds = 0): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: {
      replicas,
      minReadySeconds,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
}

async function activePods(app: string): Promise<KubeObject[]> {
  const l = await h.srv.client.list(PODS, { labelSelector: `app=${app}` });
  return l.items.filter((p) => !p.metadata.deletionTimestamp);
}

async function rsStatus(name: string): Promise<Record<string, number | undefined>> {
  return ((await h.srv.client.get({ ...RS, name })).status ?? {}) as Record<string, number | undefined>;
}

async function events(name: string, reason: string): Promise<KubeObject[]> {
  const l = await h.srv.client.list({ group: '', version: 'v1', resource: 'events', namespace: 'default' });
  return l.items.filter((e) => (e.involvedObject as { name?: string }).name === name && e.reason === reason);
}

test('a ReplicaSet creates exactly spec.replicas pods named after it and owned by it', async () => {
  const rs = await h.srv.client.create(RS, rsBody('create', 3));
  await eventually(async () => (await activePods('create')).length === 3, '3 pods');
  const pods = await activePods('create');
  for (const p of pods) {
    assert.match(p.metadata.name ?? '', /^create-[a-z0-9]{5}$/);
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'create', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  }
  await eventually(async () => (await rsStatus('create')).replicas === 3, 'status.replicas 3');
  await eventually(async () => (await events('create', 'SuccessfulCreate')).length >= 1, 'a SuccessfulCreate event');
  assert.equal((await activePods('create')).length, 3, 'no double creation');
});

test('ready pods are counted in readyReplicas and availableReplicas', async () => {
  await h.srv.client.create(RS, rsBody('ready', 2));
  await eventually(async () => (await activePods('ready')).length === 2, '2 pods');
  await readyAllPods(h.srv.client, 'default', 'app=ready');
  await eventually(async () => {
    const s = await rsStatus('ready');
    return s.readyReplicas === 2 && s.availableReplicas === 2 && s.fullyLabeledReplicas === 2 && s.observedGeneration === 1;
  }, 'ready and available 2');
});

test('scaling down deletes the surplus, not-ready pods first, with SuccessfulDelete events', async () => {
  await h.srv.client.create(RS, rsBody('down', 3));
  await eventually(async () => (await activePods('down')).length === 3, '3 pods');
  const pods = await activePods('down');
  const keep = pods.slice(0, 2).map((p) => p.metadata.name);
  for (const name of keep) {
    await setPodReady(h.srv.client, 'default', name ?? '', true);
  }
  await h.srv.client.patch({ ...RS, name: 'down' }, 'merge', { spec: { replicas: 2 } });
  await eventually(async () => (await activePods('down')).length === 2, '2 pods left');
  assert.deepEqual((await activePods('down')).map((p) => p.metadata.name).sort(), [...keep].sort());
  await eventually(async () => (await events('down', 'SuccessfulDelete')).length === 1, 'a SuccessfulDelete event');
});

test('an orphan pod matching the selector is adopted instead of creating a new one', async () => {
  await h.srv.client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', labels: { app: 'adopt' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  const rs = await h.srv.client.create(RS, rsBody('adopt', 1));
  await eventually(async () => (await h.srv.client.get({ ...PODS, name: 'stray' })).metadata.ownerReferences?.[0]?.uid === rs.metadata.uid, 'stray adopted');
  const ref = (await h.srv.client.get({ ...PODS, name: 'stray' })).metadata.ownerReferences?.[0];
  assert.equal(ref?.controller, true);
  assert.equal(ref?.blockOwnerDeletion, true);
  await eventually(async () => (await rsStatus('adopt')).replicas === 1, 'status.replicas 1');
  assert.equal((await activePods('adopt')).length, 1);
});

test('an owned pod whose labels stop matching is released and replaced', async () => {
  await h.srv.client.create(RS, rsBody('release', 1));
  await eventually(async () => (await activePods('release')).length === 1, '1 pod');
  const [p] = await activePods('release');
  await h.srv.client.patch({ ...PODS, name: p?.metadata.name }, 'merge', { metadata: { labels: { app: 'released' } } });
  await eventually(async () => (await h.srv.client.get({ ...PODS, name: p?.metadata.name })).metadata.ownerReferences === undefined, 'pod released');
  await eventually(async () => (await activePods('release')).length === 1, 'a replacement pod');
});

test('a deleted pod is replaced', async () => {
  await h.srv.client.create(RS, rsBody('heal', 2));
  await eventually(async () => (await activePods('heal')).length === 2, '2 pods');
  const [p] = await activePods('heal');
  await h.srv.client.delete({ ...PODS, name: p?.metadata.name }, { gracePeriodSeconds: 0 });
  await eventually(async () => {
    const pods = await activePods('heal');
    return pods.length === 2 && !pods.some((x) => x.metadata.name === p?.metadata.name);
  }, 'a replacement');
});
