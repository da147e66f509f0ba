/**
 * The local node through kubectl 1.33: a container over its memory limit ends OOMKilled with
 * exit code 137, and a crash-looping container shows CrashLoopBackOff while `kubectl logs -p`
 * prints its previous instance's output.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, type Cluster } from './harness.js';

const root = process.getuid?.() === 0;

describe('OOMKilled and previous logs (process runtime)', { skip: !root && 'needs root (cgroup memory limits)' }, () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ localNode: true });
  });
  after(async () => {
    // Pods outlive the agent (live-restore), so remove them before stopping the cluster.
    await c?.kubectl(['delete', 'pods', '--all', '--grace-period=1', '--timeout=60s']);
    await c?.stop();
  });

  it('a container allocating 200Mi under a 50Mi limit ends OOMKilled with exit code 137', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'hog' },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'main', image: 'python', command: ['python3', '-c', 'x = bytearray(200*1024*1024); print(len(x))'], resources: { limits: { memory: '50Mi' } } }],
      },
    };
    await c.k(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    await c.k(['wait', '--for=jsonpath={.status.phase}=Failed', 'pod/hog', '--timeout=60s']);
    const p = JSON.parse(await c.k(['get', 'pod', 'hog', '-o', 'json']));
    const t = p.status.containerStatuses[0].state.terminated;
    assert.equal(t.reason, 'OOMKilled');
    assert.equal(t.exitCode, 137);
    assert.match(await c.k(['get', 'pod', 'hog', '--no-headers']), /\bOOMKilled\b/);
  });

  it('a crash-looping container shows CrashLoopBackOff and kubectl logs -p prints the previous instance', async () => {
    // Each instance counts its run in an emptyDir (which survives container restarts), runs 4 s and exits 1.
    const script = 'n=$(cat /data/count 2>/dev/null || echo 0); n=$((n+1)); echo $n > /data/count; echo "run $n"; sleep 4; exit 1';
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'crasher' },
      spec: {
        restartPolicy: 'Always',
        volumes: [{ name: 'data', emptyDir: {} }],
        containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', script], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      },
    };
    await c.k(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    type Status = { restartCount: number; state: Record<string, unknown>; lastState: { terminated?: { exitCode: number; reason: string } } };
    // Empty until the agent has written the first container status (volumes, the token among them, come first).
    const status = async (): Promise<Status> => {
      const out = (await c.k(['get', 'pod', 'crasher', '-o', 'jsonpath={.status.containerStatuses[0]}'])).trim();
      return out ? (JSON.parse(out) as Status) : { restartCount: 0, state: {}, lastState: {} };
    };
    // Instance k prints "run k". While instance R+1 runs, -p (lastState.terminated) is instance R.
    await waitFor(async () => {
      const s = await status();
      if (s.restartCount < 1 || !s.state.running) return false;
      const prev = (await c.k(['logs', '-p', 'crasher'])).trim();
      const cur = (await c.k(['logs', 'crasher'])).trim();
      const after = await status();
      if (after.restartCount !== s.restartCount || !after.state.running) return false; // an exit slipped in: look again
      assert.equal(prev, `run ${s.restartCount}`);
      assert.equal(cur, `run ${s.restartCount + 1}`);
      assert.equal(after.lastState.terminated?.exitCode, 1);
      assert.equal(after.lastState.terminated?.reason, 'Error');
      return true;
    }, 60_000, 'logs and logs -p while a restarted instance runs');
    await waitFor(async () => /^crasher\s+0\/1\s+CrashLoopBackOff\s+[1-9]/m.test(await c.k(['get', 'pod', 'crasher', '--no-headers'])), 60_000, 'CrashLoopBackOff with restarts in kubectl get pods');
    // In back-off the instance that just died is lastState, so -p (like kubelet) shows it.
    const s = await status();
    assert.equal((s.state.waiting as { reason?: string } | undefined)?.reason, 'CrashLoopBackOff');
    assert.equal((await c.k(['logs', '-p', 'crasher'])).trim(), `run ${s.restartCount + 1}`);
  });
});
