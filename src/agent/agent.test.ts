import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../api/object.js';
import { isStatus } from '../client/rest.js';
import { FakeClock } from '../client/fake-clock.js';
import { eventually, startTestApiServer } from '../client/test-apiserver.js';
import { startAgent } from './index.js';

const podsRef = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };

function pod(name: string, annotations: Record<string, string> = {}, restartPolicy = 'Always', nodeName = 'node-1'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, annotations },
    spec: { nodeName, restartPolicy, containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  };
}

test('a node registers with capacity and conditions and its lease renews every 10 s', async () => {
  const api = await startTestApiServer();
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const agent = await startAgent({ client: api.newClient(), nodeName: 'node-1', runtime: 'simulated', clock });
  try {
    const node = await api.client.get({ group: '', version: 'v1', resource: 'nodes', name: 'node-1' });
    const st = node.status as { capacity: Record<string, string>; conditions: { type: string; status: string }[]; nodeInfo: { kubeletVersion: string } };
    assert.equal(st.capacity.pods, '110');
    assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], 'node-1');
    assert.deepEqual(st.conditions.map((c) => `${c.type}=${c.status}`).sort(), ['DiskPressure=False', 'MemoryPressure=False', 'PIDPressure=False', 'Ready=True']);
    const leaseRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'kube-node-lease', name: 'node-1' };
    const first = (await api.client.get(leaseRef)).spec as { renewTime: string; holderIdentity: string };
    assert.equal(first.holderIdentity, 'node-1');
    clock.advance(10_000);
    await eventually(async () => ((await api.client.get(leaseRef)).spec as { renewTime: string }).renewTime !== first.renewTime, 'lease renewal');
    const renewed = (await api.client.get(leaseRef)).spec as { renewTime: string };
    assert.equal(Date.parse(renewed.renewTime) - Date.parse(first.renewTime), 10_000);
  } finally {
    await agent.stop();
    await api.stop();
  }
});

test('a pod bound to the node becomes Running and Ready with a pod IP', async () => {
  const api = await startTestApiServer();
  const agent = await startAgent({ client: api.newClient(), nodeName: 'node-1', runtime: 'simulated' });
  try {
    await api.client.create(podsRef, pod('web'));
    let p: Pod | undefined;
    await eventually(async () => {
      p = (await api.client.get({ ...podsRef, name: 'web' })) as unknown as Pod;
      return p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
    }, 'pod Running and Ready');
    const cs = p?.status?.containerStatuses?.[0];
    assert.ok(cs?.state?.running?.startedAt);
    assert.match(cs.containerID ?? '', /^sim:\/\//);
    assert.match(p?.status?.podIP ?? '', /^10\.244\.0\.\d+$/);
    assert.equal(p?.status?.hostIP, '127.0.0.1');
    assert.equal(p?.status?.qosClass, 'Burstable');
  } finally {
    await agent.stop();
    await api.stop();
  }
});

test('a pod exiting 1 with restartPolicy Never ends Failed with exit code 1', async () => {
  const api = await startTestApiServer();
  const agent = await startAgent({ client: api.newClient(), nodeName: 'node-1', runtime: 'simulated' });
  try {
    await api.client.create(podsRef, pod('job', { 'kubeling.dev/sim-exit-code': '1' }, 'Never'));
    let p: Pod | undefined;
    await eventually(async () => {
      p = (await api.client.get({ ...podsRef, name: 'job' })) as unknown as Pod;
      return p.status?.phase === 'Failed';
    }, 'pod Failed');
    const t = p?.status?.containerStatuses?.[0]?.state?.terminated;
    assert.equal(t?.exitCode, 1);
    assert.equal(t?.reason, 'Error');
    assert.equal(p?.status?.containerStatuses?.[0]?.restartCount, 0);
  } finally {
    await agent.stop();
    await api.stop();
  }
});

test('a deleted pod is stopped and then goes away', async () => {
  const api = await startTestApiServer();
  const agent = await startAgent({ client: api.newClient(), nodeName: 'node-1', runtime: 'simulated' });
  try {
    await api.client.create(podsRef, pod('gone'));
    await eventually(async () => ((await api.client.get({ ...podsRef, name: 'gone' })).status as { phase?: string }).phase === 'Running', 'pod Running');
    await api.client.delete({ ...podsRef, name: 'gone' });
    await eventually(async () => {
      try {
        await api.client.get({ ...podsRef, name: 'gone' });
        return false;
      } catch (e) {
        return isStatus(e, 404);
      }
    }, 'pod removed');
  } finally {
    await agent.stop();
    await api.stop();
  }
});

test('simulated nodes register with zones spread over three zones', async () => {
  const api = await startTestApiServer();
  const agent = await startAgent({ client: api.newClient(), nodeName: '', runtime: 'simulated', simulatedNodes: 4 });
  try {
    assert.deepEqual(agent.nodes, ['sim-0', 'sim-1', 'sim-2', 'sim-3']);
    const list = await api.client.list({ group: '', version: 'v1', resource: 'nodes' });
    const zones = list.items.map((n) => n.metadata.labels?.['topology.kubernetes.io/zone']).sort();
    assert.deepEqual(zones, ['zone-a', 'zone-a', 'zone-b', 'zone-c']);
    await api.client.create(podsRef, pod('on-sim-2', {}, 'Always', 'sim-2'));
    await eventually(async () => ((await api.client.get({ ...podsRef, name: 'on-sim-2' })).status as { phase?: string }).phase === 'Running', 'pod on sim-2 Running');
  } finally {
    await agent.stop();
    await api.stop();
  }
});

test('a crashing container with restartPolicy Always restarts, then backs off in CrashLoopBackOff', async () => {
  const api = await startTestApiServer();
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const agent = await startAgent({ client: api.newClient(), nodeName: 'node-1', runtime: 'simulated', clock });
  try {
    await api.client.create(podsRef, pod('crash', { 'kubeling.dev/sim-exit-code': '1' }, 'Always'));
    const cs = async () => ((await api.client.get({ ...podsRef, name: 'crash' })) as unknown as Pod).status?.containerStatuses?.[0];
    await eventually(async () => (await cs())?.state?.waiting?.reason === 'CrashLoopBackOff', 'CrashLoopBackOff');
    const first = await cs();
    assert.equal(first?.restartCount, 1);
    assert.equal(first?.lastState?.terminated?.exitCode, 1);
    clock.advance(10_000);
    await eventually(async () => (await cs())?.restartCount === 2, 'second restart after 10 s');
  } finally {
    await agent.stop();
    await api.stop();
  }
});
