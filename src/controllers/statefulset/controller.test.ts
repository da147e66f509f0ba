import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import { eventually } from '../../client/test-apiserver.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { rfc3339 } from '../common/workload-helpers-ds-sts.js';
import { statefulSetController } from './index.js';

const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
const PVCS = { group: '', version: 'v1', resource: 'persistentvolumeclaims', namespace: 'default' };
const STS = { group: 'apps', version: 'v1', resource: 'statefulsets', namespace: 'default' };

let h: TestControllers;
let c: RestClient;
before(async () => {
  h = await startTestControllers([statefulSetController]);
  c = h.srv.client;
});
after(async () => {
  await h.stop();
});

async function getPod(name: string): Promise<KubeObject | undefined> {
  try {
    return await c.get({ ...PODS, name });
  } catch (e) {
    if (isStatus(e, 404)) return undefined;
    throw e;
  }
}

/** The kubelet's part: report a pod Running and Ready. */
async function makeReady(name: string): Promise<void> {
  const p = await getPod(name);
  if (!p || p.metadata.deletionTimestamp || (p.status as { phase?: string }).phase === 'Running') return;
  try {
    await c.update({ ...PODS, name, subresource: 'status' }, { ...p, status: { ...(p.status as object), phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: rfc3339(new Date()) }] } });
  } catch (e) {
    if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
  }
}

async function readyAll(app: string): Promise<void> {
  for (const p of (await c.list(PODS, { labelSelector: `app=${app}` })).items) await makeReady(p.metadata.name ?? '');
}

function statefulSet(name: string, o: { image: string; replicas: number; policy?: string }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas: o.replicas,
      serviceName: name,
      podManagementPolicy: o.policy ?? 'OrderedReady',
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: o.image }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
}

const status = async (name: string): Promise<Record<string, unknown>> => ((await c.get({ ...STS, name })).status ?? {}) as Record<string, unknown>;

test('an OrderedReady StatefulSet creates web-1 only after web-0 is Running and Ready', async () => {
  await c.create(STS, statefulSet('web', { image: 'nginx:1', replicas: 3 }));
  await eventually(async () => (await status('web')).replicas === 1, 'web-0 created and counted');
  assert.equal(await getPod('web-1'), undefined, 'web-1 must wait for web-0');
  const web0 = await getPod('web-0');
  assert.equal(web0?.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'web-0');
  assert.equal(web0?.metadata.labels?.['apps.kubernetes.io/pod-index'], '0');
  assert.equal((web0?.spec as { hostname?: string; subdomain?: string }).hostname, 'web-0');
  assert.equal((web0?.spec as { subdomain?: string }).subdomain, 'web');
  await makeReady('web-0');
  await eventually(async () => (await getPod('web-1')) !== undefined, 'web-1 created once web-0 is Ready');
  assert.equal(await getPod('web-2'), undefined);
  await eventually(async () => {
    await readyAll('web');
    return (await status('web')).readyReplicas === 3;
  }, 'three ready replicas');
  const claims = (await c.list(PVCS)).items.map((p) => p.metadata.name).sort();
  assert.deepEqual(claims, ['www-web-0', 'www-web-1', 'www-web-2']);
  const s = await status('web');
  assert.equal(s.currentRevision, s.updateRevision);
  assert.equal(s.currentReplicas, 3);
  assert.equal(s.availableReplicas, 3);
});

test('a partitioned rolling update replaces only the ordinals at or above the partition, highest first', async () => {
  await c.create(STS, statefulSet('db', { image: 'db:1', replicas: 3, policy: 'Parallel' }));
  await eventually(async () => {
    await readyAll('db');
    return (await status('db')).readyReplicas === 3;
  }, 'three ready db replicas');
  const rev1 = (await status('db')).currentRevision as string;
  await c.patch({ ...STS, name: 'db' }, 'merge', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } }, template: { spec: { containers: [{ name: 'c', image: 'db:2' }] } } } });
  await eventually(async () => {
    await readyAll('db');
    const s = await status('db');
    return s.updatedReplicas === 1 && s.readyReplicas === 3;
  }, 'db-2 updated');
  const s = await status('db');
  assert.notEqual(s.updateRevision, rev1);
  assert.equal(s.currentRevision, rev1);
  const rev = async (n: string) => (await getPod(n))?.metadata.labels?.['controller-revision-hash'];
  assert.equal(await rev('db-2'), s.updateRevision);
  assert.equal(await rev('db-1'), rev1);
  assert.equal(await rev('db-0'), rev1);

  await c.patch({ ...STS, name: 'db' }, 'merge', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
  await eventually(async () => {
    await readyAll('db');
    const st = await status('db');
    return st.updatedReplicas === 3 && st.readyReplicas === 3 && st.currentRevision === st.updateRevision;
  }, 'all replicas updated and the update revision current', 10000);
  for (const n of ['db-0', 'db-1', 'db-2']) assert.equal(await rev(n), s.updateRevision);
});

test('scaling down removes the highest ordinals and keeps their claims under Retain', async () => {
  await c.patch({ ...STS, name: 'web' }, 'merge', { spec: { replicas: 1 } });
  await eventually(async () => (await getPod('web-2')) === undefined && (await getPod('web-1')) === undefined && (await status('web')).replicas === 1, 'scaled down to one replica');
  assert.ok(await getPod('web-0'));
  const claims = (await c.list(PVCS)).items.map((p) => p.metadata.name);
  assert.ok(claims.includes('www-web-2'), 'claims are retained');
});
