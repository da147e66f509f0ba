/**
 * RBAC with kubectl 1.33 (issue 7): a user "alice" (O=dev) with a client certificate from the
 * cluster CA is Forbidden with upstream's message until a pod-viewer Role and RoleBinding exist,
 * only in that namespace; the default ClusterRoles are served; `kubectl create role|rolebinding`
 * work; alice cannot create a Role granting more than she holds (escalation message).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueClientCertificate } from '../../src/pki/index.js';
import { startCluster, waitFor, type Cluster } from './harness.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('RBAC for a certificate user', () => {
  let c: Cluster;
  let aliceConfig: string;
  const asAlice = (args: string[]) => c.kubectl(args, { env: { KUBECONFIG: aliceConfig } });

  before(async () => {
    c = await startCluster();
    const ca = { certPem: readFileSync(join(c.dataDir, 'pki', 'ca.crt'), 'utf8'), keyPem: readFileSync(join(c.dataDir, 'pki', 'ca.key'), 'utf8') };
    const alice = await issueClientCertificate(ca, { commonName: 'alice', organizations: ['dev'] });
    aliceConfig = join(c.home, 'alice.kubeconfig');
    writeFileSync(
      aliceConfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'kubeling', cluster: { server: c.server, 'certificate-authority-data': b64(ca.certPem) } }],
        users: [{ name: 'alice', user: { 'client-certificate-data': b64(alice.certPem), 'client-key-data': b64(alice.keyPem) } }],
        contexts: [{ name: 'alice', context: { cluster: 'kubeling', user: 'alice', namespace: 'default' } }],
        'current-context': 'alice',
      }),
    );
  });
  after(async () => {
    await c?.stop();
  });

  it('forbids alice to list pods with the upstream message before any binding', async () => {
    const r = await asAlice(['get', 'pods']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(Forbidden\): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"\n/);
  });

  it('creates the pod-viewer Role and RoleBinding with kubectl create, after which alice lists pods', async () => {
    assert.equal(await c.k(['create', 'role', 'pod-viewer', '--verb=get', '--verb=list', '--verb=watch', '--resource=pods']), 'role.rbac.authorization.k8s.io/pod-viewer created\n');
    assert.equal(await c.k(['create', 'rolebinding', 'alice-pods', '--role=pod-viewer', '--user=alice']), 'rolebinding.rbac.authorization.k8s.io/alice-pods created\n');
    const role = JSON.parse(await c.k(['get', 'role', 'pod-viewer', '-o', 'json'])) as { rules: unknown[] };
    assert.deepEqual(role.rules, [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    await waitFor(async () => (await asAlice(['get', 'pods'])).code === 0, 10_000, 'alice to list pods');
    const r = await asAlice(['get', 'pods']);
    assert.equal(r.stderr, 'No resources found in default namespace.\n');
  });

  it('still forbids alice in another namespace and for other verbs', async () => {
    const other = await asAlice(['get', 'pods', '-n', 'kube-system']);
    assert.match(other.stderr, /pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "kube-system"/);
    const del = await asAlice(['delete', 'pod', 'nope']);
    assert.match(del.stderr, /pods "nope" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "default"/);
    const nodes = await asAlice(['get', 'nodes']);
    assert.match(nodes.stderr, /nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope/);
  });

  it('serves the default ClusterRoles and their bindings', async () => {
    const names = (await c.k(['get', 'clusterroles', '-o', 'name'])).split('\n');
    for (const n of ['cluster-admin', 'admin', 'edit', 'view', 'system:basic-user', 'system:discovery', 'system:public-info-viewer']) {
      assert.ok(names.includes(`clusterrole.rbac.authorization.k8s.io/${n}`), n);
    }
    assert.match(await c.k(['get', 'clusterrolebinding', 'cluster-admin', '-o', 'wide']), /cluster-admin\s+ClusterRole\/cluster-admin\s+\S+\s+system:masters/);
    await waitFor(async () => (await c.k(['get', 'clusterrole', 'view', '-o', 'jsonpath={.rules[*].resources}'])).includes('pods'), 10_000, 'view to be aggregated');
  });

  it('refuses a Role granting alice more than she holds, with the escalation message', async () => {
    await c.k(['create', 'role', 'role-writer', '--verb=create', '--resource=roles.rbac.authorization.k8s.io']);
    await c.k(['create', 'rolebinding', 'alice-role-writer', '--role=role-writer', '--user=alice']);
    await waitFor(async () => (await asAlice(['create', 'role', 'mine', '--verb=get', '--resource=pods'])).code === 0, 10_000, 'alice to create a role within her rights');
    const r = await asAlice(['create', 'role', 'too-much', '--verb=get', '--verb=delete', '--resource=pods,secrets']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'Error from server (Forbidden): roles.rbac.authorization.k8s.io "too-much" is forbidden: user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}\n',
    );
  });

  it('lets alice bind only roles whose permissions she holds', async () => {
    await c.k(['create', 'role', 'binder', '--verb=create', '--resource=rolebindings.rbac.authorization.k8s.io']);
    await c.k(['create', 'rolebinding', 'alice-binder', '--role=binder', '--user=alice']);
    await waitFor(async () => (await asAlice(['create', 'rolebinding', 'bob-pods', '--role=pod-viewer', '--user=bob'])).code === 0, 10_000, 'alice to bind pod-viewer');
    const r = await asAlice(['create', 'rolebinding', 'bob-edit', '--clusterrole=edit', '--user=bob']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /rolebindings\.rbac\.authorization\.k8s\.io "bob-edit" is forbidden: user "alice" \(groups=\["dev" "system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["bindings"\], Verbs:\["get" "list" "watch"\]\}\n/);
  });
});
