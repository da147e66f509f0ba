import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { KubeObject } from '../../api/object.js';
import { createCa } from '../../pki/index.js';
import { createCsr, newKeyPem } from '../../cli/join.js';
import { applySigning, decideSigning } from './signer.js';
import { parseCsr } from './csr.js';

const now = new Date('2026-12-01T10:00:00Z');
const ca = createCa(new Date('2026-01-01T00:00:00Z'));

function csr(o: { cn: string; orgs?: string[]; dns?: string[]; ips?: string[]; signer: string; usages: string[]; approved?: boolean; expirationSeconds?: number }): KubeObject {
  const pem = createCsr({ commonName: o.cn, organizations: o.orgs ?? [], dnsNames: o.dns, ips: o.ips, keyPem: newKeyPem() });
  return {
    metadata: { name: 'c1' },
    spec: { request: Buffer.from(pem).toString('base64'), signerName: o.signer, usages: o.usages, ...(o.expirationSeconds ? { expirationSeconds: o.expirationSeconds } : {}) },
    status: o.approved === false ? {} : { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove' }] },
  };
}

function issued(c: KubeObject, opts?: { maxDurationSeconds?: number }): X509Certificate {
  const d = decideSigning(c, ca, now, opts);
  assert.equal(d.action, 'issue', JSON.stringify(d));
  return new X509Certificate(d.action === 'issue' ? d.certificatePem : '');
}

describe('CSR signer decisions', () => {
  it('parses the subject and SANs of a request it signs', () => {
    const p = parseCsr(Buffer.from(createCsr({ commonName: 'system:node:n1', organizations: ['system:nodes'], dnsNames: ['n1'], ips: ['10.0.0.7', '::1'], keyPem: newKeyPem() })).toString('base64'));
    assert.deepEqual([p.commonName, p.organizations, p.dnsNames, p.ipAddresses], ['system:node:n1', ['system:nodes'], ['n1'], ['10.0.0.7', '::1']]);
  });

  it('leaves a pending request alone', () => {
    assert.equal(decideSigning(csr({ cn: 'alice', signer: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], approved: false }), ca, now).action, 'skip');
  });

  it('does not sign legacy-unknown or foreign signers', () => {
    assert.equal(decideSigning(csr({ cn: 'a', signer: 'kubernetes.io/legacy-unknown', usages: ['client auth'] }), ca, now).action, 'skip');
    assert.equal(decideSigning(csr({ cn: 'a', signer: 'example.com/mine', usages: ['client auth'] }), ca, now).action, 'skip');
  });

  it('issues a kube-apiserver-client certificate with the CN and O of the request, signed by the CA', () => {
    const cert = issued(csr({ cn: 'alice', orgs: ['dev'], signer: 'kubernetes.io/kube-apiserver-client', usages: ['digital signature', 'key encipherment', 'client auth'] }));
    assert.match(cert.subject, /CN=alice/);
    assert.match(cert.subject, /O=dev/);
    assert.ok(cert.verify(new X509Certificate(ca.certPem).publicKey));
    assert.equal(cert.keyUsage?.includes('1.3.6.1.5.5.7.3.2'), true);
  });

  it('fails a kube-apiserver-client request with a server usage', () => {
    const d = decideSigning(csr({ cn: 'alice', signer: 'kubernetes.io/kube-apiserver-client', usages: ['server auth', 'client auth'] }), ca, now);
    assert.deepEqual(d, { action: 'fail', reason: 'SignerValidationFailure', message: 'invalid usage for client certificate: server auth' });
  });

  it('fails a kubelet client request whose organization is not system:nodes', () => {
    const d = decideSigning(csr({ cn: 'system:node:n1', orgs: ['dev'], signer: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] }), ca, now);
    assert.equal(d.action === 'fail' && d.message, 'subject organization is not system:nodes');
  });

  it('fails a kubelet client request whose CN is not system:node:<name>', () => {
    const d = decideSigning(csr({ cn: 'bob', orgs: ['system:nodes'], signer: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] }), ca, now);
    assert.equal(d.action === 'fail' && d.message, 'subject common name does not begin with system:node:');
  });

  it('fails a kubelet client request with wrong usages, naming the required set as upstream does', () => {
    const d = decideSigning(csr({ cn: 'system:node:n1', orgs: ['system:nodes'], signer: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['client auth'] }), ca, now);
    assert.equal(d.action === 'fail' && d.message, 'usages did not match [client auth digital signature key encipherment]');
  });

  it('fails a kubelet serving request without DNS or IP SANs', () => {
    const d = decideSigning(csr({ cn: 'system:node:n1', orgs: ['system:nodes'], signer: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'server auth'] }), ca, now);
    assert.equal(d.action === 'fail' && d.message, 'DNS or IP subjectAltName is required');
  });

  it('issues a kubelet serving certificate covering the requested names', () => {
    const cert = issued(csr({ cn: 'system:node:n1', orgs: ['system:nodes'], dns: ['n1'], ips: ['127.0.0.1'], signer: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'server auth'] }));
    assert.equal(cert.checkHost('n1'), 'n1');
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  });

  it('uses spec.expirationSeconds for the validity', () => {
    const cert = issued(csr({ cn: 'alice', signer: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], expirationSeconds: 3600 }));
    assert.equal(Date.parse(cert.validTo), Date.parse('2026-12-01T11:00:00Z'));
  });

  it('caps the validity at the signing duration and at the CA expiry', () => {
    const capped = issued(csr({ cn: 'alice', signer: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], expirationSeconds: 10 * 365 * 86400 }), { maxDurationSeconds: 7200 });
    assert.equal(Date.parse(capped.validTo), Date.parse('2026-12-01T12:00:00Z'));
    const late = decideSigning(csr({ cn: 'alice', signer: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] }), ca, new Date('2035-12-01T00:00:00Z'));
    assert.equal(late.action, 'issue');
    assert.equal(late.action === 'issue' && late.notAfter.getTime(), Date.parse(new X509Certificate(ca.certPem).validTo));
  });

  it('does not sign twice or after a failure', () => {
    const c = csr({ cn: 'alice', signer: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] });
    const d = decideSigning(c, ca, now);
    assert.equal(d.action, 'issue');
    const signed = applySigning(c, d, now);
    assert.equal(decideSigning(signed, ca, now).action, 'skip');
    const failed = applySigning(c, { action: 'fail', reason: 'SignerValidationFailure', message: 'x' }, now);
    assert.equal(decideSigning(failed, ca, now).action, 'skip');
  });
});
