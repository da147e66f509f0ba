/**
 * The authentication chain with kubectl 1.33 (issue 7): a static-token user and a basic-auth user
 * (the course notes' password file) authenticate; a wrong password, an unknown, expired or
 * forged token and a client certificate from another CA get "You must be logged in to the
 * server (Unauthorized)"; `kubectl create token --duration 10m` prints a ServiceAccount token
 * that works with `kubectl --token`; a token bound to a pod stops working once the pod is
 * deleted; a legacy token Secret is filled by the tokens controller; `--as` without the
 * impersonate permission is Forbidden with the upstream message.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueClientCertificate } from '../../src/pki/index.js';
import { generateServiceAccountKey } from '../../src/pki/sa-key.js';
import { ServiceAccountTokenIssuer } from '../../src/apiserver/authn/serviceaccount.js';
import { startCluster, waitFor, type Cluster } from './harness.js';

const UNAUTHORIZED = 'error: You must be logged in to the server (Unauthorized)';
const TOKENS = 'root-token-0123456789,token-root,0,system:masters\nalice-token-0123456789,token-alice,1001,"dev,ops"\n';
const PASSWORDS = 's3cret-root,basic-root,10,system:masters\ns3cret-alice,basic-alice,11,dev\n';

/** A kubeconfig for the cluster with the given user entry (YAML lines under `user:`). */
function kubeconfig(c: Cluster, name: string, userLines: string[]): string {
  const ca = Buffer.from(readFileSync(join(c.dataDir, 'pki', 'ca.crt'))).toString('base64');
  const path = join(c.home, `${name}.kubeconfig`);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: kubeling',
      '  cluster:',
      `    server: ${c.server}`,
      `    certificate-authority-data: ${ca}`,
      'users:',
      `- name: ${name}`,
      ...(userLines.length ? ['  user:', ...userLines.map((l) => `    ${l}`)] : ['  user: {}']),
      'contexts:',
      `- name: ${name}`,
      '  context:',
      '    cluster: kubeling',
      `    user: ${name}`,
      `current-context: ${name}`,
      '',
    ].join('\n'),
  );
  return path;
}

describe('authentication: tokens, passwords, certificates and impersonation', () => {
  let c: Cluster;
  let files: string;
  let bare: string;
  const as = (config: string, args: string[]) => c.kubectl(args, { env: { KUBECONFIG: config } });
  const withToken = (token: string, args: string[]) => as(bare, ['--token', token, ...args]);

  before(async () => {
    files = mkdtempSync(join(tmpdir(), 'kubeling-authn-e2e-'));
    writeFileSync(join(files, 'tokens.csv'), TOKENS);
    writeFileSync(join(files, 'passwords.csv'), PASSWORDS);
    c = await startCluster({ extraArgs: ['--token-auth-file', join(files, 'tokens.csv'), '--basic-auth-file', join(files, 'passwords.csv')] });
    // No credentials of its own: `--token` is then the only credential sent.
    bare = kubeconfig(c, 'bare', []);
  });
  after(async () => {
    await c?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  it('authenticates static-token users: a system:masters token lists namespaces, another is who the file says', async () => {
    const root = await withToken('root-token-0123456789', ['get', 'ns', 'default', '-o', 'name']);
    assert.equal(root.stdout, 'namespace/default\n', root.stderr);
    const who = await withToken('alice-token-0123456789', ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}']);
    assert.equal(who.stdout, 'token-alice ["dev","ops","system:authenticated"]', who.stderr);
  });

  it('authenticates a basic-auth user from the password file and refuses a wrong password', async () => {
    const good = kubeconfig(c, 'basic-root', ['username: basic-root', 'password: s3cret-root']);
    assert.equal((await as(good, ['get', 'ns', 'default', '-o', 'name'])).stdout, 'namespace/default\n');
    const alice = kubeconfig(c, 'basic-alice', ['username: basic-alice', 'password: s3cret-alice']);
    assert.equal((await as(alice, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).stdout, 'basic-alice');
    const bad = kubeconfig(c, 'basic-bad', ['username: basic-root', 'password: wrong']);
    const r = await as(bad, ['get', 'ns']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), UNAUTHORIZED);
  });

  it('refuses unknown, forged and expired tokens and a certificate from another CA', async () => {
    const unknown = await withToken('no-such-token', ['get', 'ns']);
    assert.equal(unknown.stderr.trim(), UNAUTHORIZED);
    const claims = { namespace: 'default', serviceAccount: { name: 'default', uid: 'x' }, audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600 };
    const forged = await new ServiceAccountTokenIssuer({ privateKeyPem: generateServiceAccountKey().privateKeyPem }).issue(claims);
    assert.equal((await withToken(forged.token, ['get', 'ns'])).stderr.trim(), UNAUTHORIZED);
    // Signed with the cluster's own key, but two hours old: only the expiry is wrong.
    const sa = JSON.parse(await c.k(['get', 'sa', 'default', '-o', 'json'])) as { metadata: { uid: string } };
    const clusterKey = readFileSync(join(c.dataDir, 'pki', 'sa.key'), 'utf8');
    const old = new ServiceAccountTokenIssuer({ privateKeyPem: clusterKey, now: () => new Date(Date.now() - 7200_000) });
    const expired = await old.issue({ ...claims, serviceAccount: { name: 'default', uid: sa.metadata.uid } });
    assert.equal((await withToken(expired.token, ['get', 'ns'])).stderr.trim(), UNAUTHORIZED);
    const fresh = await new ServiceAccountTokenIssuer({ privateKeyPem: clusterKey }).issue({ ...claims, serviceAccount: { name: 'default', uid: sa.metadata.uid } });
    assert.equal((await withToken(fresh.token, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).stdout, 'system:serviceaccount:default:default');
    const otherCa = createCa();
    const cert = await issueClientCertificate(otherCa, { commonName: 'kubernetes-admin', organizations: ['system:masters'] });
    const foreign = kubeconfig(c, 'foreign', [`client-certificate-data: ${Buffer.from(cert.certPem).toString('base64')}`, `client-key-data: ${Buffer.from(cert.keyPem).toString('base64')}`]);
    const r = await as(foreign, ['get', 'ns']);
    assert.equal(r.stderr.trim(), UNAUTHORIZED);
  });

  it('prints a ServiceAccount token with kubectl create token that works with kubectl --token', async () => {
    const tooShort = await c.kubectl(['create', 'token', 'default', '--duration', '1m']);
    assert.equal(tooShort.code, 1);
    assert.match(tooShort.stderr, /spec\.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes/);
    const token = (await c.k(['create', 'token', 'default', '--duration', '10m'])).trim();
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number; iat: number; sub: string };
    assert.equal(payload.exp - payload.iat, 600);
    assert.equal(payload.sub, 'system:serviceaccount:default:default');
    const who = await withToken(token, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}']);
    assert.equal(who.stdout, 'system:serviceaccount:default:default ["system:serviceaccounts","system:serviceaccounts:default","system:authenticated"]', who.stderr);
    const missing = await c.kubectl(['create', 'token', 'nope']);
    assert.match(missing.stderr, /serviceaccounts "nope" not found/);
  });

  it('stops accepting a pod-bound token once the pod is deleted', async () => {
    await c.k(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bound\nspec:\n  serviceAccountName: default\n  containers:\n  - name: c\n    image: nginx:1.27\n' });
    const token = (await c.k(['create', 'token', 'default', '--bound-object-kind', 'Pod', '--bound-object-name', 'bound'])).trim();
    const who = await withToken(token, ['auth', 'whoami', '-o', "jsonpath={.status.userInfo.extra['authentication\\.kubernetes\\.io/pod-name']}"]);
    assert.equal(who.stdout, '["bound"]', who.stderr);
    await c.k(['delete', 'pod', 'bound', '--grace-period', '0', '--force']);
    await waitFor(async () => (await withToken(token, ['auth', 'whoami'])).stderr.trim() === UNAUTHORIZED, 5_000, 'the pod-bound token to be refused');
  });

  it('fills a legacy ServiceAccount token Secret whose token authenticates until the Secret is deleted', async () => {
    await c.k(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: default-token\n  annotations:\n    kubernetes.io/service-account.name: default\ntype: kubernetes.io/service-account-token\n' });
    let b64 = '';
    await waitFor(async () => (b64 = await c.k(['get', 'secret', 'default-token', '-o', 'jsonpath={.data.token}'])).length > 0, 10_000, 'the tokens controller to fill the Secret');
    const token = Buffer.from(b64, 'base64').toString();
    assert.equal((await withToken(token, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).stdout, 'system:serviceaccount:default:default');
    await c.k(['delete', 'secret', 'default-token']);
    await waitFor(async () => (await withToken(token, ['auth', 'whoami'])).stderr.trim() === UNAUTHORIZED, 5_000, 'the legacy token to be refused');
  });

  it('forbids --as without the impersonate permission and allows it to system:masters', async () => {
    const r = await withToken('alice-token-0123456789', ['get', 'pods', '--as', 'bob']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): users "bob" is forbidden: User "token-alice" cannot impersonate resource "users" in API group "" at the cluster scope');
    const sa = await c.k(['auth', 'whoami', '--as', 'system:serviceaccount:default:default', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}']);
    assert.equal(sa, 'system:serviceaccount:default:default ["system:serviceaccounts","system:serviceaccounts:default","system:authenticated"]');
    const groupOnly = await c.kubectl(['get', 'pods', '--as-group', 'system:masters']);
    assert.equal(groupOnly.code, 1);
    assert.match(groupOnly.stderr, /without impersonating a user|requires a user|--as-group/i);
  });
});
