import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { decodeJwt } from 'jose';
import type { KubeObject } from '../../api/object.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import { eventually } from '../../client/test-apiserver.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import type { ServiceAccountTokenIssuer } from '../../apiserver/authn/serviceaccount.js';
import { SA_UID_ANNOTATION, tokenSecretNeeds, tokensControllerWith } from './index.js';

const SECRETS = { group: '', version: 'v1', resource: 'secrets' };
const SAS = { group: '', version: 'v1', resource: 'serviceaccounts' };

let tc: TestControllers;
let client: RestClient;
before(async () => {
  // The signer is the test server's own, known only once it runs; the controller signs lazily.
  const signer: { issuer?: ServiceAccountTokenIssuer } = {};
  tc = await startTestControllers([tokensControllerWith({ sign: (ns, sa, secret) => signer.issuer!.legacy(ns, sa, secret) })]);
  signer.issuer = tc.srv.api.serviceAccountTokens;
  client = tc.srv.client;
});
after(async () => {
  await tc.stop();
});

async function secret(name: string): Promise<KubeObject | undefined> {
  try {
    return await client.get({ ...SECRETS, namespace: 'default', name });
  } catch (e) {
    if (isStatus(e, 404)) return undefined;
    throw e;
  }
}

/** The user name the server gives a bearer token (SelfSubjectReview), sent without a client certificate. */
function whoami(token: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: tc.srv.api.port, method: 'POST', path: '/apis/authentication.k8s.io/v1/selfsubjectreviews', ca: client.opts.caPem, agent: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString()) as { status?: { userInfo?: { username?: string } } }).status?.userInfo?.username));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }));
  });
}

function tokenSecret(name: string, sa: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, annotations: { 'kubernetes.io/service-account.name': sa } }, type: 'kubernetes.io/service-account-token' };
}

test('a token Secret of a missing ServiceAccount is to be deleted; a complete one needs nothing', () => {
  const s: KubeObject = { metadata: { namespace: 'default', annotations: { [SA_UID_ANNOTATION]: 'u1' } }, data: { token: 'eA==', 'ca.crt': Buffer.from('CA').toString('base64'), namespace: Buffer.from('default').toString('base64') } };
  assert.equal(tokenSecretNeeds(s, undefined, 'CA'), 'delete');
  assert.equal(tokenSecretNeeds(s, { metadata: { uid: 'u2' } }, 'CA'), 'delete');
  assert.deepEqual(tokenSecretNeeds(s, { metadata: { uid: 'u1' } }, 'CA'), { token: false, ca: false, namespace: false, uid: false });
});

test('a token Secret gets a legacy token, ca.crt, namespace and the ServiceAccount uid, and the token authenticates', async () => {
  const sa = await client.create({ ...SAS, namespace: 'default' }, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' } });
  await client.create({ ...SECRETS, namespace: 'default' }, tokenSecret('builder-token', 'builder'));
  await eventually(async () => Boolean(((await secret('builder-token'))?.data as Record<string, string> | undefined)?.token), 'token filled');
  const s = (await secret('builder-token'))!;
  const data = s.data as Record<string, string>;
  const token = Buffer.from(data.token!, 'base64').toString();
  assert.equal(Buffer.from(data.namespace!, 'base64').toString(), 'default');
  assert.equal(Buffer.from(data['ca.crt']!, 'base64').toString(), client.opts.caPem);
  assert.equal(s.metadata.annotations?.[SA_UID_ANNOTATION], sa.metadata.uid);
  const claims = decodeJwt(token);
  assert.equal(claims.iss, 'kubernetes/serviceaccount');
  assert.equal(claims['kubernetes.io/serviceaccount/secret.name'], 'builder-token');
  assert.equal(await whoami(token), 'system:serviceaccount:default:builder');
});

test('deleting the ServiceAccount deletes its token Secrets', async () => {
  await client.create({ ...SAS, namespace: 'default' }, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'temp' } });
  await client.create({ ...SECRETS, namespace: 'default' }, tokenSecret('temp-token', 'temp'));
  await eventually(async () => Boolean(((await secret('temp-token'))?.data as Record<string, string> | undefined)?.token), 'token filled');
  await client.delete({ ...SAS, namespace: 'default', name: 'temp' });
  await eventually(async () => (await secret('temp-token')) === undefined, 'secret deleted');
});

test('a token Secret naming a ServiceAccount that does not exist is deleted', async () => {
  await client.create({ ...SECRETS, namespace: 'default' }, tokenSecret('ghost-token', 'ghost'));
  await eventually(async () => (await secret('ghost-token')) === undefined, 'secret deleted');
});
