/**
 * Agent-level live-restore: `kubeling up` (and its local node agent) killed with SIGKILL and
 * started again on the same data dir adopts the running containers — same container ID, same
 * PID, restartCount unchanged — as kubelet does with a live-restoring container runtime.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { startCluster, waitFor, type Cluster } from './harness.js';

const root = process.getuid?.() === 0;

/** The PID of the process whose command line starts with `prefix` (the container's own process, not its launch chain). */
function pidOf(prefix: string): number | undefined {
  try {
    const out = execFileSync('pgrep', ['-f', `^${prefix.replace(/\./g, '\\.')}`], { encoding: 'utf8' }).trim();
    const pids = out.split('\n').filter(Boolean).map(Number);
    return pids.length === 1 ? pids[0] : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('live-restore of the local node', { skip: !root && 'needs root (the process runtime isolates containers)' }, () => {
  it('a SIGKILLed cluster restarted on the same data dir keeps the pod Running with the same container ID, PID and restartCount 0', async () => {
    const marker = `sleep 3600.${process.pid}${Date.now() % 10_000}`;
    let c: Cluster | undefined = await startCluster({ localNode: true });
    const dataDir = c.dataDir;
    try {
      await c.k(['run', 'keeper', '--image=busybox', '--restart=Always', '--', ...marker.split(' ')]);
      await c.k(['wait', '--for=jsonpath={.status.phase}=Running', 'pod/keeper', '--timeout=30s']);
      const before = JSON.parse(await c.k(['get', 'pod', 'keeper', '-o', 'json']));
      const id: string = before.status.containerStatuses[0].containerID;
      assert.match(id, /^process:\/\//);
      let pid: number | undefined;
      await waitFor(() => (pid = pidOf(marker)) !== undefined, 10_000, 'the container process');
      assert.ok(pid !== undefined);

      await c.stop({ keepData: true, signal: 'SIGKILL' });
      c = undefined;
      assert.ok(alive(pid), 'the container outlives the killed agent');

      c = await startCluster({ localNode: true, dataDir });
      const cl = c;
      // The new agent has synced the pod once its status carries a fresh heartbeat of the new node.
      await waitFor(async () => /\bReady\b/.test(await cl.k(['get', 'nodes', '--no-headers'])), 30_000, 'the node Ready again');
      await waitFor(async () => {
        const p = JSON.parse(await cl.k(['get', 'pod', 'keeper', '-o', 'json']));
        return p.status.phase === 'Running' && p.status.conditions?.some((x: { type: string; status: string }) => x.type === 'Ready' && x.status === 'True');
      }, 30_000, 'the pod Running and Ready after the restart');
      // Give the new agent's workers several sync rounds: nothing may restart or re-create the container.
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline) {
        const p = JSON.parse(await cl.k(['get', 'pod', 'keeper', '-o', 'json']));
        const cs = p.status.containerStatuses[0];
        assert.equal(cs.containerID, id);
        assert.equal(cs.restartCount, 0);
        assert.ok(cs.state.running, 'still running');
        assert.equal(p.status.podIP, before.status.podIP);
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(pidOf(marker), pid, 'the same process still runs');
      assert.ok(alive(pid));
    } finally {
      // Pods outlive the agent by design: delete them before the final stop.
      await c?.kubectl(['delete', 'pods', '--all', '--grace-period=1', '--timeout=60s']);
      await c?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
