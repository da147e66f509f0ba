/**
 * The course notes' user flow (issue 7): an `openssl` key and CSR with CN=alice, O=dev become a
 * CertificateSigningRequest, `kubectl certificate approve` lets the signer issue alice's
 * certificate, and a kubeconfig built with `kubectl config` authenticates her. RBAC forbids her
 * `get pods` with the upstream message until a pod-viewer Role and RoleBinding exist;
 * `kubectl auth whoami` shows her user and group. Also: approve is idempotent, a denied request
 * cannot be approved, kubectl 1.27 approves too, and garbage requests get a clear 422.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KUBECTL, startCluster, waitFor, type Cluster } from './harness.js';

function csrYaml(name: string, requestB64: string, signerName = 'kubernetes.io/kube-apiserver-client'): string {
  return `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: ${name}
spec:
  request: ${requestB64}
  signerName: ${signerName}
  expirationSeconds: 86400
  usages:
  - client auth
`;
}

describe('a user certificate through a CertificateSigningRequest', () => {
  let c: Cluster;
  let aliceConfig: string;
  const openssl = (args: string[]): string => execFileSync('openssl', args, { cwd: c.home, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  /** a fresh key and base64 CSR for the subject, written to <home>/<name>.key/.csr */
  const request = (name: string, subj: string): string => {
    openssl(['genrsa', '-out', `${name}.key`, '2048']);
    openssl(['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', subj]);
    return readFileSync(join(c.home, `${name}.csr`)).toString('base64');
  };
  const asAlice = (args: string[]) => c.kubectl(args, { env: { KUBECONFIG: aliceConfig } });

  before(async () => {
    c = await startCluster();
    aliceConfig = join(c.home, 'alice.kubeconfig');
  });
  after(async () => {
    await c?.stop();
  });

  it('submits the openssl request, approves it and gets a certificate for CN=alice, O=dev', async () => {
    await c.k(['apply', '-f', '-'], { input: csrYaml('alice', request('alice', '/CN=alice/O=dev')) });
    assert.match(await c.k(['get', 'csr', 'alice']), /alice\s+\S+\s+kubernetes\.io\/kube-apiserver-client\s+kubernetes-admin\s+24h\s+Pending/);
    assert.equal(await c.k(['certificate', 'approve', 'alice']), 'certificatesigningrequest.certificates.k8s.io/alice approved\n');
    await waitFor(async () => (await c.k(['get', 'csr', 'alice', '-o', 'jsonpath={.status.certificate}'])).length > 0, 10_000, 'the signer to issue alice\'s certificate');
    const pem = Buffer.from(await c.k(['get', 'csr', 'alice', '-o', 'jsonpath={.status.certificate}']), 'base64');
    writeFileSync(join(c.home, 'alice.crt'), pem);
    const subject = openssl(['x509', '-in', 'alice.crt', '-noout', '-subject', '-issuer']);
    assert.match(subject, /subject=O\s*=\s*dev, CN\s*=\s*alice/);
    assert.match(subject, /issuer=CN\s*=\s*kubeling-ca/);
    assert.match(await c.k(['get', 'csr', 'alice']), /Approved,Issued/);
  });

  it('approving again is idempotent', async () => {
    assert.equal(await c.k(['certificate', 'approve', 'alice']), 'certificatesigningrequest.certificates.k8s.io/alice approved\n');
    const conds = JSON.parse(await c.k(['get', 'csr', 'alice', '-o', 'jsonpath={.status.conditions}'])) as { type: string; reason: string }[];
    assert.deepEqual(conds.map((x) => [x.type, x.reason]), [['Approved', 'KubectlApprove']]);
  });

  it("builds alice's kubeconfig with kubectl config", async () => {
    const cfg = ['--kubeconfig', aliceConfig];
    await c.k(['config', 'set-cluster', 'kubeling', `--server=${c.server}`, `--certificate-authority=${join(c.dataDir, 'pki', 'ca.crt')}`, '--embed-certs=true', ...cfg]);
    await c.k(['config', 'set-credentials', 'alice', `--client-certificate=${join(c.home, 'alice.crt')}`, `--client-key=${join(c.home, 'alice.key')}`, '--embed-certs=true', ...cfg]);
    await c.k(['config', 'set-context', 'alice', '--cluster=kubeling', '--user=alice', '--namespace=default', ...cfg]);
    await c.k(['config', 'use-context', 'alice', ...cfg]);
  });

  it("alice's get pods is Forbidden with the upstream message", async () => {
    const r = await asAlice(['get', 'pods']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(Forbidden\): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"/);
  });

  it('alice may not approve certificate requests', async () => {
    await c.k(['apply', '-f', '-'], { input: csrYaml('mallory', request('mallory', '/CN=mallory/O=system:masters')) });
    const r = await asAlice(['certificate', 'approve', 'mallory']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Forbidden/);
    assert.match(await c.k(['get', 'csr', 'mallory']), /Pending/);
  });

  it('lists pods for alice once a pod-viewer Role and RoleBinding exist', async () => {
    await c.k(['create', 'role', 'pod-viewer', '--verb=get,list,watch', '--resource=pods']);
    await c.k(['create', 'rolebinding', 'alice-pod-viewer', '--role=pod-viewer', '--user=alice']);
    await waitFor(async () => (await asAlice(['get', 'pods'])).code === 0, 10_000, 'alice to be allowed to list pods');
    assert.match((await asAlice(['get', 'pods'])).stderr, /No resources found in default namespace/);
  });

  it('kubectl auth whoami prints alice and her group dev', async () => {
    const r = await asAlice(['auth', 'whoami']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Username\s+alice/);
    assert.match(r.stdout, /Groups\s+\[dev system:authenticated\]/);
  });

  it('a denied request cannot be approved afterwards', async () => {
    await c.k(['apply', '-f', '-'], { input: csrYaml('bob', request('bob', '/CN=bob')) });
    assert.equal(await c.k(['certificate', 'deny', 'bob']), 'certificatesigningrequest.certificates.k8s.io/bob denied\n');
    const r = await c.kubectl(['certificate', 'approve', 'bob']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /certificate signing request "bob" is already Denied/);
    // kubectl checks that itself; a client that does not is refused by the server (422).
    const bob = JSON.parse(await c.k(['get', 'csr', 'bob', '-o', 'json'])) as { status: { conditions: object[] } };
    bob.status.conditions.push({ type: 'Approved', status: 'True', reason: 'Sneaky' });
    writeFileSync(join(c.home, 'bob-approved.json'), JSON.stringify(bob));
    const raw = await c.kubectl(['replace', '--raw', '/apis/certificates.k8s.io/v1/certificatesigningrequests/bob/approval', '-f', join(c.home, 'bob-approved.json')]);
    assert.equal(raw.code, 1);
    assert.match(raw.stderr, /Approved and Denied conditions are mutually exclusive/);
    assert.match(await c.k(['get', 'csr', 'bob']), /Denied/);
  });

  it('the status subresource cannot approve a request', async () => {
    await c.k(['apply', '-f', '-'], { input: csrYaml('erin', request('erin', '/CN=erin')) });
    const erin = JSON.parse(await c.k(['get', 'csr', 'erin', '-o', 'json'])) as { status?: { conditions?: object[] } };
    erin.status = { conditions: [{ type: 'Approved', status: 'True', reason: 'ViaStatus' }] };
    writeFileSync(join(c.home, 'erin-approved.json'), JSON.stringify(erin));
    const raw = await c.kubectl(['replace', '--raw', '/apis/certificates.k8s.io/v1/certificatesigningrequests/erin/status', '-f', join(c.home, 'erin-approved.json')]);
    assert.equal(raw.code, 1);
    assert.match(raw.stderr, /updates may not add a condition of type \\?"Approved\\?"/);
    assert.match(await c.k(['get', 'csr', 'erin']), /Pending/);
  });

  it('kubectl 1.27 approves a request too', async () => {
    await c.k(['apply', '-f', '-'], { input: csrYaml('carol', request('carol', '/CN=carol/O=ops')) });
    assert.equal(await c.k(['certificate', 'approve', 'carol'], { binary: KUBECTL.oldest }), 'certificatesigningrequest.certificates.k8s.io/carol approved\n');
    await waitFor(async () => /Approved,Issued/.test(await c.k(['get', 'csr', 'carol'])), 10_000, "carol's certificate");
  });

  it('a request that is not a CSR is rejected with a clear 422', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], { input: csrYaml('garbage', Buffer.from('this is not a certificate request').toString('base64')) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The CertificateSigningRequest "garbage" is invalid: spec.request: Invalid value: .*PEM block type must be CERTIFICATE REQUEST/);
  });

  it('an approved kubelet client request for a non-node subject is marked Failed by the signer', async () => {
    const yaml = csrYaml('dave', request('dave', '/CN=dave/O=dev'), 'kubernetes.io/kube-apiserver-client-kubelet').replace('  - client auth\n', '  - digital signature\n  - client auth\n');
    await c.k(['apply', '-f', '-'], { input: yaml });
    await c.k(['certificate', 'approve', 'dave']);
    await waitFor(async () => /Approved,Failed/.test(await c.k(['get', 'csr', 'dave'])), 10_000, 'the Failed condition');
    const failed = JSON.parse(await c.k(['get', 'csr', 'dave', '-o', 'jsonpath={.status.conditions[?(@.type=="Failed")]}'])) as { reason: string; message: string };
    assert.deepEqual([failed.reason, failed.message], ['SignerValidationFailure', 'subject organization is not system:nodes']);
  });
});
