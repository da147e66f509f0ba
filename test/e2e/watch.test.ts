/**
 * `kubectl get -w` streams Table rows as objects change; watch from a compacted
 * resourceVersion answers 410 Expired.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startCluster, waitFor, KUBECTL, type Cluster } from './harness.js';

describe('watch', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ extraArgs: ['--compaction-interval', '1'] });
  });
  after(async () => {
    await c?.stop();
  });

  it('get -w streams added, modified and deleted objects', async () => {
    await c.k(['create', 'configmap', 'w0']);
    const child = spawn(KUBECTL.latest, ['get', 'configmaps', '-w', '--output-watch-events'], { env: { PATH: process.env.PATH ?? '', HOME: c.home, KUBECONFIG: c.kubeconfig } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => /ADDED\s+w0\s+0/.test(out), 10_000, 'the initial row');
      assert.match(out, /^EVENT\s+NAME\s+DATA\s+AGE$/m);
      await c.k(['create', 'configmap', 'w1', '--from-literal=a=b']);
      await waitFor(() => /ADDED\s+w1\s+1/.test(out), 10_000, 'w1 ADDED');
      await c.k(['patch', 'configmap', 'w1', '--type=merge', '-p', '{"data":{"c":"d"}}']);
      await waitFor(() => /MODIFIED\s+w1\s+2/.test(out), 10_000, 'w1 MODIFIED');
      await c.k(['delete', 'configmap', 'w1']);
      await waitFor(() => /DELETED\s+w1\s+2/.test(out), 10_000, 'w1 DELETED');
    } finally {
      child.kill();
    }
  });

  it('a watch from a compacted resourceVersion gets 410 Expired', async () => {
    await c.k(['create', 'configmap', 'churn']);
    for (let i = 0; i < 5; i++) await c.k(['patch', 'configmap', 'churn', '--type=merge', '-p', `{"data":{"i":"${i}"}}`]);
    // The cluster compacts every second; after that, revision 1 is history.
    await new Promise((r) => setTimeout(r, 2500));
    const r = await c.kubectl(['get', '--raw', '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2&timeoutSeconds=2']);
    const text = r.stdout + r.stderr;
    assert.match(text, /"type":"ERROR"/);
    assert.match(text, /"code":410/);
    assert.match(text, /too old resource version/);
  });
});
