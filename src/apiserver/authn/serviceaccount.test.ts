import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { ApiError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { generateServiceAccountKey } from '../../pki/sa-key.js';
import { DEFAULT_ISSUER, EXTRA, ServiceAccountTokenAuthenticator, ServiceAccountTokenIssuer, splitServiceAccountUsername, type ObjectReader } from './serviceaccount.js';

const key = generateServiceAccountKey();
const T0 = new Date('2026-01-01T00:00:00Z');

/** An in-memory object table the authenticator reads, keyed resource/ns/name. */
function world(): { objects: Map<string, KubeObject>; read: ObjectReader } {
  const objects = new Map<string, KubeObject>();
  objects.set('serviceaccounts/default/mysa', { metadata: { name: 'mysa', namespace: 'default', uid: 'sa-uid' } });
  objects.set('pods/default/web', { metadata: { name: 'web', namespace: 'default', uid: 'pod-uid' }, spec: { serviceAccountName: 'mysa', nodeName: 'n1' } });
  return { objects, read: (r, ns, n) => Promise.resolve(objects.get(`${r}/${ns}/${n}`)) };
}

function setup(now = () => T0): { issuer: ServiceAccountTokenIssuer; authn: ServiceAccountTokenAuthenticator; objects: Map<string, KubeObject> } {
  const w = world();
  return {
    issuer: new ServiceAccountTokenIssuer({ privateKeyPem: key.privateKeyPem, now }),
    authn: new ServiceAccountTokenAuthenticator({ publicKeyPems: key.publicKeyPems, read: w.read, now }),
    objects: w.objects,
  };
}

const bound = { namespace: 'default', serviceAccount: { name: 'mysa', uid: 'sa-uid' }, audiences: [DEFAULT_ISSUER], expirationSeconds: 3600 };

async function rejects401(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (e) => e instanceof ApiError && e.code === 401 && e.message === 'Unauthorized');
}

test('an issued token carries the upstream claims and an ES256 signature with a key id', async () => {
  const { issuer } = setup();
  const t = await issuer.issue({ ...bound, pod: { name: 'web', uid: 'pod-uid' }, node: { name: 'n1' } });
  const h = decodeProtectedHeader(t.token);
  assert.equal(h.alg, 'ES256');
  assert.ok(h.kid);
  const c = decodeJwt(t.token);
  assert.equal(c.iss, DEFAULT_ISSUER);
  assert.equal(c.sub, 'system:serviceaccount:default:mysa');
  assert.deepEqual(c.aud, [DEFAULT_ISSUER]);
  assert.equal(c.iat, T0.getTime() / 1000);
  assert.equal(c.nbf, c.iat);
  assert.equal(c.exp, (c.iat ?? 0) + 3600);
  assert.equal(c.jti, t.jti);
  assert.deepEqual(c['kubernetes.io'], { namespace: 'default', serviceaccount: { name: 'mysa', uid: 'sa-uid' }, pod: { name: 'web', uid: 'pod-uid' }, node: { name: 'n1' } });
  assert.equal(t.expiresAt.getTime(), T0.getTime() + 3600_000);
});

test('a valid pod-bound token authenticates as the ServiceAccount with its groups and extras', async () => {
  const { issuer, authn } = setup();
  const t = await issuer.issue({ ...bound, pod: { name: 'web', uid: 'pod-uid' }, node: { name: 'n1' } });
  const u = await authn.authenticateToken(t.token);
  assert.equal(u?.name, 'system:serviceaccount:default:mysa');
  assert.equal(u?.uid, 'sa-uid');
  assert.deepEqual(u?.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
  assert.deepEqual(u?.extra, { [EXTRA.podName]: ['web'], [EXTRA.podUid]: ['pod-uid'], [EXTRA.nodeName]: ['n1'], [EXTRA.credentialId]: [`JTI=${t.jti}`] });
});

test('a token bound to a pod fails once the pod is deleted or replaced', async () => {
  const { issuer, authn, objects } = setup();
  const t = await issuer.issue({ ...bound, pod: { name: 'web', uid: 'pod-uid' } });
  objects.set('pods/default/web', { metadata: { name: 'web', namespace: 'default', uid: 'other' } });
  await rejects401(authn.authenticateToken(t.token));
  objects.delete('pods/default/web');
  await rejects401(authn.authenticateToken(t.token));
});

test('a pod being deleted keeps its token valid for 60 seconds after the deletion timestamp', async () => {
  let now = T0;
  const { issuer, authn, objects } = setup(() => now);
  const t = await issuer.issue({ ...bound, pod: { name: 'web', uid: 'pod-uid' } });
  objects.set('pods/default/web', { metadata: { name: 'web', namespace: 'default', uid: 'pod-uid', deletionTimestamp: T0.toISOString() } });
  assert.ok(await authn.authenticateToken(t.token));
  now = new Date(T0.getTime() + 61_000);
  await rejects401(authn.authenticateToken(t.token));
});

test('a token whose ServiceAccount was deleted or recreated is refused', async () => {
  const { issuer, authn, objects } = setup();
  const t = await issuer.issue(bound);
  objects.set('serviceaccounts/default/mysa', { metadata: { name: 'mysa', namespace: 'default', uid: 'new-uid' } });
  await rejects401(authn.authenticateToken(t.token));
});

test('an expired token is refused after the one-minute leeway', async () => {
  let now = T0;
  const { issuer, authn } = setup(() => now);
  const t = await issuer.issue({ ...bound, expirationSeconds: 600 });
  now = new Date(T0.getTime() + 630_000);
  assert.ok(await authn.authenticateToken(t.token), 'within leeway');
  now = new Date(T0.getTime() + 661_000);
  await rejects401(authn.authenticateToken(t.token));
});

test('a token for another audience is refused', async () => {
  const { issuer, authn } = setup();
  const t = await issuer.issue({ ...bound, audiences: ['vault'] });
  await rejects401(authn.authenticateToken(t.token));
});

test('a token signed by another key is refused', async () => {
  const other = generateServiceAccountKey();
  const w = world();
  const forged = await new ServiceAccountTokenIssuer({ privateKeyPem: other.privateKeyPem, now: () => T0 }).issue(bound);
  const authn = new ServiceAccountTokenAuthenticator({ publicKeyPems: key.publicKeyPems, read: w.read, now: () => T0 });
  await rejects401(authn.authenticateToken(forged.token));
});

test('a token signed by an older key listed among the public keys still verifies (rotation)', async () => {
  const old = generateServiceAccountKey();
  const w = world();
  const t = await new ServiceAccountTokenIssuer({ privateKeyPem: old.privateKeyPem, now: () => T0 }).issue(bound);
  const authn = new ServiceAccountTokenAuthenticator({ publicKeyPems: [...key.publicKeyPems, ...old.publicKeyPems], read: w.read, now: () => T0 });
  assert.equal((await authn.authenticateToken(t.token))?.name, 'system:serviceaccount:default:mysa');
});

test('an RSA signing key issues RS256 tokens that verify', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const w = world();
  const issuer = new ServiceAccountTokenIssuer({ privateKeyPem: String(privateKey.export({ type: 'pkcs8', format: 'pem' })), now: () => T0 });
  const t = await issuer.issue(bound);
  assert.equal(decodeProtectedHeader(t.token).alg, 'RS256');
  const authn = new ServiceAccountTokenAuthenticator({ publicKeyPems: [String(publicKey.export({ type: 'spki', format: 'pem' }))], read: w.read, now: () => T0 });
  assert.ok(await authn.authenticateToken(t.token));
});

test('tokens that are not JWTs or come from another issuer are left to other authenticators', async () => {
  const { authn } = setup();
  assert.equal(await authn.authenticateToken('abcdef.0123456789abcdef'), undefined);
  assert.equal(await authn.authenticateToken('not-a-jwt'), undefined);
  assert.equal(await authn.authenticateToken('a.b.c'), undefined);
  const foreign = await new ServiceAccountTokenIssuer({ privateKeyPem: key.privateKeyPem, issuer: 'https://elsewhere', now: () => T0 }).issue(bound);
  assert.equal(await authn.authenticateToken(foreign.token), undefined);
});

test('a tampered payload is refused', async () => {
  const { issuer, authn } = setup();
  const t = await issuer.issue(bound);
  const [h, p, s] = t.token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  claims.sub = 'system:serviceaccount:kube-system:admin';
  const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
  await rejects401(authn.authenticateToken(forged));
});

test('a legacy token is valid while its Secret holds it and refused once the Secret is gone', async () => {
  const { issuer, authn, objects } = setup();
  const token = await issuer.legacy('default', { name: 'mysa', uid: 'sa-uid' }, 'mysa-token');
  const c = decodeJwt(token);
  assert.equal(c.iss, 'kubernetes/serviceaccount');
  assert.equal(c['kubernetes.io/serviceaccount/secret.name'], 'mysa-token');
  assert.equal(c.exp, undefined);
  objects.set('secrets/default/mysa-token', { metadata: { name: 'mysa-token', namespace: 'default', uid: 's' }, type: 'kubernetes.io/service-account-token', data: { token: Buffer.from(token).toString('base64') } });
  const u = await authn.authenticateToken(token);
  assert.equal(u?.name, 'system:serviceaccount:default:mysa');
  objects.set('secrets/default/mysa-token', { metadata: { name: 'mysa-token', namespace: 'default', uid: 's' }, data: { token: Buffer.from('other').toString('base64') } });
  await rejects401(authn.authenticateToken(token));
  objects.delete('secrets/default/mysa-token');
  await rejects401(authn.authenticateToken(token));
});

test('ServiceAccount user names split into namespace and name, and others do not', () => {
  assert.deepEqual(splitServiceAccountUsername('system:serviceaccount:ns:n'), ['ns', 'n']);
  assert.equal(splitServiceAccountUsername('system:serviceaccount:ns'), undefined);
  assert.equal(splitServiceAccountUsername('system:serviceaccount:a:b:c'), undefined);
  assert.equal(splitServiceAccountUsername('alice'), undefined);
});

test('a token for another audience authenticates when that audience is wanted, answering it', async () => {
  const { issuer, authn } = setup();
  const t = await issuer.issue({ ...bound, audiences: ['vault'] });
  const u = await authn.authenticateToken(t.token, ['vault']);
  assert.equal(u?.name, 'system:serviceaccount:default:mysa');
  assert.deepEqual(u?.audiences, ['vault']);
});

test('the audiences answered are those of the token that are wanted', async () => {
  const { issuer, authn } = setup();
  const t = await issuer.issue({ ...bound, audiences: ['a', 'b', 'c'] });
  assert.deepEqual((await authn.authenticateToken(t.token, ['d', 'c', 'b']))?.audiences, ['b', 'c']);
});

test('a token wanted for an audience it does not name is refused with upstream\'s reason', async () => {
  const { issuer, authn } = setup();
  const t = await issuer.issue(bound);
  await assert.rejects(authn.authenticateToken(t.token, ['vault']), (e) => e instanceof ApiError && e.code === 401 && e.message === `token audiences ["${DEFAULT_ISSUER}"] is invalid for the target audiences ["vault"]`);
});

test('without wanted audiences a token is valid for the API audiences', async () => {
  const { issuer, authn } = setup();
  const t = await issuer.issue(bound);
  assert.deepEqual((await authn.authenticateToken(t.token))?.audiences, [DEFAULT_ISSUER]);
});
