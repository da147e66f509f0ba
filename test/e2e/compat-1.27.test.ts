/**
 * The compatibility subset with the oldest supported kubectl (1.27): legacy aggregated discovery
 * v2beta1, /openapi/v2 for apply, JSON bodies for the typed generators, tables, and explain.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, KUBECTL, type Cluster } from './harness.js';

describe('kubectl 1.27 compatibility', () => {
  let c: Cluster;
  const k = (args: string[], input?: string) => c.k(args, { binary: KUBECTL.oldest, input });
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
  });

  it('version, api-resources and get ns', async () => {
    // kubectl 1.27 prints the server's version.Info struct.
    assert.match(await k(['version']), /Server Version: version\.Info\{Major:"1", Minor:"32", GitVersion:"v1\.32\.\d+"/);
    assert.match(await k(['api-resources']), /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(await k(['get', 'ns']), /^default\s+Active/m);
  });

  it('create generators, apply twice and get wide', async () => {
    assert.equal((await k(['create', 'deployment', 'old', '--image=nginx:1.25'])).trim(), 'deployment.apps/old created');
    assert.equal((await k(['create', 'configmap', 'oldcm', '--from-literal=x=y'])).trim(), 'configmap/oldcm created');
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: "1"\n';
    assert.equal((await k(['apply', '-f', '-'], manifest)).trim(), 'configmap/applied created');
    assert.equal((await k(['apply', '-f', '-'], manifest)).trim(), 'configmap/applied unchanged');
    assert.equal((await k(['apply', '-f', '-'], manifest.replace('"1"', '"2"'))).trim(), 'configmap/applied configured');
    // The deployment controller creates the ReplicaSet and its pod (Pending: no node), so 1 is up to date.
    const wide = /^old\s+0\/1\s+1\s+0\s+\d+s\s+nginx\s+nginx:1\.25\s+app=old$/m;
    await waitFor(async () => wide.test(await k(['get', 'deploy', '-o', 'wide'])), 10_000, 'the deployment to have an up-to-date replica');
  });

  it('scale, label and server-side apply', async () => {
    assert.equal((await k(['scale', 'deploy', 'old', '--replicas=3'])).trim(), 'deployment.apps/old scaled');
    assert.equal((await k(['label', 'cm', 'oldcm', 'x=y'])).trim(), 'configmap/oldcm labeled');
    const ssa = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa127\ndata:\n  a: b\n';
    assert.equal((await k(['apply', '--server-side', '-f', '-'], ssa)).trim(), 'configmap/ssa127 serverside-applied');
  });

  it('explain works through /openapi/v2 and v3', async () => {
    assert.match(await k(['explain', 'deployment.spec.replicas']), /replicas\s+<integer>/);
  });
});
