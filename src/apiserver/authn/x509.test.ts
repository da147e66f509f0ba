import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { ApiError } from '../../api/errors.js';
import { createCa, issueClientCertificate, issueServingCertificate, type KeyPair } from '../../pki/index.js';
import { X509Authenticator } from './x509.js';
import { UnionAuthenticator, anonymousUser, type Authenticator, type UserInfo } from './types.js';

const ca = createCa();
const raw = (p: KeyPair) => ({ headers: {}, peerCertificate: { raw: new X509Certificate(p.certPem).raw } });
const is401 = (e: unknown) => e instanceof ApiError && e.code === 401 && e.reason === 'Unauthorized';

test('a client certificate signed by the CA authenticates as its CN with its O values as groups', async () => {
  const cert = await issueClientCertificate(ca, { commonName: 'jane', organizations: ['dev', 'ops'] });
  const user = await new X509Authenticator(ca.certPem).authenticate(raw(cert));
  assert.deepEqual(user, { name: 'jane', groups: ['dev', 'ops', 'system:authenticated'] });
});

test('a request without a client certificate is left to the other authenticators', async () => {
  const a = new X509Authenticator(ca.certPem);
  assert.equal(await a.authenticate({ headers: {} }), undefined);
  assert.equal(await a.authenticate({ headers: {}, peerCertificate: { raw: Buffer.alloc(0) } }), undefined);
});

test('a certificate from another CA is rejected with 401 Unauthorized', async () => {
  const other = await issueClientCertificate(createCa(), { commonName: 'mallory', organizations: ['system:masters'] });
  await assert.rejects(new X509Authenticator(ca.certPem).authenticate(raw(other)), is401);
});

test('a certificate is accepted when any CA of the bundle issued it', async () => {
  const second = createCa();
  const cert = await issueClientCertificate(second, { commonName: 'bob', organizations: [] });
  const user = await new X509Authenticator(ca.certPem + second.certPem).authenticate(raw(cert));
  assert.equal(user?.name, 'bob');
});

test('an expired certificate is rejected even after it was verified and cached', async () => {
  let now = new Date();
  const a = new X509Authenticator(ca.certPem, { now: () => now });
  const cert = await issueClientCertificate(ca, { commonName: 'tmp', organizations: [] }, { days: 1 });
  assert.equal((await a.authenticate(raw(cert)))?.name, 'tmp');
  now = new Date(Date.now() + 2 * 86_400_000);
  await assert.rejects(a.authenticate(raw(cert)), is401);
});

test('a certificate that is not yet valid is rejected', async () => {
  const cert = await issueClientCertificate(ca, { commonName: 'future', organizations: [] }, { now: new Date(Date.now() + 10 * 86_400_000) });
  await assert.rejects(new X509Authenticator(ca.certPem).authenticate(raw(cert)), is401);
});

test('a serving certificate cannot be used for client authentication', async () => {
  const server = issueServingCertificate(ca, { hostname: 'h', ips: [] });
  await assert.rejects(new X509Authenticator(ca.certPem).authenticate(raw(server)), is401);
});

test('a certificate with an empty common name is rejected', async () => {
  const cert = await issueClientCertificate(ca, { commonName: '', organizations: ['dev'] });
  await assert.rejects(new X509Authenticator(ca.certPem).authenticate(raw(cert)), is401);
});

test('callers cannot alter the cached identity through a returned user', async () => {
  const a = new X509Authenticator(ca.certPem);
  const cert = await issueClientCertificate(ca, { commonName: 'x', organizations: ['g'] });
  const first = await a.authenticate(raw(cert));
  first?.groups.push('system:masters');
  assert.deepEqual((await a.authenticate(raw(cert)))?.groups, ['g', 'system:authenticated']);
});

test('verifying a cached certificate takes microseconds', async () => {
  const a = new X509Authenticator(ca.certPem);
  const req = raw(await issueClientCertificate(ca, { commonName: 'hot', organizations: [] }));
  await a.authenticate(req);
  const t0 = performance.now();
  for (let i = 0; i < 2000; i++) await a.authenticate(req);
  const perCall = (performance.now() - t0) / 2000;
  assert.ok(perCall < 0.2, `${perCall} ms per call`);
});

const fixed = (u: UserInfo | undefined): Authenticator => ({ authenticate: () => Promise.resolve(u) });
const failing = (msg: string): Authenticator => ({ authenticate: () => Promise.reject(new ApiError(401, 'Unauthorized', msg)) });

test('the union answers with the first authenticator that knows the user', async () => {
  const u = await new UnionAuthenticator([fixed(undefined), fixed({ name: 'a', groups: [] }), fixed({ name: 'b', groups: [] })]).authenticate({ headers: {} });
  assert.equal(u?.name, 'a');
});

test('the union still authenticates with a later credential when an earlier one is bad', async () => {
  const u = await new UnionAuthenticator([failing('bad token'), fixed({ name: 'ok', groups: [] })]).authenticate({ headers: {} });
  assert.equal(u?.name, 'ok');
});

test('the union rethrows the first failure when nothing authenticates', async () => {
  await assert.rejects(new UnionAuthenticator([fixed(undefined), failing('first'), failing('second')]).authenticate({ headers: {} }), /first/);
});

test('the union answers undefined when no credential is present, leaving the anonymous user to the server', async () => {
  assert.equal(await new UnionAuthenticator([fixed(undefined)]).authenticate({ headers: {} }), undefined);
  assert.deepEqual(anonymousUser, { name: 'system:anonymous', groups: ['system:unauthenticated'] });
});
