/**
 * The local node with the process runtime, through kubectl 1.33: `kubeling up` registers this
 * machine as a node, the scheduler places pods on it, containers are real processes (in their
 * own namespaces when root), and logs, exec and status work as on a kubelet.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { podCidrFor, startCluster, waitFor, type Cluster } from './harness.js';

const root = process.getuid?.() === 0;

describe('local node (process runtime)', () => {
  let c: Cluster;
  const node = hostname().toLowerCase();
  before(async () => {
    c = await startCluster({ localNode: true });
  });
  after(async () => {
    // Pods outlive the agent (live-restore), so remove them before stopping the cluster.
    await c?.kubectl(['delete', 'pods', '--all', '--grace-period=1', '--timeout=60s']);
    await c?.stop();
  });

  it('registers this machine as a Ready node', async () => {
    await waitFor(async () => new RegExp(`^${node}\\s+Ready\\s`, 'm').test(await c.k(['get', 'nodes'])), 15_000, 'the local node to be Ready');
    const n = JSON.parse(await c.k(['get', 'node', node, '-o', 'json']));
    assert.equal(n.status.capacity.pods, '110');
    assert.ok(Number(n.status.capacity.cpu) >= 1);
    assert.equal(n.metadata.labels['kubernetes.io/hostname'], node);
  });

  it('runs a pod as a real process: Running with a pod IP, logs, exec and exit codes', async () => {
    await c.k(['run', 'hello', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'echo hello from $(hostname); sleep 600']);
    await c.k(['wait', '--for=condition=Ready', 'pod/hello', '--timeout=30s']);
    const pod = JSON.parse(await c.k(['get', 'pod', 'hello', '-o', 'json']));
    assert.equal(pod.spec.nodeName, node);
    if (root) assert.equal(pod.status.podIP.replace(/\.\d+$/, '.0/24'), podCidrFor(c.dataDir), 'the pod IP comes from the node\'s pod CIDR');
    await waitFor(async () => /hello from/.test(await c.k(['logs', 'hello'])), 10_000, 'the log line');
    if (root) assert.equal((await c.k(['logs', 'hello'])).trim(), 'hello from hello', 'the container has the pod name as hostname');
    const ex = await c.kubectl(['exec', 'hello', '--', 'sh', '-c', 'exit 3']);
    assert.equal(ex.code, 3);
    assert.match(ex.stderr, /command terminated with exit code 3/);

    await c.k(['run', 'failer', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'exit 7']);
    await c.k(['wait', '--for=jsonpath={.status.phase}=Failed', 'pod/failer', '--timeout=30s']);
    assert.equal(await c.k(['get', 'pod', 'failer', '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.exitCode}']), '7');
  });

  it('kubectl top shows the CPU a busy container uses', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'busy' }, spec: { restartPolicy: 'Never', containers: [{ name: 'spin', image: 'busybox', command: ['sh', '-c', 'while :; do :; done'], resources: { limits: { cpu: '200m', memory: '32Mi' } } }] } };
    await c.k(['create', '-f', '-'], { input: JSON.stringify(pod) });
    await c.k(['wait', '--for=condition=Ready', 'pod/busy', '--timeout=30s']);
    let cpu = 0;
    await waitFor(async () => {
      const r = await c.kubectl(['top', 'pod', 'busy', '--no-headers']);
      const m = /^busy\s+(\d+)m\s+\d+Mi/m.exec(r.stdout);
      cpu = m ? Number(m[1]) : 0;
      return cpu > 20;
    }, 30_000, 'kubectl top to show CPU use');
    // The CFS quota holds it near the 200m limit (unlimited, a busy loop shows ~1000m); the rate
    // comes from two cpuacct samples about a second apart, so allow some sampling jitter.
    assert.ok(cpu <= 350, `cpu ${cpu}m held near the 200m limit`);
    await c.k(['delete', 'pod', 'busy', '--grace-period=1']);
  });

  it('fails a container whose image has no command and is unknown, with ErrImagePull', async () => {
    await c.k(['run', 'mystery', '--image=example.com/mystery:1', '--restart=Never']);
    await waitFor(async () => (await c.k(['get', 'pod', 'mystery', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}'])) === 'ErrImagePull', 20_000, 'ErrImagePull');
    assert.match(await c.k(['get', 'pod', 'mystery', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.message}']), /command/);
  });
});
