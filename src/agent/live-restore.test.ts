import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../api/object.js';
import { eventually, startTestApiServer } from '../client/test-apiserver.js';
import { startAgent } from './index.js';
import { ProcessRuntime } from './runtimes/process/index.js';
import { isRoot, testProcessOptions } from './runtimes/process/testing.js';

const podsRef = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };

function sleeper(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'node-r', containers: [{ name: 'main', image: 'busybox', command: ['sleep', '600'] }] } };
}

async function running(api: Awaited<ReturnType<typeof startTestApiServer>>, name: string): Promise<Pod> {
  let p: Pod | undefined;
  await eventually(async () => {
    p = (await api.client.get({ ...podsRef, name })) as unknown as Pod;
    return p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.state?.running !== undefined;
  }, `${name} Running`, 15_000);
  if (!p) throw new Error('unreachable');
  return p;
}

test('a restarted agent adopts running containers, keeps their IPs reserved and removes sandboxes of pods deleted meanwhile', { skip: !isRoot && 'needs root' }, async () => {
  const t = testProcessOptions();
  const api = await startTestApiServer();
  const { podCIDR, ...processOpts } = t.opts;
  const start = () => startAgent({ client: api.newClient(), nodeName: 'node-r', runtime: 'process', podCIDR, process: processOpts });
  let agent = await start();
  try {
    await api.client.create(podsRef, sleeper('gone'));
    await running(api, 'gone');
    await api.client.create(podsRef, sleeper('kept'));
    const before = await running(api, 'kept');
    const id = before.status?.containerStatuses?.[0]?.containerID ?? '';
    let pids: number[] = [];
    // The container's process joins its cgroup just after the start is reported, first as the
    // namespace set-up shell that then execs the command: wait for `sleep` itself.
    const cmdline = (pid: number): string => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    };
    await eventually(() => {
      pids = (agent.runtime as ProcessRuntime).pids(id);
      return pids.length > 0 && pids.every((p) => cmdline(p).startsWith('sleep\0'));
    }, 'the container process in its cgroup');
    await agent.stop();

    // While no agent runs, `gone` is force-deleted from the API: its sandbox is an orphan.
    await api.client.delete({ ...podsRef, name: 'gone' }, { gracePeriodSeconds: 0 });
    agent = await start();
    const rt = agent.runtime as ProcessRuntime;
    assert.deepEqual(rt.list().sandboxes.map((s) => s.podUid), [before.metadata?.uid], 'only the live pod keeps a sandbox');

    await api.client.create(podsRef, sleeper('fresh'));
    const fresh = await running(api, 'fresh');
    assert.notEqual(fresh.status?.podIP, before.status?.podIP, 'an adopted IP is never handed out again');
    const after = await running(api, 'kept');
    const cs = after.status?.containerStatuses?.[0];
    assert.equal(cs?.containerID, id);
    assert.equal(cs?.restartCount, 0);
    assert.equal(after.status?.startTime, before.status?.startTime);
    assert.equal(after.status?.podIP, before.status?.podIP);
    assert.deepEqual(rt.pids(id), pids, 'the same processes still run');
  } finally {
    await agent.stop();
    await api.stop();
    await t.sweep();
  }
});
