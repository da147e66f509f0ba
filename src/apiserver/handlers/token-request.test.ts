import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { startAuthnTestServer, bearer, type AuthnTestServer, type CallResult } from '../authn/test-server.js';
import { DEFAULT_ISSUER } from '../authn/serviceaccount.js';

let s: AuthnTestServer;
let saUid = '';
before(async () => {
  s = await startAuthnTestServer();
  const sa = await s.call('POST', '/api/v1/namespaces/default/serviceaccounts', { admin: true, body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'mysa' } } });
  assert.equal(sa.status, 201, sa.text);
  saUid = String((sa.body.metadata as { uid: string }).uid);
});
after(async () => {
  await s.stop();
});

const PATH = '/api/v1/namespaces/default/serviceaccounts/mysa/token';

function tokenRequest(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec };
}

async function whoami(token: string): Promise<CallResult> {
  return s.call('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { headers: bearer(token), body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
}

test('a TokenRequest returns a token for the API audience valid for an hour by default', async () => {
  const r = await s.call('POST', PATH, { admin: true, body: tokenRequest() });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.kind, 'TokenRequest');
  assert.deepEqual((r.body.metadata as Record<string, unknown>).name, 'mysa');
  const spec = r.body.spec as { audiences: string[]; expirationSeconds: number };
  assert.deepEqual(spec.audiences, [DEFAULT_ISSUER]);
  assert.equal(spec.expirationSeconds, 3600);
  const token = String(r.body.status?.token);
  const claims = decodeJwt(token);
  assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600);
  assert.equal(new Date(String(r.body.status?.expirationTimestamp)).getTime() / 1000, claims.exp);
  const who = await whoami(token);
  assert.equal(who.status, 201, who.text);
  const user = who.body.status?.userInfo as { username: string; uid: string; groups: string[] };
  assert.equal(user.username, 'system:serviceaccount:default:mysa');
  assert.equal(user.uid, saUid);
  assert.deepEqual(user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
});

test('a duration under ten minutes is rejected with the upstream validation message', async () => {
  const r = await s.call('POST', PATH, { admin: true, body: tokenRequest({ expirationSeconds: 60 }) });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.message, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
});

test('a token for a missing ServiceAccount is a 404', async () => {
  const r = await s.call('POST', '/api/v1/namespaces/default/serviceaccounts/nope/token', { admin: true, body: tokenRequest() });
  assert.equal(r.status, 404, r.text);
  assert.equal(r.body.message, 'serviceaccounts "nope" not found');
});

test('a token for another audience is issued but does not authenticate to the API', async () => {
  const r = await s.call('POST', PATH, { admin: true, body: tokenRequest({ audiences: ['vault'] }) });
  assert.equal(r.status, 201, r.text);
  assert.equal((await whoami(String(r.body.status?.token))).status, 401);
});

test('a pod-bound token works while the pod exists and is refused once it is deleted', async () => {
  const pod = await s.call('POST', '/api/v1/namespaces/default/pods', {
    admin: true,
    body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { serviceAccountName: 'mysa', containers: [{ name: 'c', image: 'nginx:1.27' }] } },
  });
  assert.equal(pod.status, 201, pod.text);
  const podUid = String((pod.body.metadata as { uid: string }).uid);
  const r = await s.call('POST', PATH, { admin: true, body: tokenRequest({ boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: podUid } }) });
  assert.equal(r.status, 201, r.text);
  const token = String(r.body.status?.token);
  const who = await whoami(token);
  assert.equal(who.status, 201, who.text);
  assert.deepEqual((who.body.status?.userInfo as { extra: Record<string, string[]> }).extra['authentication.kubernetes.io/pod-name'], ['web']);
  const del = await s.call('DELETE', '/api/v1/namespaces/default/pods/web?gracePeriodSeconds=0', { admin: true });
  assert.ok(del.status === 200 || del.status === 202, del.text);
  assert.equal((await whoami(token)).status, 401);
});

test('binding to a pod of another ServiceAccount, an unknown kind or a stale uid is refused', async () => {
  const pod = await s.call('POST', '/api/v1/namespaces/default/pods', {
    admin: true,
    body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other' }, spec: { serviceAccountName: 'default', containers: [{ name: 'c', image: 'nginx:1.27' }] } },
  });
  assert.equal(pod.status, 201, pod.text);
  let r = await s.call('POST', PATH, { admin: true, body: tokenRequest({ boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'other' } }) });
  assert.equal(r.status, 400);
  assert.equal(r.body.message, 'cannot bind token for serviceaccount "mysa" to pod running with different serviceaccount name.');
  r = await s.call('POST', PATH, { admin: true, body: tokenRequest({ boundObjectRef: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x' } }) });
  assert.equal(r.status, 400);
  assert.equal(r.body.message, 'cannot bind token to object of type /v1, Kind=ConfigMap');
  const secret = await s.call('POST', '/api/v1/namespaces/default/secrets', { admin: true, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bound' } } });
  assert.equal(secret.status, 201, secret.text);
  r = await s.call('POST', PATH, { admin: true, body: tokenRequest({ boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: 'bound', uid: 'stale' } }) });
  assert.equal(r.status, 409);
  assert.match(String(r.body.message), /^Operation cannot be fulfilled on Secret "bound": the UID in the bound object reference \(stale\) does not match the UID in record/);
});

test('a body naming another ServiceAccount is invalid', async () => {
  const r = await s.call('POST', PATH, { admin: true, body: { ...tokenRequest(), metadata: { name: 'someone-else' } } });
  assert.equal(r.status, 422);
  assert.equal(r.body.message, 'TokenRequest.authentication.k8s.io "mysa" is invalid: metadata.name: Invalid value: "someone-else": must match the service account name if specified');
});
