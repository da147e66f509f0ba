import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { BootstrapTokenAuthenticator } from './bootstrap-token.js';
import type { ObjectReader } from './serviceaccount.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const b64 = (s: string) => Buffer.from(s).toString('base64');

function secret(data: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system', uid: 'u' },
    type: 'bootstrap.kubernetes.io/token',
    data: Object.fromEntries(Object.entries({ 'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true', ...data }).map(([k, v]) => [k, b64(v)])),
    ...extra,
  };
}

function authn(s: KubeObject | undefined): BootstrapTokenAuthenticator {
  const read: ObjectReader = (r, ns, n) => Promise.resolve(r === 'secrets' && ns === 'kube-system' && n === 'bootstrap-token-abcdef' ? s : undefined);
  return new BootstrapTokenAuthenticator(read, () => NOW);
}

const GOOD = 'abcdef.0123456789abcdef';
const is401 = (e: unknown) => e instanceof ApiError && e.code === 401;

test('a valid bootstrap token authenticates as system:bootstrap:<id> with its extra groups', async () => {
  const u = await authn(secret({ 'auth-extra-groups': 'system:bootstrappers:kubeling:default-node-token', expiration: '2026-01-02T00:00:00Z' })).authenticateToken(GOOD);
  assert.deepEqual(u, { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:kubeling:default-node-token', 'system:authenticated'] });
});

test('tokens of another shape are not bootstrap tokens', async () => {
  const a = authn(secret({}));
  for (const t of ['abcdef0123456789abcdef', 'ABCDEF.0123456789abcdef', 'abcde.0123456789abcdef', 'abcdef.0123456789abcdeff', 'eyJhbGciOi.x.y']) assert.equal(await a.authenticateToken(t), undefined, t);
});

test('a wrong secret, a missing or deleted Secret or the wrong type is a 401', async () => {
  await assert.rejects(authn(secret({})).authenticateToken('abcdef.0123456789abcdee'), is401);
  await assert.rejects(authn(undefined).authenticateToken(GOOD), is401);
  await assert.rejects(authn(secret({}, { metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system', deletionTimestamp: NOW.toISOString() } })).authenticateToken(GOOD), is401);
  await assert.rejects(authn(secret({}, { type: 'Opaque' })).authenticateToken(GOOD), is401);
  await assert.rejects(authn(secret({ 'token-id': 'zzzzzz' })).authenticateToken(GOOD), is401);
});

test('an expired token or one without authentication usage is a 401', async () => {
  await assert.rejects(authn(secret({ expiration: '2025-12-31T23:59:59Z' })).authenticateToken(GOOD), is401);
  await assert.rejects(authn(secret({ expiration: 'tomorrow' })).authenticateToken(GOOD), is401);
  await assert.rejects(authn(secret({ 'usage-bootstrap-authentication': 'false' })).authenticateToken(GOOD), is401);
});

test('extra groups outside system:bootstrappers: make the token invalid', async () => {
  await assert.rejects(authn(secret({ 'auth-extra-groups': 'system:masters' })).authenticateToken(GOOD), is401);
});
