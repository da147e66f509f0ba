import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { eventually } from '../../client/test-apiserver.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { readyAllPods } from '../common/fake-kubelet-replicaset.js';
import { replicaSetController } from '../replicaset/index.js';
import { deploymentController } from './index.js';

const DEPLOY = { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'default' } as const;
const RS = { group: 'apps', version: 'v1', resource: 'replicasets', namespace: 'default' } as const;
const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' } as const;

let h: TestControllers;
before(async () => {
  h = await startTestControllers([replicaSetController, deploymentController]);
});
after(async () => {
  await h.stop();
});

type Cond = { type: string; status: string; reason?: string; message?: string };
type DStatus = { replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number; unavailableReplicas?: number; observedGeneration?: number; conditions?: Cond[] };

function deployBody(name: string, replicas: number, image = 'nginx:1', extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      ...extra,
    },
  };
}

async function get(name: string): Promise<KubeObject & { status?: DStatus }> {
  return (await h.srv.client.get({ ...DEPLOY, name }));
}

async function replicaSets(app: string): Promise<KubeObject[]> {
  return (await h.srv.client.list(RS, { labelSelector: `app=${app}` })).items;
}

async function activePods(app: string): Promise<KubeObject[]> {
  return (await h.srv.client.list(PODS, { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
}

function cond(d: { status?: DStatus }, type: string): Cond | undefined {
  return d.status?.conditions?.find((c) => c.type === type);
}

/** Plays the kubelet until the predicate holds: marks every pod of the app Ready on each poll. */
async function kubeletUntil(app: string, pred: () => Promise<boolean>, what: string, timeoutMs = 10000): Promise<void> {
  await eventually(async () => {
    await readyAllPods(h.srv.client, 'default', `app=${app}`);
    return pred();
  }, what, timeoutMs);
}

test('a Deployment creates a ReplicaSet named after its template hash, and its pods', async () => {
  const d = await h.srv.client.create(DEPLOY, deployBody('web', 3));
  await eventually(async () => (await activePods('web')).length === 3, '3 pods');
  const [rs, ...more] = await replicaSets('web');
  assert.equal(more.length, 0);
  const hash = rs?.metadata.labels?.['pod-template-hash'] ?? '';
  assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(rs?.metadata.name, `web-${hash}`);
  assert.equal(rs?.metadata.ownerReferences?.[0]?.uid, d.metadata.uid);
  assert.equal(rs?.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  assert.equal(rs?.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
  assert.equal(rs?.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
  assert.deepEqual((rs?.spec as { selector?: unknown }).selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
  await eventually(async () => (await get('web')).metadata.annotations?.['deployment.kubernetes.io/revision'] === '1', 'revision annotation on the deployment');
});

test('once the kubelet reports pods Ready the Deployment is Available and its rollout complete', async () => {
  await h.srv.client.create(DEPLOY, deployBody('avail', 2));
  await kubeletUntil('avail', async () => {
    const d = await get('avail');
    return d.status?.availableReplicas === 2 && cond(d, 'Progressing')?.reason === 'NewReplicaSetAvailable';
  }, 'available');
  const d = await get('avail');
  assert.deepEqual(
    { replicas: d.status?.replicas, updated: d.status?.updatedReplicas, ready: d.status?.readyReplicas, unavailable: d.status?.unavailableReplicas, gen: d.status?.observedGeneration === d.metadata.generation },
    { replicas: 2, updated: 2, ready: 2, unavailable: 0, gen: true },
  );
  assert.deepEqual(cond(d, 'Available'), { ...cond(d, 'Available'), status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
  assert.match(cond(d, 'Progressing')?.message ?? '', /^ReplicaSet "avail-[a-z0-9]+" has successfully progressed\.$/);
  const events = (await h.srv.client.list({ group: '', version: 'v1', resource: 'events', namespace: 'default' })).items.filter(
    (e) => (e.involvedObject as { name?: string }).name === 'avail' && e.reason === 'ScalingReplicaSet',
  );
  assert.match(String(events[0]?.message), /^Scaled up replica set avail-[a-z0-9]+ from 0 to 2$/);
});

test('a rolling update with maxUnavailable 0 never drops the ready count below replicas', async () => {
  const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
  await h.srv.client.create(DEPLOY, deployBody('roll', 3, 'nginx:1', { strategy }));
  await kubeletUntil('roll', async () => (await get('roll')).status?.availableReplicas === 3, 'first rollout');
  const start = await get('roll');
  const w = await h.srv.client.watch(DEPLOY, { resourceVersion: start.metadata.resourceVersion, fieldSelector: 'metadata.name=roll' });
  const readySeen: number[] = [];
  const collecting = (async () => {
    for await (const ev of w) if (ev.type === 'MODIFIED') readySeen.push((ev.object.status as DStatus | undefined)?.readyReplicas ?? 0);
  })();
  await h.srv.client.patch({ ...DEPLOY, name: 'roll' }, 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } });
  await kubeletUntil('roll', async () => {
    const d = await get('roll');
    return d.status?.updatedReplicas === 3 && d.status.replicas === 3 && d.status.availableReplicas === 3 && d.status.observedGeneration === d.metadata.generation;
  }, 'second rollout', 20000);
  w.stop();
  await collecting;
  assert.ok(readySeen.length > 0);
  assert.ok(readySeen.every((n) => n >= 3), `ready counts seen: ${readySeen.join(',')}`);
  const rss = await replicaSets('roll');
  assert.equal(rss.length, 2);
  const byRev = new Map(rss.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], (rs.spec as { replicas?: number }).replicas]));
  assert.deepEqual(Object.fromEntries(byRev), { '1': 0, '2': 3 });
});

test('undo to the previous template reuses its ReplicaSet with a new revision and revision-history', async () => {
  await h.srv.client.create(DEPLOY, deployBody('undo', 2));
  await kubeletUntil('undo', async () => (await get('undo')).status?.availableReplicas === 2, 'v1 available');
  await h.srv.client.patch({ ...DEPLOY, name: 'undo' }, 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } });
  await kubeletUntil('undo', async () => {
    const d = await get('undo');
    return d.status?.updatedReplicas === 2 && d.status.replicas === 2 && d.status.availableReplicas === 2 && d.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2';
  }, 'v2 rolled out', 20000);
  // What `kubectl rollout undo` sends: the revision-1 template without pod-template-hash.
  const rs1 = (await replicaSets('undo')).find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '1')!;
  const tpl = structuredClone((rs1.spec as { template: { metadata: { labels: Record<string, string> } } }).template);
  delete tpl.metadata.labels['pod-template-hash'];
  // kubectl serialises the Go struct: the template's zero creationTimestamp goes out as null.
  (tpl.metadata as Record<string, unknown>).creationTimestamp = null;
  await h.srv.client.patch({ ...DEPLOY, name: 'undo' }, 'json', [{ op: 'replace', path: '/spec/template', value: tpl }]);
  await kubeletUntil('undo', async () => {
    const d = await get('undo');
    return d.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3' && d.status?.updatedReplicas === 2 && d.status.replicas === 2 && d.status.availableReplicas === 2;
  }, 'undo rolled out', 20000);
  const rss = await replicaSets('undo');
  assert.equal(rss.length, 2, 'no third ReplicaSet');
  const back = rss.find((rs) => rs.metadata.name === rs1.metadata.name)!;
  assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
  assert.equal((back.spec as { replicas?: number }).replicas, 2);
  const pods = await activePods('undo');
  assert.ok(pods.every((p) => (p.spec as { containers: { image: string }[] }).containers[0]?.image === 'nginx:1'));
});

test('a rollout whose pods never become ready gets ProgressDeadlineExceeded', async () => {
  await h.srv.client.create(DEPLOY, deployBody('stuck', 1, 'nginx:bad', { progressDeadlineSeconds: 1 }));
  await eventually(async () => {
    const c = cond(await get('stuck'), 'Progressing');
    return c?.status === 'False' && c.reason === 'ProgressDeadlineExceeded';
  }, 'ProgressDeadlineExceeded', 10000);
  const c = cond(await get('stuck'), 'Progressing');
  assert.match(c?.message ?? '', /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
  assert.equal(cond(await get('stuck'), 'Available')?.reason, 'MinimumReplicasUnavailable');
});

test('a paused Deployment does not roll out a new template until resumed', async () => {
  await h.srv.client.create(DEPLOY, deployBody('pause', 1));
  await kubeletUntil('pause', async () => (await get('pause')).status?.availableReplicas === 1, 'available');
  await h.srv.client.patch({ ...DEPLOY, name: 'pause' }, 'merge', { spec: { paused: true } });
  await eventually(async () => cond(await get('pause'), 'Progressing')?.reason === 'DeploymentPaused', 'DeploymentPaused');
  assert.equal(cond(await get('pause'), 'Progressing')?.status, 'Unknown');
  await h.srv.client.patch({ ...DEPLOY, name: 'pause' }, 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } });
  await eventually(async () => {
    const d = await get('pause');
    return d.status?.observedGeneration === d.metadata.generation;
  }, 'paused spec observed');
  assert.equal((await replicaSets('pause')).length, 1, 'no new ReplicaSet while paused');
  await h.srv.client.patch({ ...DEPLOY, name: 'pause' }, 'merge', { spec: { paused: false } });
  await kubeletUntil('pause', async () => {
    const d = await get('pause');
    return (await replicaSets('pause')).length === 2 && d.status?.updatedReplicas === 1 && d.status.replicas === 1 && d.status.availableReplicas === 1;
  }, 'rolled out after resume', 20000);
});

test('the Recreate strategy removes every old pod before creating new ones', async () => {
  await h.srv.client.create(DEPLOY, deployBody('recreate', 2, 'nginx:1', { strategy: { type: 'Recreate' } }));
  await kubeletUntil('recreate', async () => (await get('recreate')).status?.availableReplicas === 2, 'v1 available');
  await h.srv.client.patch({ ...DEPLOY, name: 'recreate' }, 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } });
  const mixed: string[] = [];
  await kubeletUntil('recreate', async () => {
    const images = new Set((await activePods('recreate')).map((p) => (p.spec as { containers: { image: string }[] }).containers[0]?.image ?? ''));
    if (images.size > 1) mixed.push([...images].join('+'));
    const d = await get('recreate');
    return d.status?.updatedReplicas === 2 && d.status.availableReplicas === 2 && d.status.replicas === 2;
  }, 'v2 available', 20000);
  assert.deepEqual(mixed, [], 'never old and new pods at once');
});

test('scaling a Deployment scales its ReplicaSet and updates the replica annotations', async () => {
  await h.srv.client.create(DEPLOY, deployBody('scale', 1));
  await eventually(async () => (await activePods('scale')).length === 1, '1 pod');
  await h.srv.client.patch({ ...DEPLOY, name: 'scale', subresource: 'scale' }, 'merge', { spec: { replicas: 4 } });
  await eventually(async () => (await activePods('scale')).length === 4, '4 pods');
  const [rs] = await replicaSets('scale');
  assert.equal(rs?.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '4');
  assert.equal(rs?.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '5');
});

test('old ReplicaSets beyond revisionHistoryLimit are deleted', async () => {
  await h.srv.client.create(DEPLOY, deployBody('history', 1, 'nginx:1', { revisionHistoryLimit: 1 }));
  for (const image of ['nginx:2', 'nginx:3']) {
    await kubeletUntil('history', async () => (await get('history')).status?.availableReplicas === 1, `available before ${image}`);
    await h.srv.client.patch({ ...DEPLOY, name: 'history' }, 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } });
  }
  await kubeletUntil('history', async () => {
    const rss = await replicaSets('history');
    return rss.length === 2 && rss.some((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3');
  }, 'only the newest old ReplicaSet kept', 20000);
  const revs = (await replicaSets('history')).map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort();
  assert.deepEqual(revs, ['2', '3']);
});
