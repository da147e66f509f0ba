import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmdirSync } from 'node:fs';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { eventually, startTestApiServer } from '../../client/test-apiserver.js';
import { startAgent } from '../index.js';
import { isRoot, testProcessOptions } from '../runtimes/process/testing.js';

const ref = (resource: string) => ({ group: '', version: 'v1', resource, namespace: 'default' });
const podsRef = ref('pods');

test('a process-runtime pod gets env from a ConfigMap and a Secret file at its mountPath; a missing key waits in CreateContainerConfigError', { skip: !isRoot && 'needs root' }, async () => {
  const t = testProcessOptions();
  const api = await startTestApiServer();
  const { podCIDR, ...processOpts } = t.opts;
  const agent = await startAgent({ client: api.newClient(), nodeName: 'node-v', runtime: 'process', podCIDR, process: processOpts });
  try {
    await api.client.create(ref('configmaps'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { GREETING: 'hello-cm' } });
    await api.client.create(ref('secrets'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec' }, data: { password: Buffer.from('s3cret').toString('base64') } });
    await api.client.create(podsRef, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'vols' },
      spec: {
        nodeName: 'node-v',
        restartPolicy: 'Never',
        containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo "env=$GREETING/$ME"; echo "file=$(cat /etc/kubeling-test-secret/password)"'], envFrom: [{ configMapRef: { name: 'cfg' } }], env: [{ name: 'ME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], volumeMounts: [{ name: 's', mountPath: '/etc/kubeling-test-secret' }] }],
        volumes: [{ name: 's', secret: { secretName: 'sec' } }],
      },
    });
    let p: Pod | undefined;
    await eventually(async () => {
      p = (await api.client.get({ ...podsRef, name: 'vols' })) as unknown as Pod;
      return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
    }, 'pod completes', 15_000);
    const id = p?.status?.containerStatuses?.[0]?.containerID ?? '';
    const logPath = agent.runtime.logPath(id) ?? '';
    await eventually(() => readFileSync(logPath, 'utf8').includes('file=s3cret'), 'secret file in the log', 5000);
    const log = readFileSync(logPath, 'utf8');
    assert.match(log, /stdout F env=hello-cm\/vols/);
    assert.equal(p?.status?.phase, 'Succeeded', log);

    await api.client.create(podsRef, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'badkey' },
      spec: { nodeName: 'node-v', containers: [{ name: 'main', image: 'busybox', command: ['true'], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'x' } } }] }] },
    });
    await eventually(async () => {
      const b = (await api.client.get({ ...podsRef, name: 'badkey' })) as unknown as Pod;
      const w = b.status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === 'CreateContainerConfigError' && w.message === "couldn't find key x in ConfigMap default/cfg";
    }, 'CreateContainerConfigError', 10_000);
    for (const name of ['vols', 'badkey']) await api.client.delete({ ...podsRef, name });
    await eventually(async () => (await api.client.list(podsRef)).items.length === 0, 'pods gone', 15_000);
  } finally {
    await agent.stop();
    await api.stop();
    await t.sweep();
    // The process runtime creates mount targets on the shared host root: remove the empty one.
    try {
      rmdirSync('/etc/kubeling-test-secret');
    } catch {
      // not created
    }
  }
});
