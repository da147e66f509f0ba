/**
 * Probes and init containers on the local node (process runtime), through kubectl 1.33: what
 * `kubectl get pods` shows for a failing liveness probe (restarts, CrashLoopBackOff), a readiness
 * probe (0/1 until it passes) and init containers (Init:0/1, then Running).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { startCluster, waitFor, type Cluster } from './harness.js';

const manifest = (name: string, spec: Record<string, unknown>): string => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 1, ...spec } });
const loop = ['sh', '-c', 'while true; do sleep 0.2; done'];

describe('probes and init containers (process runtime)', () => {
  let c: Cluster;
  const flag = `/tmp/kubeling-e2e-ready-${randomBytes(4).toString('hex')}`;
  before(async () => {
    c = await startCluster({ localNode: true });
  });
  after(async () => {
    // Pods outlive the agent (live-restore), so remove them before stopping the cluster.
    await c?.kubectl(['delete', 'pods', '--all', '--grace-period=1', '--timeout=60s']);
    await c?.stop();
    rmSync(flag, { force: true });
  });

  const row = async (name: string): Promise<string> => (await c.kubectl(['get', 'pod', name, '--no-headers'])).stdout.trim();

  it('a failing liveness probe restarts the container, and kubectl shows the restarts and CrashLoopBackOff', async () => {
    await c.k(['apply', '-f', '-'], { input: manifest('liveness', { containers: [{ name: 'app', image: 'busybox', command: loop, livenessProbe: { exec: { command: ['sh', '-c', 'exit 1'] }, periodSeconds: 1, failureThreshold: 1 } }] }) });
    await waitFor(async () => /^liveness\s+0\/1\s+CrashLoopBackOff\s+[1-9]/.test(await row('liveness')), 60_000, 'CrashLoopBackOff with restarts in kubectl get pods');
    const pod = JSON.parse(await c.k(['get', 'pod', 'liveness', '-o', 'json']));
    assert.ok(pod.status.containerStatuses[0].restartCount >= 1);
    assert.equal(pod.status.containerStatuses[0].lastState.terminated.reason, 'Error');
    const events = await c.k(['get', 'events', '--field-selector', 'involvedObject.name=liveness']);
    assert.match(events, /Unhealthy\s+pod\/liveness\s+Liveness probe failed/);
    assert.match(events, /Killing\s+pod\/liveness\s+Container app failed liveness probe, will be restarted/);
  });

  it('a readiness probe keeps the pod 0/1 until it passes', async () => {
    await c.k(['apply', '-f', '-'], { input: manifest('readiness', { containers: [{ name: 'app', image: 'busybox', command: loop, readinessProbe: { exec: { command: ['test', '-f', flag] }, periodSeconds: 1 } }] }) });
    await waitFor(async () => /^readiness\s+0\/1\s+Running\s/.test(await row('readiness')), 30_000, 'Running but not ready');
    assert.equal(await c.k(['get', 'pod', 'readiness', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']), 'False');
    await c.k(['exec', 'readiness', '--', 'touch', flag]);
    await c.k(['wait', '--for=condition=Ready', 'pod/readiness', '--timeout=30s']);
    assert.match(await row('readiness'), /^readiness\s+1\/1\s+Running\s/);
  });

  it('init containers show as Init:0/1 while they run, then the pod is Running', async () => {
    await c.k(['apply', '-f', '-'], { input: manifest('with-init', { initContainers: [{ name: 'setup', image: 'busybox', command: ['sh', '-c', 'sleep 3'] }], containers: [{ name: 'app', image: 'busybox', command: loop }] }) });
    await waitFor(async () => /^with-init\s+0\/1\s+Init:0\/1\s/.test(await row('with-init')), 30_000, 'Init:0/1');
    await waitFor(async () => /^with-init\s+1\/1\s+Running\s/.test(await row('with-init')), 30_000, 'Running after the init container');
    assert.equal(await c.k(['get', 'pod', 'with-init', '-o', 'jsonpath={.status.initContainerStatuses[0].state.terminated.reason}']), 'Completed');
  });
});
