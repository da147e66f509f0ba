import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errors } from '../../api/errors.js';
import { startReviewTestServer, type ReviewTestServer } from '../authz/review-testing.js';
import type { KeyPair } from '../../pki/index.js';
import type { AuthRequest, Authenticator, UserInfo } from './types.js';
import { tokenReviewHandler, type AudienceAuthRequest } from './selfsubjectreview.js';
import { startAuthnTestServer } from './test-server.js';

const AUTHN = '/apis/authentication.k8s.io';
const fixture = (name: string): Buffer =>
  Buffer.from(readFileSync(join(fileURLToPath(new URL('.', import.meta.url.replace('/dist/src/', '/src/'))), '..', 'codec', 'testdata', `${name}.hex`), 'utf8').trim(), 'hex');

/** Bearer tokens: "tom-token" is tom, "sa-token" a service account, "broken" a rejected token; others are not tokens of this kind. */
const seenRequests: AudienceAuthRequest[] = [];
const tokens: Authenticator = {
  authenticate(req: AuthRequest): Promise<UserInfo | undefined> {
    const h = (req.headers as Record<string, string | string[] | undefined>).authorization;
    const auth = Array.isArray(h) ? (h[0] ?? '') : (h ?? '');
    if (!auth) return Promise.resolve(undefined);
    seenRequests.push(req);
    if (auth === 'Bearer tom-token') return Promise.resolve({ name: 'tom', uid: '42', groups: ['ops', 'system:authenticated'], extra: { team: ['blue'] } });
    if (auth === 'Bearer sa-token') return Promise.resolve({ name: 'system:serviceaccount:default:mysa', groups: ['system:serviceaccounts', 'system:authenticated'] });
    if (auth === 'Bearer broken') return Promise.reject(errors.unauthorized('invalid bearer token'));
    return Promise.resolve(undefined);
  },
};

let s: ReviewTestServer;
let alice: KeyPair;

before(async () => {
  s = await startReviewTestServer([tokens]);
  alice = await s.userCert('alice', ['dev', 'qa']);
  s.authz.decide = () => ({ allowed: true });
});
after(async () => {
  await s.stop();
});

test('a SelfSubjectReview answers the caller\'s name and groups with a creationTimestamp', async () => {
  const r = await s.request('POST', `${AUTHN}/v1/selfsubjectreviews`, { as: alice, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
  assert.equal(r.status, 201);
  assert.equal(r.body.kind, 'SelfSubjectReview');
  assert.equal(r.body.apiVersion, 'authentication.k8s.io/v1');
  assert.deepEqual(r.body.status, { userInfo: { username: 'alice', groups: ['dev', 'qa', 'system:authenticated'] } });
  assert.match(String((r.body.metadata as { creationTimestamp: string }).creationTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('a SelfSubjectReview reports uid and extra of a token user', async () => {
  const r = await s.request('POST', `${AUTHN}/v1/selfsubjectreviews`, { as: { certPem: '', keyPem: '' }, headers: { authorization: 'Bearer tom-token' }, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.status, { userInfo: { username: 'tom', uid: '42', groups: ['ops', 'system:authenticated'], extra: { team: ['blue'] } } });
});

test('kubectl 1.33 whoami protobuf bodies for v1 and v1beta1 are answered in their version', async () => {
  for (const v of ['v1', 'v1beta1']) {
    const r = await s.request('POST', `${AUTHN}/${v}/selfsubjectreviews`, { as: alice, raw: fixture(`kubectl-1.33-auth-whoami-${v}`), contentType: 'application/vnd.kubernetes.protobuf' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.apiVersion, `authentication.k8s.io/${v}`);
    assert.equal((r.body.status as { userInfo: { username: string } }).userInfo.username, 'alice');
  }
});

test('discovery lists selfsubjectreviews and tokenreviews as create-only cluster resources', async () => {
  const r = await s.request('GET', `${AUTHN}/v1`);
  const list = r.body.resources as { name: string; namespaced: boolean; verbs: string[] }[];
  assert.deepEqual(list.map((x) => [x.name, x.namespaced, x.verbs.join()]).sort(), [['selfsubjectreviews', false, 'create'], ['tokenreviews', false, 'create']]);
  const beta = await s.request('GET', `${AUTHN}/v1beta1`);
  assert.deepEqual((beta.body.resources as { name: string }[]).map((x) => x.name), ['selfsubjectreviews']);
});

const tr = (spec: Record<string, unknown>) => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec });

test('a TokenReview of a valid token answers authenticated with the token\'s user, not the caller', async () => {
  const r = await s.request('POST', `${AUTHN}/v1/tokenreviews`, { body: tr({ token: 'tom-token' }) });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.spec, { token: 'tom-token' });
  // The server's API audiences default to the ServiceAccount issuer.
  assert.deepEqual(r.body.status, {
    authenticated: true,
    user: { username: 'tom', uid: '42', groups: ['ops', 'system:authenticated'], extra: { team: ['blue'] } },
    audiences: ['https://kubernetes.default.svc.cluster.local'],
  });
});

test('the token is reviewed alone: no client certificate reaches the authenticator', async () => {
  seenRequests.length = 0;
  await s.request('POST', `${AUTHN}/v1/tokenreviews`, { body: tr({ token: 'tom-token' }) });
  assert.equal(seenRequests.length, 1);
  assert.equal(seenRequests[0]!.peerCertificate, undefined);
  assert.deepEqual(Object.keys(seenRequests[0]!.headers), ['authorization']);
});

test('a TokenReview of a rejected token answers authenticated false with the error', async () => {
  const r = await s.request('POST', `${AUTHN}/v1/tokenreviews`, { body: tr({ token: 'broken' }) });
  assert.equal(r.status, 201);
  const st = r.body.status as { authenticated: boolean; user: object; error: string };
  assert.equal(st.authenticated, false);
  assert.deepEqual(st.user, {});
  assert.ok(st.error.length > 0);
});

test('a TokenReview of a token no authenticator knows answers authenticated false', async () => {
  const r = await s.request('POST', `${AUTHN}/v1/tokenreviews`, { body: tr({ token: 'who-knows' }) });
  assert.equal(r.status, 201);
  assert.equal((r.body.status as { authenticated: boolean }).authenticated, false);
  assert.equal((r.body.status as { user?: object }).user === undefined, false);
});

test('a TokenReview without a token is 400', async () => {
  const r = await s.request('POST', `${AUTHN}/v1/tokenreviews`, { body: tr({}) });
  assert.equal(r.status, 400);
  assert.equal(r.body.message, 'token is required for TokenReview in authentication');
});

test('TokenReview is cluster-scoped: a namespaced path is 404', async () => {
  const r = await s.request('POST', `${AUTHN}/v1/namespaces/default/tokenreviews`, { body: tr({ token: 'tom-token' }) });
  assert.equal(r.status, 404);
});

test('with API audiences, a token is valid for the wanted audiences it shares with them and for no other', async () => {
  s.api.server.registerCreate('authentication.k8s.io', 'tokenreviews', tokenReviewHandler(tokens, { apiAudiences: ['https://kubernetes.default.svc', 'api'] }));
  const def = await s.request('POST', `${AUTHN}/v1/tokenreviews`, { body: tr({ token: 'tom-token' }) });
  assert.deepEqual((def.body.status as { audiences: string[] }).audiences, ['https://kubernetes.default.svc', 'api']);
  seenRequests.length = 0;
  const some = await s.request('POST', `${AUTHN}/v1/tokenreviews`, { body: tr({ token: 'sa-token', audiences: ['api', 'vault'] }) });
  assert.deepEqual(some.body.status, { authenticated: true, user: { username: 'system:serviceaccount:default:mysa', groups: ['system:serviceaccounts', 'system:authenticated'] }, audiences: ['api'] });
  assert.deepEqual(seenRequests[0]!.audiences, ['api', 'vault']);
  const foreign = await s.request('POST', `${AUTHN}/v1/tokenreviews`, { body: tr({ token: 'sa-token', audiences: ['vault'] }) });
  assert.equal((foreign.body.status as { authenticated: boolean }).authenticated, false);
});

test('a TokenReview for the audience a ServiceAccount token was made for authenticates it with that audience', async () => {
  const srv = await startAuthnTestServer();
  try {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'vaulted' } };
    assert.equal((await srv.call('POST', '/api/v1/namespaces/default/serviceaccounts', { admin: true, body: sa })).status, 201);
    const treq = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['vault'], expirationSeconds: 600 } };
    const made = await srv.call('POST', '/api/v1/namespaces/default/serviceaccounts/vaulted/token', { admin: true, body: treq });
    assert.equal(made.status, 201, made.text);
    const token = (made.body.status as { token: string }).token;
    const review = (audiences?: string[]) => srv.call('POST', `${AUTHN}/v1/tokenreviews`, { admin: true, body: tr({ token, ...(audiences ? { audiences } : {}) }) });
    const ok = await review(['vault']);
    assert.equal(ok.status, 201, ok.text);
    const st = ok.body.status as { authenticated: boolean; user: { username: string }; audiences: string[] };
    assert.equal(st.authenticated, true);
    assert.equal(st.user.username, 'system:serviceaccount:default:vaulted');
    assert.deepEqual(st.audiences, ['vault']);
    const both = await review(['other', 'vault']);
    assert.deepEqual((both.body.status as { audiences: string[] }).audiences, ['vault']);
    // Without spec.audiences the API audiences are wanted, which this token is not for.
    const api = (await review()).body.status as { authenticated: boolean; error: string };
    assert.equal(api.authenticated, false);
    assert.match(api.error, /token audiences \["vault"\] is invalid for the target audiences/);
    // Nor is it valid for the API itself.
    assert.equal((await srv.call('GET', '/api/v1/namespaces', { headers: { authorization: `Bearer ${token}` } })).status, 401);
  } finally {
    await srv.stop();
  }
});
