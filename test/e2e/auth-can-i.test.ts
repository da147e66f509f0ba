/**
 * The review APIs through real kubectl: `auth can-i` (SelfSubjectAccessReview; --subresource,
 * non-resource URLs, -A, --as, --list via SelfSubjectRulesReview), `auth whoami`
 * (SelfSubjectReview) and `api-resources`, with kubectl 1.33 and 1.27. The mysa and alice
 * scenarios need RBAC (and --as impersonation) to be installed in `kubeling up`.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, KUBECTL, type Cluster } from './harness.js';
import { issueClientCertificate } from '../../src/pki/index.js';

describe('kubectl auth can-i and whoami', () => {
  let c: Cluster;
  /** kubeconfig of alice (CN=alice, O=dev), a client certificate from the cluster CA */
  let aliceConfig: string;

  before(async () => {
    c = await startCluster();
    const pki = join(c.dataDir, 'pki');
    const ca = { certPem: readFileSync(join(pki, 'ca.crt'), 'utf8'), keyPem: readFileSync(join(pki, 'ca.key'), 'utf8') };
    const alice = await issueClientCertificate(ca, { commonName: 'alice', organizations: ['dev'] });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    aliceConfig = join(c.home, 'alice.kubeconfig');
    writeFileSync(
      aliceConfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: k, cluster: {server: "${c.server}", certificate-authority-data: ${b64(ca.certPem)}}}]`,
        `users: [{name: alice, user: {client-certificate-data: ${b64(alice.certPem)}, client-key-data: ${b64(alice.keyPem)}}}]`,
        'contexts: [{name: alice, context: {cluster: k, user: alice, namespace: default}}]',
        'current-context: alice',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await c?.stop();
  });

  const asAlice = (args: string[]) => c.kubectl(args, { env: { KUBECONFIG: aliceConfig } });

  it('the admin can do anything: can-i * * is yes', async () => {
    assert.equal((await c.k(['auth', 'can-i', '*', '*'])).trim(), 'yes');
    assert.equal((await c.k(['auth', 'can-i', 'list', 'pods', '--all-namespaces'])).trim(), 'yes');
    assert.equal((await c.k(['auth', 'can-i', 'get', 'pods', '--subresource=log', '-n', 'kube-system'])).trim(), 'yes');
    assert.equal((await c.k(['auth', 'can-i', 'get', '/logs'])).trim(), 'yes');
  });

  it('auth whoami prints the admin identity as a table and as JSON', async () => {
    const out = await c.k(['auth', 'whoami']);
    assert.match(out, /^ATTRIBUTE\s+VALUE$/m);
    assert.match(out, /^Username\s+kubernetes-admin$/m);
    assert.match(out, /^Groups\s+\[system:masters system:authenticated\]$/m);
    const json = JSON.parse(await c.k(['auth', 'whoami', '-o', 'json'])) as { kind: string; status: { userInfo: { username: string; groups: string[] } } };
    assert.equal(json.kind, 'SelfSubjectReview');
    assert.deepEqual(json.status.userInfo, { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
  });

  it('api-resources lists the review APIs with the create verb', async () => {
    const out = await c.k(['api-resources', '-o', 'wide', '--api-group=authorization.k8s.io']);
    assert.match(out, /^localsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+true\s+LocalSubjectAccessReview\s+create\s*$/m);
    assert.match(out, /^selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview\s+create\s*$/m);
    assert.match(out, /^selfsubjectrulesreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectRulesReview\s+create\s*$/m);
    assert.match(out, /^subjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SubjectAccessReview\s+create\s*$/m);
    const authn = await c.k(['api-resources', '--api-group=authentication.k8s.io']);
    assert.match(authn, /^selfsubjectreviews\s+authentication\.k8s\.io\/v1\s+false\s+SelfSubjectReview\s*$/m);
    assert.match(authn, /^tokenreviews\s+authentication\.k8s\.io\/v1\s+false\s+TokenReview\s*$/m);
  });

  it('a SubjectAccessReview created from a manifest answers with its status', async () => {
    const sar = 'apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n  user: root\n  groups: [system:masters, system:authenticated]\n  resourceAttributes: {verb: delete, resource: nodes}\n';
    const out = JSON.parse(await c.k(['create', '-f', '-', '-o', 'json'], { input: sar })) as { status: { allowed: boolean } };
    assert.equal(out.status.allowed, true);
    const bad = await c.kubectl(['create', '-f', '-'], { input: 'apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n  user: root\n' });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec\.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified/);
  });

  it('the mysa ServiceAccount cannot list pods until a read-pods RoleBinding exists (needs RBAC and --as)', async () => {
    await c.k(['create', 'serviceaccount', 'mysa']);
    const sa = '--as=system:serviceaccount:default:mysa';
    const before = await c.kubectl(['auth', 'can-i', 'list', 'pods', sa]);
    assert.equal(before.stdout.trim(), 'no');
    assert.equal(before.code, 1);
    await c.k(['create', 'role', 'read-pods', '--verb=get,list,watch', '--resource=pods']);
    await c.k(['create', 'rolebinding', 'read-pods', '--role=read-pods', '--serviceaccount=default:mysa']);
    assert.equal((await c.k(['auth', 'can-i', 'list', 'pods', sa])).trim(), 'yes');
    // The binding is namespaced: other namespaces stay closed.
    assert.equal((await c.kubectl(['auth', 'can-i', 'list', 'pods', sa, '-n', 'kube-system'])).stdout.trim(), 'no');
  });

  it('alice sees her identity and, with a pod-viewer Role, her rules in --list (needs RBAC)', async () => {
    const who = await asAlice(['auth', 'whoami']);
    assert.equal(who.code, 0, who.stderr);
    assert.match(who.stdout, /^Username\s+alice$/m);
    assert.match(who.stdout, /^Groups\s+\[dev system:authenticated\]$/m);
    assert.equal((await asAlice(['auth', 'can-i', 'get', 'pods'])).stdout.trim(), 'no');
    await c.k(['create', 'role', 'pod-viewer', '--verb=get,list', '--resource=pods']);
    await c.k(['create', 'rolebinding', 'alice-pod-viewer', '--role=pod-viewer', '--user=alice']);
    const can = await asAlice(['auth', 'can-i', 'get', 'pods']);
    assert.equal(can.stdout.trim(), 'yes');
    const list = await asAlice(['auth', 'can-i', '--list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
    assert.match(list.stdout, /^pods\s+\[\]\s+\[\]\s+\[get list\]$/m);
    assert.match(list.stdout, /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    assert.match(list.stdout, /^\s+\[\/version\]\s+\[\]\s+\[get\]$/m);
  });

  it('--as-group is reviewed with the impersonated groups (needs RBAC and impersonation)', async () => {
    await c.k(['create', 'role', 'cm-reader', '--verb=get', '--resource=configmaps']);
    await c.k(['create', 'rolebinding', 'devs-cm-reader', '--role=cm-reader', '--group=devs']);
    assert.equal((await c.kubectl(['auth', 'can-i', 'get', 'configmaps', '--as=bob'])).stdout.trim(), 'no');
    assert.equal((await c.k(['auth', 'can-i', 'get', 'configmaps', '--as=bob', '--as-group=devs'])).trim(), 'yes');
  });

  it('the admin --list shows the cluster-admin wildcard rules (needs RBAC)', async () => {
    const out = await c.k(['auth', 'can-i', '--list']);
    assert.match(out, /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    assert.match(out, /^\s+\[\*\]\s+\[\]\s+\[\*\]$/m);
  });

  it('alice may not create a SubjectAccessReview about others: Forbidden with the upstream message', async () => {
    assert.equal((await asAlice(['auth', 'can-i', 'create', 'subjectaccessreviews.authorization.k8s.io'])).stdout.trim(), 'no');
    const sar = 'apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n  user: root\n  resourceAttributes: {verb: get, resource: secrets}\n';
    const r = await c.kubectl(['create', '-f', '-'], { input: sar, env: { KUBECONFIG: aliceConfig } });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /subjectaccessreviews\.authorization\.k8s\.io is forbidden: User "alice" cannot create resource "subjectaccessreviews" in API group "authorization\.k8s\.io" at the cluster scope/);
  });

  it('a TokenReview accepts a token from kubectl create token and names its ServiceAccount', async () => {
    const token = (await c.k(['create', 'token', 'default', '--duration=10m'])).trim();
    const review = `apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nspec:\n  token: ${token}\n`;
    const ok = JSON.parse(await c.k(['create', '-f', '-', '-o', 'json'], { input: review })) as { status: { authenticated: boolean; user: { username: string; groups: string[] } } };
    assert.equal(ok.status.authenticated, true);
    assert.equal(ok.status.user.username, 'system:serviceaccount:default:default');
    assert.ok(ok.status.user.groups.includes('system:serviceaccounts:default'));
    const forged = JSON.parse(await c.k(['create', '-f', '-', '-o', 'json'], { input: review.replace(token, `${token.slice(0, -4)}AAAA`) })) as { status: { authenticated?: boolean; error?: string } };
    assert.notEqual(forged.status.authenticated, true);
    assert.ok(forged.status.error);
  });

  it('a TokenReview for the audience of kubectl create token --audience authenticates it for that audience only', async () => {
    const token = (await c.k(['create', 'token', 'default', '--audience', 'vault', '--duration=10m'])).trim();
    const review = (auds: string) => `apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nspec:\n  token: ${token}\n${auds}`;
    type Status = { status: { authenticated?: boolean; audiences?: string[]; error?: string; user?: { username?: string } } };
    const ok = JSON.parse(await c.k(['create', '-f', '-', '-o', 'json'], { input: review('  audiences: [vault]\n') })) as Status;
    assert.equal(ok.status.authenticated, true);
    assert.equal(ok.status.user?.username, 'system:serviceaccount:default:default');
    assert.deepEqual(ok.status.audiences, ['vault']);
    const api = JSON.parse(await c.k(['create', '-f', '-', '-o', 'json'], { input: review('') })) as Status;
    assert.notEqual(api.status.authenticated, true);
    assert.match(api.status.error ?? '', /token audiences \["vault"\] is invalid for the target audiences/);
  });

  it('kubectl 1.27 whoami and can-i work', async () => {
    const who = await c.k(['auth', 'whoami'], { binary: KUBECTL.oldest });
    assert.match(who, /^Username\s+kubernetes-admin$/m);
    assert.equal((await c.k(['auth', 'can-i', 'create', 'deployments.apps'], { binary: KUBECTL.oldest })).trim(), 'yes');
    const aliceOld = await c.kubectl(['auth', 'whoami'], { binary: KUBECTL.oldest, env: { KUBECONFIG: aliceConfig } });
    assert.match(aliceOld.stdout, /^Username\s+alice$/m);
    assert.equal((await c.kubectl(['auth', 'can-i', 'get', '/logs'], { binary: KUBECTL.oldest, env: { KUBECONFIG: aliceConfig } })).stdout.trim(), 'no');
    const list = await c.kubectl(['auth', 'can-i', '--list'], { binary: KUBECTL.oldest, env: { KUBECONFIG: aliceConfig } });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^pods\s+\[\]\s+\[\]\s+\[get list\]$/m);
  });
});
