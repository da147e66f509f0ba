import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { ipBytes, readSubject } from './cert.js';
import { namedBits, oid, readNode, readOid, time } from './der.js';
import { createCa, issueClientCertificate } from './index.js';

test('IP literals encode to network-order bytes for iPAddress SANs', () => {
  assert.equal(ipBytes('10.96.0.1').toString('hex'), '0a600001');
  assert.equal(ipBytes('::1').toString('hex'), '00000000000000000000000000000001');
  assert.equal(ipBytes('2001:db8::').toString('hex'), '20010db8000000000000000000000000');
  assert.equal(ipBytes('fe80::1%eth0').toString('hex'), 'fe800000000000000000000000000001');
  assert.equal(ipBytes('::ffff:192.0.2.1').toString('hex'), '00000000000000000000ffffc0000201');
  assert.throws(() => ipBytes('node-a'));
});

test('KeyUsage bits drop trailing zero bits as DER requires', () => {
  assert.equal(namedBits([5, 6]).toString('hex'), '03020106'); // keyCertSign|cRLSign
  assert.equal(namedBits([0]).toString('hex'), '03020780'); // digitalSignature
  assert.equal(namedBits([0, 2]).toString('hex'), '030205a0');
});

test('object identifiers round-trip through the encoder and reader', () => {
  for (const o of ['2.5.29.37.0', '1.2.840.10045.4.3.2', '1.3.6.1.5.5.7.3.2']) assert.equal(readOid(readNode(oid(o))), o);
});

test('validity uses UTCTime before 2050 and GeneralizedTime from 2050', () => {
  assert.equal(time(new Date('2036-01-02T03:04:05.678Z')).subarray(2).toString('ascii'), '360102030405Z');
  assert.equal(time(new Date('2051-01-02T03:04:05Z')).subarray(2).toString('ascii'), '20510102030405Z');
});

test('the subject reader returns the CN and every O, including non-ASCII values', async () => {
  const cert = await issueClientCertificate(createCa(), { commonName: 'jürgen', organizations: ['a', 'b:c', 'équipe'] });
  assert.deepEqual(readSubject(new X509Certificate(cert.certPem).raw), { commonName: 'jürgen', organizations: ['a', 'b:c', 'équipe'] });
});
