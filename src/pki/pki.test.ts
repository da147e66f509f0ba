import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, hostIdentity, issueClientCertificate, type HostIdentity } from './index.js';

const id: HostIdentity = { hostname: 'node-a', ips: ['192.0.2.10', '2001:db8::10'] };
const DAY = 86_400_000;

function tempDir(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'kubeling-pki-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

test('first start creates the CA, serving and admin certificates well under a second', async (t) => {
  const dir = tempDir(t);
  const t0 = performance.now();
  const pki = await ensurePki(dir, id);
  const ms = performance.now() - t0;
  t.diagnostic(`ensurePki first creation took ${ms.toFixed(1)} ms`);
  assert.equal(pki.created, true);
  assert.ok(ms < 500, `took ${ms} ms`);
  for (const f of ['ca.crt', 'ca.key', 'apiserver.crt', 'apiserver.key', 'admin.crt', 'admin.key']) assert.ok(existsSync(join(pki.dir, f)), f);
});

test('private keys are 0600 and the pki directory is 0700', async (t) => {
  const pki = await ensurePki(tempDir(t), id);
  assert.equal(statSync(pki.dir).mode & 0o777, 0o700);
  for (const f of ['ca.key', 'apiserver.key', 'admin.key']) assert.equal(statSync(join(pki.dir, f)).mode & 0o777, 0o600, f);
});

test('the CA is a 10-year self-signed kubeling-ca certificate authority', async (t) => {
  const { ca } = await ensurePki(tempDir(t), id);
  const c = new X509Certificate(ca.certPem);
  assert.equal(c.subject, 'CN=kubeling-ca');
  assert.equal(c.ca, true);
  assert.ok(c.checkIssued(c) && c.verify(c.publicKey));
  const years = (Date.parse(c.validTo) - Date.now()) / (365 * DAY);
  assert.ok(years > 9.9 && years < 10.1, `validity ${years} years`);
});

test('the serving certificate covers localhost, the kubernetes service names, the hostname and every host IP', async (t) => {
  const { server, ca } = await ensurePki(tempDir(t), id);
  const c = new X509Certificate(server.certPem);
  assert.equal(c.subject, 'CN=kube-apiserver');
  assert.ok(c.checkIssued(new X509Certificate(ca.certPem)));
  for (const dns of ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'node-a']) {
    assert.ok(c.checkHost(dns, { subject: 'never' }), dns);
  }
  for (const ip of ['127.0.0.1', '::1', '10.96.0.1', '192.0.2.10', '2001:db8::10']) assert.ok(c.checkIP(ip), ip);
  assert.deepEqual(c.keyUsage, ['1.3.6.1.5.5.7.3.1']);
});

test('the admin certificate is kubernetes-admin in system:masters for client auth', async (t) => {
  const { admin } = await ensurePki(tempDir(t), id);
  const c = new X509Certificate(admin.certPem);
  assert.equal(c.subject, 'O=system:masters\nCN=kubernetes-admin');
  assert.deepEqual(c.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.ok(c.checkPrivateKey(createPrivateKey(admin.keyPem)));
});

test('openssl verifies the serving and admin certificates against the CA', { skip: !existsSync('/usr/bin/openssl') && 'openssl not installed' }, async (t) => {
  const pki = await ensurePki(tempDir(t), id);
  const out = execFileSync('openssl', ['verify', '-CAfile', join(pki.dir, 'ca.crt'), join(pki.dir, 'apiserver.crt'), join(pki.dir, 'admin.crt')], { encoding: 'utf8' });
  assert.match(out, /apiserver\.crt: OK/);
  assert.match(out, /admin\.crt: OK/);
});

test('a restart loads the existing PKI unchanged', async (t) => {
  const dir = tempDir(t);
  const first = await ensurePki(dir, id);
  const second = await ensurePki(dir, id);
  assert.equal(second.created, false);
  assert.deepEqual([second.ca, second.server, second.admin], [first.ca, first.server, first.admin]);
});

test('a new host address re-issues the serving certificate from the same CA', async (t) => {
  const dir = tempDir(t);
  const first = await ensurePki(dir, id);
  const moved = await ensurePki(dir, { hostname: 'node-a', ips: ['198.51.100.7'] });
  assert.equal(moved.created, false);
  assert.equal(moved.ca.certPem, first.ca.certPem);
  assert.notEqual(moved.server.certPem, first.server.certPem);
  const c = new X509Certificate(moved.server.certPem);
  assert.ok(c.checkIP('198.51.100.7'));
  assert.ok(c.checkIssued(new X509Certificate(first.ca.certPem)));
  assert.equal(readFileSync(join(dir, 'pki', 'apiserver.crt'), 'utf8'), moved.server.certPem);
  assert.equal(moved.admin.certPem, first.admin.certPem);
});

test('a serving certificate expiring within 30 days is renewed', async (t) => {
  const dir = tempDir(t);
  const first = await ensurePki(dir, id);
  const later = new Date(Date.now() + 340 * DAY);
  const renewed = await ensurePki(dir, id, { now: () => later });
  assert.equal(renewed.ca.certPem, first.ca.certPem);
  assert.notEqual(renewed.server.certPem, first.server.certPem);
  assert.ok(Date.parse(new X509Certificate(renewed.server.certPem).validTo) > later.getTime() + 300 * DAY);
});

test('a CA certificate without its key is an error, never a silently regenerated CA', async (t) => {
  const dir = tempDir(t);
  const first = await ensurePki(dir, id);
  rmSync(join(dir, 'pki', 'ca.key'));
  await assert.rejects(ensurePki(dir, id), /ca\.key is missing/);
  assert.equal(readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8'), first.ca.certPem);
});

test('a CA key that does not match the CA certificate is an error', async (t) => {
  const dir = tempDir(t);
  await ensurePki(dir, id);
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  writeFileSync(join(dir, 'pki', 'ca.key'), other);
  await assert.rejects(ensurePki(dir, id), /does not match/);
});

test('a client certificate for a given public key carries that key and no private key', async (t) => {
  const { ca } = await ensurePki(tempDir(t), id);
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = String(publicKey.export({ type: 'spki', format: 'pem' }));
  const issued = await issueClientCertificate(ca, { commonName: 'system:node:node-a', organizations: ['system:nodes'] }, { publicKeyPem: pem, days: 10 });
  assert.equal(issued.keyPem, '');
  const c = new X509Certificate(issued.certPem);
  assert.equal(c.subject, 'O=system:nodes\nCN=system:node:node-a');
  assert.ok(c.publicKey.equals(createPublicKey(pem)));
  assert.ok(c.verify(new X509Certificate(ca.certPem).publicKey));
  const days = (Date.parse(c.validTo) - Date.now()) / DAY;
  assert.ok(days > 9.9 && days < 10.1);
});

test('hostIdentity lists non-loopback IPv4 addresses before IPv6 ones and skips link-local', () => {
  const got = hostIdentity({
    hostname: () => 'Box',
    interfaces: () => ({
      lo: [
        { address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '255.0.0.0', mac: '', cidr: null },
        { address: '::1', family: 'IPv6', internal: true, netmask: '', mac: '', cidr: null, scopeid: 0 },
      ],
      eth0: [
        { address: 'fe80::1', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 2 },
        { address: '2001:db8::5', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 0 },
        { address: '10.0.0.5', family: 'IPv4', internal: false, netmask: '255.0.0.0', mac: '', cidr: null },
      ],
    }),
  });
  assert.deepEqual(got, { hostname: 'box', ips: ['10.0.0.5', '2001:db8::5'] });
});
