/**
 * env/envFrom and volumes on the local node through kubectl 1.33: a ConfigMap as environment and
 * as files (updated in place by the agent's periodic re-sync, shortened here with the hidden
 * `--agent-sync-period` flag), a missing key as CreateContainerConfigError, and a PVC provisioned
 * by the agent's local-path provisioner.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmdirSync } from 'node:fs';
import { startCluster, waitFor, type Cluster } from './harness.js';

const root = process.getuid?.() === 0;
const mountDir = '/etc/kubeling-e2e-cfg';

const envPod = `
apiVersion: v1
kind: Pod
metadata: { name: envpod }
spec:
  containers:
  - name: main
    image: busybox
    command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done']
    envFrom: [{ configMapRef: { name: cfg } }]
    env:
    - { name: POD_NAME, valueFrom: { fieldRef: { fieldPath: metadata.name } } }
    - { name: GREETING, value: 'hi-$(KEY)' }
    volumeMounts: [{ name: cfg, mountPath: ${mountDir} }]
  volumes: [{ name: cfg, configMap: { name: cfg } }]
`;

const badPod = `
apiVersion: v1
kind: Pod
metadata: { name: badkey }
spec:
  containers:
  - name: main
    image: busybox
    command: ['sleep', '600']
    env: [{ name: X, valueFrom: { configMapKeyRef: { name: cfg, key: nokey } } }]
`;

const pvcPod = `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data }
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Gi } }
---
apiVersion: v1
kind: Pod
metadata: { name: pvcpod }
spec:
  containers:
  - name: main
    image: busybox
    command: ['sh', '-c', 'echo persisted > /kubeling-e2e-data/f; trap "exit 0" TERM; while true; do sleep 0.2; done']
    volumeMounts: [{ name: d, mountPath: /kubeling-e2e-data }]
  volumes: [{ name: d, persistentVolumeClaim: { claimName: data } }]
`;

describe('env and volumes (process runtime)', { skip: !root && 'needs root (mounts inside the container)' }, () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ localNode: true, extraArgs: ['--agent-sync-period', '1'] });
  });
  after(async () => {
    await c?.kubectl(['delete', 'pods', '--all', '--grace-period=1', '--timeout=60s']);
    await c?.kubectl(['delete', 'pvc', '--all', '--timeout=30s']);
    await c?.stop();
    for (const d of [mountDir, '/kubeling-e2e-data']) {
      try {
        rmdirSync(d);
      } catch {
        // not created (or not empty: left alone)
      }
    }
  });

  it('a pod sees a ConfigMap as env (envFrom, $(VAR) expansion, fieldRef) and as a file that follows updates', async () => {
    await c.k(['create', 'configmap', 'cfg', '--from-literal=KEY=value1']);
    await c.k(['apply', '-f', '-'], { input: envPod });
    await c.k(['wait', '--for=condition=Ready', 'pod/envpod', '--timeout=30s']);
    assert.equal((await c.k(['exec', 'envpod', '--', 'cat', `${mountDir}/KEY`])).trim(), 'value1');
    assert.equal((await c.k(['exec', 'envpod', '--', 'sh', '-c', 'echo $KEY $GREETING $POD_NAME'])).trim(), 'value1 hi-value1 envpod');
    assert.match(await c.k(['exec', 'envpod', '--', 'sh', '-c', 'echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT']), /^\d+\.\d+\.\d+\.\d+:443/);
    await c.k(['create', 'configmap', 'cfg', '--from-literal=KEY=value2', '--dry-run=client', '-o', 'yaml'], {}).then((y) => c.k(['apply', '-f', '-'], { input: y }));
    await waitFor(async () => (await c.k(['exec', 'envpod', '--', 'cat', `${mountDir}/KEY`])).trim() === 'value2', 20_000, 'the updated file');
    assert.equal((await c.k(['exec', 'envpod', '--', 'sh', '-c', 'echo $KEY'])).trim(), 'value1', 'env is fixed at container start');
  });

  it('a missing ConfigMap key keeps the container waiting in CreateContainerConfigError with kubelet\'s message', async () => {
    await c.k(['apply', '-f', '-'], { input: badPod });
    await waitFor(async () => /CreateContainerConfigError/.test(await c.k(['get', 'pod', 'badkey'])), 20_000, 'CreateContainerConfigError in kubectl get');
    assert.equal(await c.k(['get', 'pod', 'badkey', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.message}']), "couldn't find key nokey in ConfigMap default/cfg");
  });

  it('a PVC is provisioned by local-path, bound, and mounted into the pod', async () => {
    await c.k(['apply', '-f', '-'], { input: pvcPod });
    await waitFor(async () => (await c.k(['get', 'pvc', 'data', '-o', 'jsonpath={.status.phase}'])) === 'Bound', 20_000, 'the PVC Bound');
    assert.equal(await c.k(['get', 'storageclass', 'local-path', '-o', 'jsonpath={.metadata.annotations.storageclass\\.kubernetes\\.io/is-default-class}']), 'true');
    await c.k(['wait', '--for=condition=Ready', 'pod/pvcpod', '--timeout=30s']);
    await waitFor(async () => (await c.kubectl(['exec', 'pvcpod', '--', 'cat', '/kubeling-e2e-data/f'])).stdout.trim() === 'persisted', 10_000, 'the file on the volume');
  });
});
