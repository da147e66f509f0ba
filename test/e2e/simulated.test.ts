/**
 * `kubeling up --simulated-nodes 3`: nodes register Ready with zones, pods placed on them run
 * through their lifecycle without processes, and kubectl shows it as on a real cluster.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, type Cluster } from './harness.js';

describe('simulated nodes', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ extraArgs: ['--simulated-nodes', '3'] });
  });
  after(async () => {
    await c?.stop();
  });

  it('registers Ready nodes spread over zones, with Leases', async () => {
    await waitFor(async () => (await c.k(['get', 'nodes', '--no-headers'])).trim().split('\n').length === 3, 10_000, 'three nodes');
    const out = await c.k(['get', 'nodes']);
    assert.match(out, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/m);
    for (const n of ['sim-0', 'sim-1', 'sim-2']) assert.match(out, new RegExp(`^${n}\\s+Ready\\s+<none>\\s+\\d+s\\s+v1\\.32\\.\\d+`, 'm'));
    const zones = await c.k(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.labels.topology\\.kubernetes\\.io/zone}']);
    assert.equal(new Set(zones.split(' ')).size, 3);
    assert.match(await c.k(['-n', 'kube-node-lease', 'get', 'leases']), /^sim-1\s+sim-1\s+\d+s$/m);
  });

  it('runs a pod bound to a node to Running, and a failing one to Error', async () => {
    const pod = (name: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, ...extra }, spec: { nodeName: 'sim-1', restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } });
    await c.k(['create', '-f', '-'], { input: pod('runner') });
    await c.k(['create', '-f', '-'], { input: pod('failer', { annotations: { 'kubeling.dev/sim-exit-code': '3' } }) });
    await c.k(['wait', '--for=condition=Ready', 'pod/runner', '--timeout=20s']);
    await c.k(['wait', '--for=jsonpath={.status.phase}=Failed', 'pod/failer', '--timeout=20s']);
    const wide = await c.k(['get', 'pods', '-o', 'wide']);
    assert.match(wide, /^runner\s+1\/1\s+Running\s+0\s+\S+\s+10\.\d+\.\d+\.\d+\s+sim-1\s/m);
    assert.match(wide, /^failer\s+0\/1\s+Error\s+0\s/m);
    assert.equal(await c.k(['get', 'pod', 'failer', '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.exitCode}']), '3');
    await c.k(['delete', 'pod', 'runner', '--timeout=20s']);
    const gone = await c.kubectl(['get', 'pod', 'runner']);
    assert.equal(gone.code, 1);
  });
});
