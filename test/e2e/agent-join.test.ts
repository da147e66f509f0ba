/**
 * `kubeling agent` joining a running cluster as a second process (issue 4, "alone as kubeling
 * agent"): with the admin kubeconfig's client certificate, `--simulated --nodes 2` registers two
 * Ready nodes with the extra labels, the scheduler places pods there and they run; with a serving
 * certificate signed by the cluster CA its streaming server serves `kubectl logs`; SIGTERM stops
 * it with exit code 0.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, waitFor, type Cluster } from './harness.js';
import { startAgentProcess, type AgentProcess } from './agent-proc.js';
import { issueServingCertificate } from '../../src/pki/index.js';

describe('kubeling agent joins a running cluster', () => {
  let c: Cluster;
  let a: AgentProcess | undefined;
  before(async () => {
    c = await startCluster();
    // What kubeadm's kubelet serving certificate is: signed by the cluster CA (read from the
    // cluster's data dir here; a CSR flow would issue it without the CA key).
    const pki = join(c.dataDir, 'pki');
    const serving = issueServingCertificate({ certPem: readFileSync(join(pki, 'ca.crt'), 'utf8'), keyPem: readFileSync(join(pki, 'ca.key'), 'utf8') }, { hostname: 'localhost', ips: [] });
    writeFileSync(join(c.home, 'serving.crt'), serving.certPem);
    writeFileSync(join(c.home, 'serving.key'), serving.keyPem, { mode: 0o600 });
    a = await startAgentProcess(c.kubeconfig, [
      '--simulated', '--nodes', '2', '--node-name-prefix', 'joined', '--node-labels', 'team=blue,tier=sim',
      '--tls-cert-file', join(c.home, 'serving.crt'), '--tls-private-key-file', join(c.home, 'serving.key'),
    ]);
  });
  after(async () => {
    await c?.kubectl(['delete', 'pods', '--all', '--grace-period=0', '--force', '--timeout=30s']);
    await a?.stop('SIGKILL');
    await c?.stop();
  });

  it("registers its nodes Ready with the well-known and --node-labels labels, and renews their Leases", async () => {
    await waitFor(async () => /^joined-0\s+Ready\s.*\n^joined-1\s+Ready\s/ms.test(await c.k(['get', 'nodes', '--no-headers'])), 15_000, 'both joined nodes Ready');
    const n = JSON.parse(await c.k(['get', 'node', 'joined-1', '-o', 'json']));
    assert.equal(n.metadata.labels['team'], 'blue');
    assert.equal(n.metadata.labels['tier'], 'sim');
    assert.equal(n.metadata.labels['kubernetes.io/hostname'], 'joined-1');
    assert.ok(n.metadata.labels['topology.kubernetes.io/zone']);
    assert.match(n.status.nodeInfo.containerRuntimeVersion, /^simulated:\/\//);
    assert.match(await c.k(['-n', 'kube-node-lease', 'get', 'lease', 'joined-0', '-o', 'jsonpath={.spec.holderIdentity}']), /^joined-0$/);
  });

  it('runs a pod the scheduler places on a joined node, and serves its logs', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'guest', annotations: { 'kubeling.dev/sim-log-lines': 'hello from a joined node' } },
      spec: { nodeSelector: { team: 'blue' }, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] },
    };
    await c.k(['create', '-f', '-'], { input: JSON.stringify(pod) });
    await c.k(['wait', '--for=condition=Ready', 'pod/guest', '--timeout=30s']);
    const got = JSON.parse(await c.k(['get', 'pod', 'guest', '-o', 'json']));
    assert.match(got.spec.nodeName, /^joined-[01]$/);
    assert.equal(got.status.phase, 'Running');
    assert.match(got.status.podIP, /^10\.\d+\.\d+\.\d+$/);
    await waitFor(async () => /hello from a joined node/.test((await c.kubectl(['logs', 'guest'])).stdout), 10_000, 'kubectl logs through the joined agent');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    assert.ok(a);
    const code = await a.stop('SIGTERM');
    a = undefined;
    assert.equal(code, 0);
  });
});
