/**
 * Deployments driven by kubectl 1.33 on simulated nodes (needs the ReplicaSet and Deployment
 * controllers wired into `sharedControllers`, plus the scheduler): rollout status, a rolling
 * update with maxUnavailable 0 that never drops ready below replicas (checked through a watch),
 * history and undo, pause/resume, restart, and a stuck rollout failing on its progress deadline.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from '../../src/client/rest.js';
import { startCluster, waitFor, type Cluster } from './harness.js';

describe('deployments and rollouts', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ extraArgs: ['--simulated-nodes', '2'] });
  });
  after(async () => {
    await c?.stop();
  });

  it('rollout status returns once a new Deployment is available', async () => {
    await c.k(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3']);
    const out = await c.k(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.match(out, /deployment "web" successfully rolled out/);
    assert.match(await c.k(['get', 'deploy', 'web']), /^web\s+3\/3\s+3\s+3\s/m);
    assert.match(await c.k(['get', 'rs', '-l', 'app=web']), /^web-[a-z0-9]+\s+3\s+3\s+3\s/m);
  });

  it('a rolling update with maxUnavailable 0 never drops ready below replicas', async () => {
    await c.k(['patch', 'deploy', 'web', '-p', '{"spec":{"strategy":{"rollingUpdate":{"maxUnavailable":0,"maxSurge":1}}}}']);
    const client = RestClient.fromKubeconfig(c.kubeconfig);
    const ref = { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'default' };
    const start = await client.get({ ...ref, name: 'web' });
    const w = await client.watch(ref, { resourceVersion: start.metadata.resourceVersion, fieldSelector: 'metadata.name=web' });
    const seen: number[] = [];
    const collect = (async () => {
      for await (const ev of w) seen.push((ev.object.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0);
    })();
    await c.k(['set', 'image', 'deployment/web', 'nginx=nginx:1.26']);
    await c.k(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    w.stop();
    await collect;
    await client.close();
    assert.ok(seen.length > 0);
    assert.ok(seen.every((n) => n >= 3), `ready counts: ${seen.join(',')}`);
  });

  it('rollout history lists both revisions and undo brings back the previous image', async () => {
    const hist = await c.k(['rollout', 'history', 'deployment/web']);
    assert.match(hist, /^1\s/m);
    assert.match(hist, /^2\s/m);
    await c.k(['rollout', 'undo', 'deployment/web']);
    await c.k(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.equal(await c.k(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.25');
    assert.equal(await c.k(['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}']), '3');
  });

  it('pause holds a rollout back and resume lets it proceed', async () => {
    await c.k(['rollout', 'pause', 'deployment/web']);
    await c.k(['set', 'image', 'deployment/web', 'nginx=nginx:1.27']);
    const rsBefore = (await c.k(['get', 'rs', '-l', 'app=web', '--no-headers'])).trim().split('\n').length;
    const r = await c.kubectl(['rollout', 'status', 'deployment/web', '--timeout=3s']);
    assert.notEqual(r.code, 0);
    assert.equal((await c.k(['get', 'rs', '-l', 'app=web', '--no-headers'])).trim().split('\n').length, rsBefore);
    await c.k(['rollout', 'resume', 'deployment/web']);
    await c.k(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.equal(await c.k(['get', 'deploy', 'web', '-o', 'jsonpath={.status.updatedReplicas}']), '3');
  });

  it('rollout restart rolls out new pods', async () => {
    const before = await c.k(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}']);
    await c.k(['rollout', 'restart', 'deployment/web']);
    await c.k(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    const after = (await c.k(['get', 'pods', '-l', 'app=web', '--field-selector=status.phase=Running', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ');
    assert.ok(after.every((n) => !before.split(' ').includes(n)));
  });

  it('rollout status fails with the progress-deadline reason when pods never become ready', async () => {
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'stuck' },
      spec: {
        replicas: 1,
        progressDeadlineSeconds: 3,
        selector: { matchLabels: { app: 'stuck' } },
        template: { metadata: { labels: { app: 'stuck' }, annotations: { 'kubeling.dev/sim-ready': 'false' } }, spec: { containers: [{ name: 'c', image: 'nginx:bad' }] } },
      },
    };
    await c.k(['create', '-f', '-'], { input: JSON.stringify(manifest) });
    const r = await c.kubectl(['rollout', 'status', 'deployment/stuck', '--timeout=60s']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /deployment "stuck" exceeded its progress deadline/);
  });

  it('delete --cascade=orphan leaves the ReplicaSets and pods behind, without their owner', async () => {
    await c.k(['create', 'deployment', 'keep', '--image=nginx', '--replicas=2']);
    await c.k(['rollout', 'status', 'deployment/keep', '--timeout=60s']);
    const rs = (await c.k(['get', 'rs', '-l', 'app=keep', '-o', 'jsonpath={.items[*].metadata.name}'])).trim();
    assert.ok(rs, 'the deployment made a ReplicaSet');
    await c.k(['delete', 'deployment', 'keep', '--cascade=orphan', '--timeout=30s']);
    await waitFor(async () => (await c.k(['get', 'rs', rs, '-o', 'jsonpath={.metadata.ownerReferences}'])).trim() === '', 10_000, 'the ReplicaSet to lose its ownerReference');
    assert.equal(await c.k(['get', 'rs', rs, '-o', 'jsonpath={.status.replicas}']), '2');
    assert.equal((await c.k(['get', 'pods', '-l', 'app=keep', '--no-headers'])).trim().split('\n').length, 2);
  });
});
