import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { eventually, startTestApiServer } from '../../../client/test-apiserver.js';
import { startAgent } from '../../index.js';
import { isRoot, testProcessOptions } from './testing.js';

const podsRef = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };

test('with the process runtime a bound pod runs for real: Running, a pod IP of the node CIDR, output in its log file', { skip: !isRoot && 'needs root' }, async () => {
  const t = testProcessOptions();
  const api = await startTestApiServer();
  const { podCIDR, ...processOpts } = t.opts;
  const agent = await startAgent({ client: api.newClient(), nodeName: 'node-p', runtime: 'process', podCIDR, process: processOpts });
  try {
    const node = await api.client.get({ group: '', version: 'v1', resource: 'nodes', name: 'node-p' });
    assert.match((node.status as { nodeInfo: { containerRuntimeVersion: string } }).nodeInfo.containerRuntimeVersion, /^process:\/\//);
    await api.client.create(podsRef, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'real' },
      spec: { nodeName: 'node-p', containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo "hello from $(hostname)"; trap "exit 0" TERM; while true; do sleep 0.1; done'] }] },
    });
    let p: Pod | undefined;
    await eventually(async () => {
      p = (await api.client.get({ ...podsRef, name: 'real' })) as unknown as Pod;
      return p.status?.phase === 'Running';
    }, 'pod Running', 10_000);
    const prefix = podCIDR.replace(/\.0\/24$/, '.');
    assert.ok(p?.status?.podIP?.startsWith(prefix), `podIP ${p?.status?.podIP} in ${podCIDR}`);
    const id = p?.status?.containerStatuses?.[0]?.containerID ?? '';
    assert.match(id, /^process:\/\//);
    const logPath = agent.runtime.logPath(id);
    assert.ok(logPath);
    await eventually(() => readFileSync(logPath, 'utf8').includes('stdout F hello from real'), 'output in the CRI log file');
    await api.client.delete({ ...podsRef, name: 'real' });
    await eventually(async () => (await api.client.list(podsRef)).items.length === 0, 'pod gone', 10_000);
  } finally {
    await agent.stop();
    await api.stop();
    await t.sweep();
  }
});
