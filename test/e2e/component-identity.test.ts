/**
 * Every Kubeling component runs under its own least-privilege identity with RBAC active
 * (src/cli/identities.ts, src/apiserver/authz/bootstrap-policy-components.ts): controllers as
 * system:kube-controller-manager, the scheduler as system:kube-scheduler, the local agent as
 * system:node:<host> (group system:nodes), the simulated agent as system:kubeling:simulated-nodes
 * and the local-path provisioner as system:kubeling:local-path-provisioner. A Deployment rolls out
 * and a claim binds (so each works), no component request is Forbidden, kubectl 1.33's `auth
 * can-i --as` shows the roles are narrow, and taking the scheduler's binding away stops
 * scheduling — proof that it does not run as an administrator.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, waitFor, type Cluster } from './harness.js';

const components = ['system:kube-controller-manager', 'system:kube-scheduler', 'system:kubeling:simulated-nodes', 'system:kubeling:local-path-provisioner'];

/** The Forbidden lines the API server logged for the given users (the server logs each denial). */
function forbiddenFor(c: Cluster, users: (u: string) => boolean): string[] {
  const lines = readFileSync(join(c.dataDir, 'kubeling.log'), 'utf8').split('\n');
  return lines.filter((l) => l.includes('"msg":"Forbidden"')).filter((l) => {
    const m = /"user":"([^"]*)"/.exec(l);
    return m?.[1] !== undefined && users(m[1]);
  });
}

describe('component identities', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ localNode: true, extraArgs: ['--simulated-nodes', '3'] });
  });
  after(async () => {
    await c?.stop();
  });

  const canI = async (args: string[]): Promise<string> => (await c.kubectl(['auth', 'can-i', ...args])).stdout.trim();

  it('a Deployment of 3 replicas becomes Available on simulated nodes', async () => {
    await c.k(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3']);
    await c.k(['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"nodeSelector":{"kubeling.dev/simulated":"true"}}}}}']);
    assert.match(await c.k(['rollout', 'status', 'deployment/web', '--timeout=60s']), /successfully rolled out/);
    const nodes = (await c.k(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.spec.nodeName} {.status.phase}{"\\n"}{end}'])).trim().split('\n');
    assert.equal(nodes.length, 3);
    for (const n of nodes) assert.match(n, /^sim-\d Running$/);
  });

  it('the local node registers under its node identity and its local-path claim binds', async () => {
    const local = (await c.k(['get', 'nodes', '-l', '!kubeling.dev/simulated', '-o', 'jsonpath={.items[*].metadata.name}'])).trim();
    assert.ok(local, 'a local node exists');
    await waitFor(async () => (await c.k(['get', 'node', local, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])) === 'True', 30_000, 'local node Ready');
    await c.k(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Mi' } } } }) });
    await waitFor(async () => (await c.k(['get', 'pvc', 'data', '-o', 'jsonpath={.status.phase}'])) === 'Bound', 30_000, 'claim Bound');
    // The node's heartbeat Lease is renewed by the node itself (system:node role, NodeRestriction).
    assert.equal(await c.k(['get', 'lease', '-n', 'kube-node-lease', local, '-o', 'jsonpath={.spec.holderIdentity}']), local);
  });

  it('no component request was Forbidden', async () => {
    const local = (await c.k(['get', 'nodes', '-l', '!kubeling.dev/simulated', '-o', 'jsonpath={.items[*].metadata.name}'])).trim();
    const denied = forbiddenFor(c, (u) => components.includes(u) || u === `system:node:${local}`);
    assert.deepEqual(denied, []);
    // Denials decided past the authorizer (admission, the CSR approval check) surface as component errors.
    const errors = readFileSync(join(c.dataDir, 'kubeling.log'), 'utf8').split('\n').filter((l) => / is forbidden: /.test(l));
    assert.deepEqual(errors, []);
  });

  it('the scheduler may bind pods but not create them', async () => {
    assert.equal(await canI(['create', 'pods', '--as=system:kube-scheduler']), 'no');
    assert.equal(await canI(['create', 'pods', '--subresource=binding', '--as=system:kube-scheduler']), 'yes');
    assert.equal(await canI(['get', 'secrets', '--as=system:kube-scheduler']), 'no');
    // The denial names the subresource, as upstream's forbiddenMessage does.
    const pod = (await c.k(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    const r = await c.kubectl(['logs', pod, '--as=system:kube-scheduler']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim(), `Error from server (Forbidden): pods "${pod}" is forbidden: User "system:kube-scheduler" cannot get resource "pods/log" in API group "" in the namespace "default"`);
  });

  it('a node may patch nodes and pod status but not delete nodes or create volumes', async () => {
    const asNode = ['--as=system:node:x', '--as-group=system:nodes'];
    assert.equal(await canI(['patch', 'nodes', ...asNode]), 'yes');
    assert.equal(await canI(['patch', 'pods', '--subresource=status', ...asNode]), 'yes');
    assert.equal(await canI(['delete', 'nodes', ...asNode]), 'no');
    assert.equal(await canI(['create', 'persistentvolumes', ...asNode]), 'no');
  });

  it('the controller manager may neither grant roles nor impersonate', async () => {
    const asCm = '--as=system:kube-controller-manager';
    assert.equal(await canI(['create', 'clusterrolebindings', asCm]), 'no');
    assert.equal(await canI(['impersonate', 'users', asCm]), 'no');
    assert.equal(await canI(['create', 'pods', '--subresource=exec', asCm]), 'no');
    assert.equal(await canI(['update', 'deployments', '--subresource=status', asCm]), 'yes');
  });

  it('without its ClusterRoleBinding the scheduler cannot bind, and scheduling resumes once it is back', async () => {
    const binding = await c.k(['get', 'clusterrolebinding', 'system:kube-scheduler', '-o', 'json']);
    await c.k(['delete', 'clusterrolebinding', 'system:kube-scheduler']);
    await c.k(['run', 'waiting', '--image=nginx:1.25', '--overrides', '{"spec":{"nodeSelector":{"kubeling.dev/simulated":"true"}}}']);
    await waitFor(() => forbiddenFor(c, (u) => u === 'system:kube-scheduler').some((l) => l.includes('"subresource":"binding"')), 30_000, 'the scheduler denied its binding');
    assert.equal(await c.k(['get', 'pod', 'waiting', '-o', 'jsonpath={.spec.nodeName}']), '');
    const restored = JSON.parse(binding) as { metadata: Record<string, unknown> };
    restored.metadata = { name: 'system:kube-scheduler', labels: restored.metadata.labels, annotations: restored.metadata.annotations };
    await c.k(['create', '-f', '-'], { input: JSON.stringify(restored) });
    await waitFor(async () => (await c.k(['get', 'pod', 'waiting', '-o', 'jsonpath={.spec.nodeName}'])).startsWith('sim-'), 45_000, 'pod scheduled after the binding is back');
  });
});
