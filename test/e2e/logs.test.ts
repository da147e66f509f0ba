/**
 * `kubectl logs` and `kubectl exec` through the API server to the agent's streaming server, on
 * `kubeling up --simulated-nodes 1`: logs of a simulated pod (plain, --tail, --timestamps), the
 * upstream error for a pod without a node, and a clear error for exec into a simulated pod.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, type Cluster } from './harness.js';

describe('kubectl logs and exec', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ extraArgs: ['--simulated-nodes', '1'] });
    const pod = (name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, annotations }, spec });
    await c.k(['create', '-f', '-'], { input: pod('web', { nodeName: 'sim-0', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }, { 'kubeling.dev/sim-log-lines': 'hello\nfrom\nweb' }) });
    // Unschedulable on purpose: no node matches, so it stays without a host.
    await c.k(['create', '-f', '-'], { input: pod('nohost', { nodeSelector: { nowhere: 'true' }, containers: [{ name: 'c', image: 'busybox' }] }) });
    await c.k(['wait', '--for=condition=Ready', 'pod/web', '--timeout=20s']);
  });
  after(async () => {
    await c?.stop();
  });

  it('kubectl logs prints the lines of a simulated container', async () => {
    assert.equal(await c.k(['logs', 'web']), 'hello\nfrom\nweb\n');
  });

  it('kubectl logs --tail=1 prints only the last line', async () => {
    assert.equal(await c.k(['logs', 'web', '--tail=1']), 'web\n');
  });

  it('kubectl logs --timestamps prefixes each line with its RFC3339 time', async () => {
    const out = await c.k(['logs', 'web', '--timestamps', '-c', 'c']);
    assert.match(out, /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z hello)\n\S+ from\n\S+ web\n$/);
  });

  it('kubectl logs -f ends when the container has exited', async () => {
    await c.k(['create', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'job', annotations: { 'kubeling.dev/sim-log-lines': 'done', 'kubeling.dev/sim-exit-code': '0' } }, spec: { nodeName: 'sim-0', restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } }),
    });
    await waitFor(async () => (await c.k(['get', 'pod', 'job', '-o', 'jsonpath={.status.phase}'])) === 'Succeeded', 20_000, 'job Succeeded');
    assert.equal(await c.k(['logs', '-f', 'job']), 'done\n');
  });

  it('kubectl logs on a pod without a node gives the upstream error', async () => {
    const r = await c.kubectl(['logs', 'nohost']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /pod nohost does not have a host assigned/);
  });

  it('kubectl exec into a simulated pod fails with a clear error', async () => {
    const r = await c.kubectl(['exec', 'web', '--', 'hostname']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /simulated runtime runs no processes/);
  });

  it('kubectl 1.27 exec (SPDY) on a simulated pod gets the same clear error', async () => {
    const r = await c.kubectl(['exec', 'web', '--', 'hostname'], { binary: '/usr/lib/google-cloud-sdk/bin/kubectl.1.27' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cannot exec in container c: the simulated runtime runs no processes/);
  });
});
