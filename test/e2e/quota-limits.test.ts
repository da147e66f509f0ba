/**
 * LimitRanger and ResourceQuota through kubectl 1.33 (no node needed: admission and the quota
 * controller act on pods before any scheduling): LimitRange defaults appear in the pod, a max
 * violation is Forbidden with upstream's message, a ResourceQuota rejects the pod that would exceed
 * it with the "exceeded quota" message kubectl prints, `kubectl describe quota` shows Used/Hard,
 * and deleting a pod frees its share.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, type Cluster } from './harness.js';

const limitRange = `
apiVersion: v1
kind: LimitRange
metadata: { name: defaults, namespace: lr }
spec:
  limits:
  - type: Container
    default: { cpu: 500m, memory: 128Mi }
    defaultRequest: { cpu: 250m, memory: 64Mi }
    max: { cpu: '1' }
`;

const bigPod = `
apiVersion: v1
kind: Pod
metadata: { name: big, namespace: lr }
spec:
  containers:
  - name: main
    image: nginx:1.27
    resources: { limits: { cpu: '2' } }
`;

const quota = `
apiVersion: v1
kind: ResourceQuota
metadata: { name: compute, namespace: q }
spec:
  hard: { pods: '2', requests.cpu: '1' }
`;

const cpuPod = (name: string, cpu: string): string => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: q }
spec:
  containers:
  - name: main
    image: nginx:1.27
    resources: { requests: { cpu: ${cpu} }, limits: { cpu: ${cpu} } }
`;

describe('LimitRange and ResourceQuota admission (kubectl 1.33)', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster();
    await c.k(['create', 'namespace', 'lr']);
    await c.k(['create', 'namespace', 'q']);
  });
  after(async () => {
    await c?.stop();
  });

  it('a LimitRange gives a pod without resources its default requests and limits', async () => {
    await c.k(['apply', '-f', '-'], { input: limitRange });
    await c.k(['run', 'web', '-n', 'lr', '--image=nginx:1.27']);
    const res = JSON.parse(await c.k(['get', 'pod', 'web', '-n', 'lr', '-o', 'jsonpath={.spec.containers[0].resources}'])) as unknown;
    assert.deepEqual(res, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } });
    assert.equal(
      await c.k(['get', 'pod', 'web', '-n', 'lr', '-o', 'jsonpath={.metadata.annotations.kubernetes\\.io/limit-ranger}']),
      'LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web',
    );
  });

  it('a pod over the LimitRange max is Forbidden with the upstream message', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], { input: bigPod });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(Forbidden\): error when creating "STDIN": pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2/);
  });

  it('a ResourceQuota rejects the pod that would exceed it, describe shows used/hard, and a delete frees quota', async () => {
    await c.k(['apply', '-f', '-'], { input: quota });
    // Admission counts against status.hard, which the quota controller publishes.
    await waitFor(async () => (await c.k(['get', 'quota', 'compute', '-n', 'q', '-o', 'jsonpath={.status.hard.pods}'])) === '2', 15_000, 'the quota status');
    await c.k(['apply', '-f', '-'], { input: cpuPod('first', '600m') });
    const r = await c.kubectl(['apply', '-f', '-'], { input: cpuPod('second', '600m') });
    assert.notEqual(r.code, 0);
    // (Warning lines of other plugins may precede it.)
    assert.ok(
      r.stderr.split('\n').includes('Error from server (Forbidden): error when creating "STDIN": pods "second" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1'),
      r.stderr,
    );
    const described = await c.k(['describe', 'quota', 'compute', '-n', 'q']);
    assert.match(described, /Resource\s+Used\s+Hard/);
    assert.match(described, /\npods\s+1\s+2\n/);
    assert.match(described, /\nrequests\.cpu\s+600m\s+1\n/);

    await c.k(['delete', 'pod', 'first', '-n', 'q', '--grace-period=0', '--force']);
    await waitFor(async () => (await c.k(['get', 'quota', 'compute', '-n', 'q', '-o', 'jsonpath={.status.used.requests\\.cpu}'])) === '0', 15_000, 'usage to drop after the delete');
    await c.k(['apply', '-f', '-'], { input: cpuPod('second', '600m') });
    assert.match(await c.k(['get', 'quota', 'compute', '-n', 'q']), /pods: 1\/2, requests\.cpu: 600m\/1/);
  });
});
