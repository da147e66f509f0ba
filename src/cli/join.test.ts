import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueClientCertificate } from '../pki/index.js';
import { parseCsr } from '../controllers/certificates/index.js';
import { createCsr, csrName, csrOutcome, newKeyPem, usableCertificate } from './join.js';

describe('TLS bootstrap helpers', () => {
  it('writes a CSR openssl verifies, with the requested subject and SANs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeling-join-test-'));
    try {
      const pem = createCsr({ commonName: 'system:node:n1', organizations: ['system:nodes'], dnsNames: ['n1'], ips: ['10.1.2.3'], keyPem: newKeyPem() });
      writeFileSync(join(dir, 'r.csr'), pem);
      const text = execFileSync('openssl', ['req', '-in', join(dir, 'r.csr'), '-noout', '-verify', '-text'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.match(text, /O\s*=\s*system:nodes, CN\s*=\s*system:node:n1/);
      assert.match(text, /DNS:n1, IP Address:10\.1\.2\.3/);
      const parsed = parseCsr(Buffer.from(pem).toString('base64'));
      assert.deepEqual([parsed.dnsNames, parsed.ipAddresses], [['n1'], ['10.1.2.3']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a CSR after its key, subject and usages, so a retry finds the same request', () => {
    const key = newKeyPem();
    assert.equal(csrName('node-csr-', key, 'system:node:a', ['client auth']), csrName('node-csr-', key, 'system:node:a', ['client auth']));
    assert.notEqual(csrName('node-csr-', key, 'system:node:a', ['client auth']), csrName('node-csr-', newKeyPem(), 'system:node:a', ['client auth']));
    assert.match(csrName('node-csr-', key, 'x', []), /^node-csr-[0-9a-f]{40}$/);
  });

  it('reads the outcome of a CSR: issued, refused or pending', () => {
    assert.deepEqual(csrOutcome({ metadata: {}, status: {} }), {});
    assert.deepEqual(csrOutcome({ metadata: {}, status: { certificate: Buffer.from('PEM').toString('base64') } }), { certificatePem: 'PEM' });
    assert.deepEqual(csrOutcome({ metadata: {}, status: { conditions: [{ type: 'Denied', status: 'True', reason: 'KubectlDeny' }] } }), { refused: 'Denied (KubectlDeny)' });
  });

  it('reuses a stored certificate only for the same CN, CA and while valid', async () => {
    const ca = createCa();
    const other = createCa();
    const { certPem } = await issueClientCertificate(ca, { commonName: 'system:node:n1', organizations: ['system:nodes'] }, { days: 1 });
    assert.equal(usableCertificate(certPem, ca.certPem, 'system:node:n1', new Date()), true);
    assert.equal(usableCertificate(certPem, ca.certPem, 'system:node:n2', new Date()), false);
    assert.equal(usableCertificate(certPem, other.certPem, 'system:node:n1', new Date()), false);
    assert.equal(usableCertificate(certPem, ca.certPem, 'system:node:n1', new Date(Date.now() + 2 * 86_400_000)), false);
  });
});
