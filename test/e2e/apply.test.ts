/**
 * Declarative flows with kubectl 1.33: client-side apply (created/unchanged/configured),
 * server-side apply conflicts and --force-conflicts, diff, and kustomize bases and overlays.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type Cluster } from './harness.js';

const deployment = (image: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  labels: {app: shop}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: shop}
  template:
    metadata:
      labels: {app: shop}
    spec:
      containers:
      - name: web
        image: ${image}
        ports:
        - containerPort: 80
`;

describe('apply, server-side apply, diff and kustomize', () => {
  let c: Cluster;
  let dir: string;
  before(async () => {
    c = await startCluster();
    dir = join(c.home, 'manifests');
    mkdirSync(dir, { recursive: true });
  });
  after(async () => {
    await c?.stop();
  });

  it('apply creates, then is unchanged, then configures a changed field', async () => {
    const f = join(dir, 'shop.yaml');
    writeFileSync(f, deployment('nginx:1.27'));
    assert.equal((await c.k(['apply', '-f', f])).trim(), 'deployment.apps/shop created');
    assert.equal((await c.k(['apply', '-f', f])).trim(), 'deployment.apps/shop unchanged');
    writeFileSync(f, deployment('nginx:1.28'));
    assert.equal((await c.k(['apply', '-f', f])).trim(), 'deployment.apps/shop configured');
    assert.equal(await c.k(['get', 'deploy', 'shop', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.28');
    const dep = JSON.parse(await c.k(['get', 'deploy', 'shop', '-o', 'json']));
    assert.ok(dep.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
  });

  it('diff shows a pending change and exits 1, and exits 0 when there is none', async () => {
    const f = join(dir, 'shop.yaml');
    const same = await c.kubectl(['diff', '-f', f]);
    assert.equal(same.code, 0, same.stderr);
    writeFileSync(join(dir, 'shop2.yaml'), deployment('nginx:1.29'));
    const d = await c.kubectl(['diff', '-f', join(dir, 'shop2.yaml')]);
    assert.equal(d.code, 1, d.stderr);
    assert.match(d.stdout, /^-\s+- image: nginx:1\.28$/m);
    assert.match(d.stdout, /^\+\s+- image: nginx:1\.29$/m);
    assert.equal(await c.k(['get', 'deploy', 'shop', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.28', 'diff must not change the object');
  });

  it('server-side apply reports a conflict and --force-conflicts takes the field', async () => {
    const f = join(dir, 'ssa.yaml');
    writeFileSync(f, deployment('nginx:1.28', 5));
    // kube-apiserver hands fields still equal to last-applied-configuration over from client-side
    // apply without a conflict; a field another manager changed since (here: scale) conflicts.
    await c.k(['scale', 'deploy', 'shop', '--replicas=3']);
    const r = await c.kubectl(['apply', '--server-side', '-f', f]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl\.1\.33" with subresource "scale" using apps\/v1: \.spec\.replicas/);
    assert.match(r.stderr, /\.spec\.replicas/);
    const forced = await c.k(['apply', '--server-side', '--force-conflicts', '-f', f]);
    assert.equal(forced.trim(), 'deployment.apps/shop serverside-applied');
    const dep = JSON.parse(await c.k(['get', 'deploy', 'shop', '-o', 'json', '--show-managed-fields']));
    assert.equal(dep.spec.replicas, 5);
    const kubectlEntry = dep.metadata.managedFields.find((m: { manager: string; operation: string }) => m.manager === 'kubectl' && m.operation === 'Apply');
    assert.ok(kubectlEntry?.fieldsV1?.['f:spec']?.['f:replicas'], 'the kubectl manager owns spec.replicas');
  });

  it('server-side apply creates new objects', async () => {
    const f = join(dir, 'cm.yaml');
    writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-cm\ndata:\n  k: v\n');
    assert.equal((await c.k(['apply', '--server-side', '-f', f])).trim(), 'configmap/ssa-cm serverside-applied');
    assert.equal(await c.k(['get', 'cm', 'ssa-cm', '-o', 'jsonpath={.data.k}']), 'v');
  });

  it('apply -k builds a kustomize base and an overlay', async () => {
    const base = join(dir, 'kbase');
    const overlay = join(dir, 'koverlay');
    mkdirSync(base, { recursive: true });
    mkdirSync(overlay, { recursive: true });
    writeFileSync(join(base, 'deploy.yaml'), deployment('nginx:1.27').replace('name: shop\n', 'name: api\n'));
    writeFileSync(join(base, 'kustomization.yaml'), 'resources:\n- deploy.yaml\nconfigMapGenerator:\n- name: api-config\n  literals:\n  - MODE=base\n');
    writeFileSync(
      join(overlay, 'kustomization.yaml'),
      'resources:\n- ../kbase\nnamespace: staging\nnamePrefix: staging-\ncommonLabels:\n  env: staging\nimages:\n- name: nginx\n  newTag: "1.29"\n',
    );
    await c.k(['create', 'namespace', 'staging']);
    const out = await c.k(['apply', '-k', overlay]);
    assert.match(out, /deployment\.apps\/staging-api created/);
    assert.match(out, /configmap\/staging-api-config-\w+ created/);
    const dep = JSON.parse(await c.k(['-n', 'staging', 'get', 'deploy', 'staging-api', '-o', 'json']));
    assert.equal(dep.metadata.labels.env, 'staging');
    assert.equal(dep.spec.template.spec.containers[0].image, 'nginx:1.29');
    assert.equal((await c.k(['apply', '-k', base])).includes('deployment.apps/api created'), true);
  });
});
