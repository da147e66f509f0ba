import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';
import { FakeClock } from '../../client/fake-clock.js';
import { isStatus } from '../../client/rest.js';
import { eventually } from '../../client/test-apiserver.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { NodeLifecycleController, nodeLifecycleControllerWith } from './index.js';

const NODES = { group: '', version: 'v1', resource: 'nodes' };
const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
const LEASES = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'kube-node-lease' };

let clock: FakeClock;
let tc: TestControllers;
let nlc: NodeLifecycleController;

before(async () => {
  clock = new FakeClock(Date.now());
  tc = await startTestControllers([nodeLifecycleControllerWith({ nodeMonitorGracePeriodMs: 40_000 })], { clock, now: () => new Date(clock.now()) });
  nlc = tc.controllers[0] as NodeLifecycleController;
});
after(async () => {
  await tc.stop();
});

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** Acts as the kubelet: posts Ready=True with a fresh heartbeat. */
async function postReady(name: string): Promise<void> {
  const n = await tc.srv.client.get({ ...NODES, name });
  const t = iso(clock.now());
  const conditions = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: t, lastTransitionTime: t }];
  await tc.srv.client.update({ ...NODES, name, subresource: 'status' }, { ...n, status: { ...(n.status as object), conditions } });
}

async function createNode(name: string): Promise<void> {
  await tc.srv.client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  await postReady(name);
}

/** A Running, Ready pod bound to `node`. */
async function createPod(name: string, node: string, tolerations: unknown[] = []): Promise<void> {
  await tc.srv.client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: node, tolerations, containers: [{ name: 'c', image: 'nginx' }] } });
  const p = await tc.srv.client.get({ ...PODS, name });
  const t = iso(Date.now());
  await tc.srv.client.update({ ...PODS, name, subresource: 'status' }, { ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] } });
}

async function getNode(name: string): Promise<Node> {
  return (await tc.srv.client.get({ ...NODES, name })) as Node;
}

async function getPod(name: string): Promise<Pod | undefined> {
  try {
    return (await tc.srv.client.get({ ...PODS, name })) as Pod;
  } catch (e) {
    if (isStatus(e, 404)) return undefined;
    throw e;
  }
}

const deleting = async (name: string): Promise<boolean> => {
  const p = await getPod(name);
  return !p || !!p.metadata?.deletionTimestamp;
};

/** Waits until the controller has seen the node's latest heartbeat, so advancing the clock counts from it. */
async function observed(name: string, atLeast: number): Promise<void> {
  await eventually(() => (nlc.lastProbeMs(name) ?? -1) >= atLeast, `controller to observe ${name}`);
}

test('a silent node goes Unknown after the grace period, is tainted, and its pods are evicted or marked not ready', async () => {
  await createNode('dead');
  await createNode('alive');
  await createPod('plain', 'dead');
  await createPod('tolerant', 'dead', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }]);
  await createPod('forever', 'dead', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]);
  const t0 = clock.now();
  await observed('dead', t0);
  await observed('alive', t0);
  clock.advance(20_000);
  await postReady('alive');
  await observed('alive', t0 + 20_000);
  clock.advance(21_000);

  await eventually(async () => (await getNode('dead')).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown', 'dead node Ready=Unknown');
  const ready = (await getNode('dead')).status?.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.reason, 'NodeStatusUnknown');
  assert.equal(ready?.message, 'Kubelet stopped posting node status.');
  await eventually(async () => ((await getNode('dead')).spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'), 'unreachable NoExecute taint');
  assert.ok(((await getNode('dead')).spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule'));
  assert.equal((await getNode('alive')).status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');

  // DefaultTolerationSeconds admission gave the pod without tolerations 300 s for not-ready/unreachable.
  const plainTols = (await getPod('plain'))?.spec?.tolerations ?? [];
  assert.ok(plainTols.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.tolerationSeconds === 300));
  await eventually(async () => (await getPod('tolerant'))?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False', 'tolerant pod marked not ready');
  assert.equal(await deleting('tolerant'), false);

  // The other node keeps posting, or the whole zone is down and the taint manager stops evicting.
  const advanceKeepingAlive = async (ms: number): Promise<void> => {
    for (let left = ms; left > 0; left -= 20_000) {
      await postReady('alive');
      await observed('alive', clock.now());
      clock.advance(Math.min(20_000, left));
    }
  };
  await advanceKeepingAlive(31_000);
  await eventually(() => deleting('tolerant'), 'tolerant pod evicted after tolerationSeconds');
  assert.equal(await deleting('plain'), false, 'the defaulted pod still has time left');
  await advanceKeepingAlive(270_000);
  await eventually(() => deleting('plain'), 'defaulted pod evicted after 300 s');
  const events = await tc.srv.client.list({ group: '', version: 'v1', resource: 'events', namespace: 'default' });
  assert.ok(events.items.some((e: KubeObject) => e.reason === 'TaintManagerEviction' && (e.involvedObject as { name?: string }).name === 'plain'));
  assert.equal(await deleting('forever'), false);
});

test('a node whose kubelet posts again loses the lifecycle taints', async () => {
  await eventually(async () => ((await getNode('dead')).spec?.taints ?? []).length > 0, 'dead node tainted');
  await postReady('dead');
  await eventually(async () => ((await getNode('dead')).spec?.taints ?? []).length === 0, 'taints removed');
});

test('a renewed Lease keeps a node Ready without status updates', async () => {
  await createNode('leased');
  const lease = (ms: number) => ({ holderIdentity: 'leased', leaseDurationSeconds: 40, renewTime: new Date(ms).toISOString().replace('Z', '000Z') });
  await tc.srv.client.create(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'leased' }, spec: lease(clock.now()) });
  const t0 = clock.now();
  await observed('leased', t0);
  clock.advance(30_000);
  const l = await tc.srv.client.get({ ...LEASES, name: 'leased' });
  await tc.srv.client.update({ ...LEASES, name: 'leased' }, { ...l, spec: lease(clock.now()) });
  await observed('leased', t0 + 30_000);
  clock.advance(30_000);
  // Past 40 s since the last heartbeat, but only 30 s since the renewal: still Ready.
  await new Promise((r) => setImmediate(r));
  assert.equal((await getNode('leased')).status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  clock.advance(11_000);
  await eventually(async () => (await getNode('leased')).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown', 'leased node Unknown once renewals stop');
});
