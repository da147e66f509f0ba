import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import { eventually } from '../../client/test-apiserver.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { rfc3339 } from '../common/workload-helpers-ds-sts.js';
import { daemonSetController } from './index.js';
import { targetNodeName } from './util.js';

const NODES = { group: '', version: 'v1', resource: 'nodes' };
const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
const DS = { group: 'apps', version: 'v1', resource: 'daemonsets', namespace: 'default' };
const REVS = { group: 'apps', version: 'v1', resource: 'controllerrevisions', namespace: 'default' };

let h: TestControllers;
let c: RestClient;
before(async () => {
  h = await startTestControllers([daemonSetController]);
  c = h.srv.client;
});
after(async () => {
  await h.stop();
});

async function addNode(name: string, taints: unknown[] = []): Promise<void> {
  await c.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: { taints } });
}

/**
 * One round of what the scheduler and kubelets would do: bind unbound pods to the node their
 * affinity names (POST pods/<name>/binding), report bound pods Running and Ready, and finish the
 * graceful deletion of terminating pods.
 */
async function actAsCluster(): Promise<void> {
  const pods = (await c.list(PODS)).items;
  for (const p of pods) {
    const name = p.metadata.name ?? '';
    const spec = p.spec as { nodeName?: string };
    try {
      if (p.metadata.deletionTimestamp) {
        await c.delete({ ...PODS, name }, { gracePeriodSeconds: 0 });
      } else if (!spec.nodeName) {
        const node = targetNodeName(p);
        if (node) await c.raw('POST', `/api/v1/namespaces/default/pods/${name}/binding`, { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } } });
      } else if ((p.status as { phase?: string }).phase === 'Pending') {
        const t = rfc3339(new Date());
        await c.update({ ...PODS, name, subresource: 'status' }, { ...p, status: { ...(p.status as object), phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] } });
      }
    } catch (e) {
      if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
    }
  }
}

function daemonSet(name: string, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } } },
  };
}

const podsOf = async (app: string): Promise<KubeObject[]> => (await c.list(PODS, { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
const statusOf = async (name: string): Promise<Record<string, number>> => (await c.get({ ...DS, name })).status as Record<string, number>;

test('a DaemonSet covers every node, including one added later, but not a tainted node', async () => {
  for (const n of ['n1', 'n2', 'n3']) await addNode(n);
  await c.create(DS, daemonSet('agent', 'agent:1'));
  await eventually(async () => {
    await actAsCluster();
    return (await statusOf('agent')).numberReady === 3;
  }, 'three ready daemon pods');
  const pods = await podsOf('agent');
  assert.deepEqual(pods.map((p) => (p.spec as { nodeName?: string }).nodeName).sort(), ['n1', 'n2', 'n3']);
  const tolerations = (pods[0]?.spec as { tolerations?: { key?: string }[] }).tolerations?.map((t) => t.key) ?? [];
  assert.ok(tolerations.includes('node.kubernetes.io/not-ready') && tolerations.includes('node.kubernetes.io/unschedulable'));
  assert.equal(pods[0]?.metadata.generateName, 'agent-');

  await addNode('n4');
  await addNode('n5', [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
  await eventually(async () => {
    await actAsCluster();
    const s = await statusOf('agent');
    return s.numberReady === 4 && s.numberAvailable === 4;
  }, 'the later node to get a daemon pod');
  const s = await statusOf('agent');
  assert.equal(s.desiredNumberScheduled, 4);
  assert.equal(s.currentNumberScheduled, 4);
  assert.equal(s.updatedNumberScheduled, 4);
  assert.equal(s.numberMisscheduled, 0);
  const ds = await c.get({ ...DS, name: 'agent' });
  assert.equal(s.observedGeneration, ds.metadata.generation);
  assert.ok(!(await podsOf('agent')).some((p) => targetNodeName(p) === 'n5'), 'no pod on the tainted node');
});

test('a template change rolls every pod to a new ControllerRevision one node at a time', async () => {
  await c.create(DS, daemonSet('roll', 'roll:1'));
  await eventually(async () => {
    await actAsCluster();
    return (await statusOf('roll')).numberReady === 4;
  }, 'four ready pods of revision 1');
  const first = (await c.list(REVS, { labelSelector: 'app=roll' })).items;
  assert.equal(first.length, 1);
  assert.equal((first[0] as { revision?: number }).revision, 1);
  const hash1 = first[0]?.metadata.labels?.['controller-revision-hash'] ?? '';
  assert.equal(first[0]?.metadata.name, `roll-${hash1}`);

  await c.patch({ ...DS, name: 'roll' }, 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'roll:2' }] } } } });
  let maxUnavailable = 0;
  await eventually(async () => {
    await actAsCluster();
    const pods = await podsOf('roll');
    const ready = pods.filter((p) => ((p.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True'));
    maxUnavailable = Math.max(maxUnavailable, 4 - ready.length);
    const s = await statusOf('roll');
    return s.updatedNumberScheduled === 4 && s.numberAvailable === 4;
  }, 'all pods updated', 15000);
  assert.ok(maxUnavailable <= 2, `at most one node's pod down at a time (seen ${maxUnavailable})`);
  const revs = (await c.list(REVS, { labelSelector: 'app=roll' })).items as (KubeObject & { revision?: number })[];
  assert.deepEqual(revs.map((r) => r.revision).sort(), [1, 2]);
  const hash2 = revs.find((r) => r.revision === 2)?.metadata.labels?.['controller-revision-hash'];
  for (const p of await podsOf('roll')) {
    assert.equal(p.metadata.labels?.['controller-revision-hash'], hash2);
    assert.equal(p.metadata.labels?.['pod-template-generation'], '2');
  }
});
