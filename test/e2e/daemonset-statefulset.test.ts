/**
 * DaemonSet and StatefulSet controllers end to end with kubectl 1.33 on simulated nodes. Needs
 * the daemonset and statefulset controllers wired into startControllers and the scheduler
 * running in `kubeling up` (DaemonSet pods are placed through their node affinity, as upstream).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, type Cluster } from './harness.js';

describe('daemonsets and statefulsets', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ extraArgs: ['--simulated-nodes', '3'] });
    await waitFor(async () => (await c.k(['get', 'nodes', '--no-headers'])).trim().split('\n').length === 3, 15_000, 'three nodes');
  });
  after(async () => {
    await c?.stop();
  });

  it('a DaemonSet covers every node, including one added later, but not a tainted node', async () => {
    await c.k(['taint', 'nodes', 'sim-2', 'dedicated=db:NoSchedule']);
    const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } } } };
    await c.k(['apply', '-f', '-'], { input: JSON.stringify(ds) });
    await c.k(['rollout', 'status', 'ds/agent', '--timeout=60s']);
    const nodesOf = async () => (await c.k(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.nodeName}'])).split(' ').filter(Boolean).sort();
    assert.deepEqual(await nodesOf(), ['sim-0', 'sim-1']);
    assert.match(await c.k(['get', 'ds', 'agent']), /^agent\s+2\s+2\s+2\s+2\s+2\s+<none>/m);

    await c.k(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'late', labels: { 'kubernetes.io/hostname': 'late' } } }) });
    await waitFor(async () => (await c.k(['get', 'ds', 'agent', '-o', 'jsonpath={.status.desiredNumberScheduled}'])) === '3', 20_000, 'the later node to be desired');
    const targets = await c.k(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0]}']);
    assert.ok(targets.split(' ').includes('late'), `a pod aimed at the later node (${targets})`);
    assert.ok(!targets.split(' ').includes('sim-2'), 'no pod on the tainted node');
  });

  it('a StatefulSet starts its pods in order and rolls a partitioned update from the top', async () => {
    const sts = (image: string, partition: number) => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web' },
      spec: {
        replicas: 3,
        serviceName: 'web',
        selector: { matchLabels: { app: 'web' } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image, command: ['sleep', '3600'] }] } },
      },
    });
    await c.k(['apply', '-f', '-'], { input: JSON.stringify(sts('busybox:1', 0)) });
    await c.k(['rollout', 'status', 'sts/web', '--timeout=90s']);
    assert.match(await c.k(['get', 'sts', 'web']), /^web\s+3\/3\s/m);
    const created = (await c.k(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.metadata.creationTimestamp}{"\\n"}{end}'])).trim().split('\n').sort();
    assert.deepEqual(created.map((l) => l.split('=')[0]), ['web-0', 'web-1', 'web-2']);

    await c.k(['apply', '-f', '-'], { input: JSON.stringify(sts('busybox:2', 2)) });
    await c.k(['rollout', 'status', 'sts/web', '--timeout=90s']);
    const image = async (n: string) => c.k(['get', 'pod', n, '-o', 'jsonpath={.spec.containers[0].image}']);
    assert.equal(await image('web-2'), 'busybox:2');
    assert.equal(await image('web-1'), 'busybox:1');
    assert.equal(await image('web-0'), 'busybox:1');
  });
});
