/**
 * metrics.k8s.io and the HorizontalPodAutoscaler on `kubeling up --simulated-nodes 2`: `kubectl top`
 * prints usage; a Deployment autoscaled at 50% cpu scales up when its pods' simulated usage is
 * raised and back down once the (shortened) downscale stabilisation window has passed.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, type Cluster } from './harness.js';

describe('kubectl top and the HPA', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ extraArgs: ['--simulated-nodes', '2', '--horizontal-pod-autoscaler-sync-period', '5', '--horizontal-pod-autoscaler-downscale-stabilization', '5'] });
  });
  after(async () => {
    await c?.stop();
  });

  const deployment = (cpuUsage: string): string =>
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' }, annotations: { 'kubeling.dev/sim-cpu-usage': cpuUsage } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
      },
    });

  it('kubectl top nodes and top pods show numbers', async () => {
    await c.k(['apply', '-f', '-'], { input: deployment('40m') });
    await c.k(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    await waitFor(async () => /^web-\S+\s+40m\s+64Mi\s*$/m.test((await c.kubectl(['top', 'pods'])).stdout), 15_000, 'top pods');
    const pods = await c.k(['top', 'pods', '--containers']);
    assert.match(pods, /^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/m);
    assert.match(pods, /^web-\S+\s+c\s+40m\s+64Mi\s*$/m);
    const nodes = await c.k(['top', 'nodes']);
    assert.match(nodes, /^NAME\s+CPU\(cores\)\s+CPU(\(%\))?\s+MEMORY\(bytes\)\s+MEMORY(\(%\))?/m);
    assert.match(nodes, /^sim-0\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/m);
    assert.match(await c.k(['top', 'pods', '-A']), /^default\s+web-\S+\s+40m\s+64Mi/m);
  });

  it('scales up under load and back down after the stabilisation window', async () => {
    await c.k(['autoscale', 'deployment', 'web', '--cpu-percent=50', '--min=1', '--max=4']);
    await waitFor(async () => /cpu: 40%\/50%/.test(await c.k(['get', 'hpa', 'web'])), 45_000, 'hpa shows 40%/50%');
    await c.k(['apply', '-f', '-'], { input: deployment('200m') });
    await waitFor(async () => (await c.k(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'])) === '4', 60_000, 'scaled up to 4');
    await waitFor(async () => /SuccessfulRescale.*New size: 4; reason: cpu resource utilization \(percentage of request\) above target/.test(await c.k(['get', 'events'])), 10_000, 'SuccessfulRescale event');
    await c.k(['apply', '-f', '-'], { input: deployment('10m') });
    await waitFor(async () => (await c.k(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'])) === '1', 150_000, 'scaled down to 1');
    assert.match(await c.k(['get', 'hpa', 'web']), /^web\s+Deployment\/web\s+cpu: \d+%\/50%\s+1\s+4\s+\d/m);
  });
});
