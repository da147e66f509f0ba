import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { certificateSigningRequestResource as csr } from './certificatesigningrequest.js';
import { csrError } from './csr-parse.js';

const ecPem = `-----BEGIN CERTIFICATE REQUEST-----
MIHZMIGAAgEAMB4xDjAMBgNVBAMMBWFsaWNlMQwwCgYDVQQKDANkZXYwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAATcHtlCXxO76cUcgf8ouLWg30/EzJZeq56TrU/W
FUhPVVpAbcFtoQzFJOSVFBIfMcj88Ufsnqd64Qnerjh7uP1+oAAwCgYIKoZIzj0E
AwIDSAAwRQIhAOV6DAjGHElqPnX+73l3UcVKogdL6cBYAXkr6mvpQtWTAiAsvgdY
oKZiLk1mXWPSniSqf5xsqFkut8VLZcJ89YSxcA==
-----END CERTIFICATE REQUEST-----
`;
const rsaPem = `-----BEGIN CERTIFICATE REQUEST-----
MIICUzCCATsCAQAwDjEMMAoGA1UEAwwDYm9iMIIBIjANBgkqhkiG9w0BAQEFAAOC
AQ8AMIIBCgKCAQEAnOU+T98GK6L6vLgQYDAAvCSEG82gaRXbtwlOdLgCILRdiEDs
c3G43LD15HqU4e/U6hVBCTc7VvcqLyRESSzCFPGEtL/sWuUuSAE0FVU1iaeLbMGG
WHFjft2uIwJ1HFJw/oDt/uPrFtBUgYmW2SklBQAtkQuCVoQqRpg51ABMdJUOATqZ
X8aguirNltIyLhizbW2JAspkfiSKH70z6sdTEvJgqSB4ZUaY9y9OW8TlA1ayQyX2
ZkAjRiUTMp1mAbGCtfgscssgt/sNWRTqDvGgJr4/GpJevlrnagkEn3QBhjUPr2Ed
njnJWb2K6ITpSppkobLUS3VAbGG98Y4rrSBaxwIDAQABoAAwDQYJKoZIhvcNAQEL
BQADggEBAIZoK8xNJld0mBV4St5IFJS54Cgn6i7dHVpMVYVFaRXGNOepHSUdxqDf
98Kd7NzkG4vCeukaVfvjPbXbIUmsJcnG/KzXZY6Dc3wXAlArjDtjoCyBVeQHB8Eg
d0ClCbBwDaj8W72paIinYqFnfN8He+tMAa+7ABisJnxHX2IAjUd+vWKlvtjDGr8o
8Ty4LzQXRQ0winruFuRZ6u0V/KbKAY5NDNwnbKyFYu4WMabsJuotVB0luPG2w9g+
DNpCUwWh6nVEyNJmujH+ADSnj6lfLE5+h2HjCEiDKbTnWmSfSjvG9edxfEE3992k
tKOF4E7EHSbYgiL0Voz75K1sCYRIiR0=
-----END CERTIFICATE REQUEST-----
`;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

function make(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  return { metadata: { name: 'alice', creationTimestamp: new Date().toISOString() }, spec, ...(status ? { status } : {}) };
}
const good = { request: b64(ecPem), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], username: 'admin' };
const msgs = (o: KubeObject): string[] => (csr.strategy.validate?.(o) ?? []).map((e) => formatFieldError(e));

test('signed EC and RSA requests verify', () => {
  assert.equal(csrError(b64(ecPem)), undefined);
  assert.equal(csrError(b64(rsaPem)), undefined);
  assert.deepEqual(msgs(make(good)), []);
});

test('a request that is not a CSR PEM block is rejected with the upstream message', () => {
  const m = msgs(make({ ...good, request: b64('hello') }));
  assert.equal(m.length, 1);
  assert.match(m[0] ?? '', /^spec\.request: Invalid value: ".*": PEM block type must be CERTIFICATE REQUEST$/);
});

test('a tampered request fails signature verification', () => {
  const der = Buffer.from(ecPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  der[30] = (der[30] ?? 0) ^ 0xff; // inside the subject
  const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  assert.ok(csrError(b64(pem)));
});

test('usages must be known and signerName a domain/path name', () => {
  assert.deepEqual(msgs(make({ ...good, usages: ['client auth', 'client auth'], signerName: 'example' })), [
    'spec.usages[1]: Duplicate value: "client auth"',
    "spec.signerName: Invalid value: \"example\": must be a fully qualified domain and path of the form 'example.com/signer-name'",
  ]);
  assert.deepEqual(msgs(make({ ...good, usages: [] })), ['spec.usages: Required value: usages must be provided']);
});

test('Approved and Denied are mutually exclusive', () => {
  const o = make(good, { conditions: [{ type: 'Approved', status: 'True' }, { type: 'Denied', status: 'True' }] });
  const m = msgs(o);
  assert.equal(m.length, 1);
  assert.match(m[0] ?? '', /^status\.conditions: Invalid value: .*: Approved and Denied conditions are mutually exclusive$/);
});

test('create clears status and updates keep the old spec', () => {
  const o = make(good, { conditions: [{ type: 'Approved', status: 'True' }] });
  csr.strategy.prepareForCreate?.(o);
  assert.deepEqual(o.status, {});
  const changed = make({ ...good, signerName: 'example.com/other' });
  csr.strategy.prepareForUpdate?.(changed, make(good));
  assert.deepEqual(changed.spec, good);
});

test('the table shows signer, requestor, duration and condition', () => {
  const o = make({ ...good, expirationSeconds: 3600 }, { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'Zm9v' });
  const row = csr.strategy.row?.(o) ?? [];
  assert.deepEqual([row[0], ...row.slice(2)], ['alice', 'kubernetes.io/kube-apiserver-client', 'admin', '60m', 'Approved,Issued']);
  assert.equal(csr.strategy.row?.(make(good))[5], 'Pending');
  assert.equal(csr.strategy.fieldSelectors?.['spec.signerName']?.(o), 'kubernetes.io/kube-apiserver-client');
});
