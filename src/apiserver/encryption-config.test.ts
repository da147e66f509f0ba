import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../api/object.js';
import { MemoryStore } from '../storage/memory/index.js';
import { EncryptingStore, ENCRYPTED_FIELD } from './encryption.js';
import { EncryptionConfigError, ensureEncryptionConfig, loadEncryptionConfig, parseEncryptionConfig, storagePrefixOf, type EncryptionConfig, type ProviderConfig } from './encryption-config.js';

const b64 = (n: number) => randomBytes(n).toString('base64');

function yaml(providers: string, resources = '[secrets]'): string {
  return `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: ${resources}\n    providers:\n${providers}`;
}

function tmp(t: { after: (f: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-encconf-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a config with aesgcm keys of 16, 24 and 32 bytes and identity parses', () => {
  const cfg = parseEncryptionConfig(yaml(`      - aesgcm:\n          keys:\n            - {name: a, secret: ${b64(16)}}\n            - {name: b, secret: ${b64(24)}}\n            - {name: c, secret: ${b64(32)}}\n      - identity: {}\n`));
  assert.deepEqual(cfg.resources[0]?.resources, ['secrets']);
  assert.deepEqual(cfg.resources[0]?.providers.map((p) => p.type), ['aesgcm', 'identity']);
  assert.deepEqual(cfg.resources[0]?.providers[0]?.keys.map((k) => k.secret.length), [16, 24, 32]);
});

test('a key of the wrong length is rejected with the upstream field path and message', () => {
  assert.throws(
    () => parseEncryptionConfig(yaml(`      - aescbc:\n          keys:\n            - {name: key1, secret: ${b64(8)}}\n`)),
    (e) => e instanceof EncryptionConfigError && e.message.includes('resources[0].providers[0].aescbc.keys[0].secret: Invalid value: "REDACTED": secret is not of the expected length, got 8, expected one of [16 24 32]'),
  );
});

test('a secret that is not base64 is rejected without echoing it', () => {
  assert.throws(
    () => parseEncryptionConfig(yaml('      - aesgcm:\n          keys:\n            - {name: key1, secret: "not base64!"}\n')),
    (e) => e instanceof Error && /keys\[0\]\.secret: Invalid value: "REDACTED": secrets must be base64 encoded/.test(e.message) && !e.message.includes('not base64!'),
  );
});

test('a key without a name and a provider entry with two providers are both reported', () => {
  assert.throws(
    () => parseEncryptionConfig(yaml(`      - aesgcm:\n          keys:\n            - {secret: ${b64(32)}}\n      - {identity: {}, aescbc: {keys: []}}\n`)),
    (e) =>
      e instanceof Error &&
      e.message.includes('resources[0].providers[0].aesgcm.keys[0].name: Required value: name is a mandatory field for a key') &&
      e.message.includes('resources[0].providers[1]: Invalid value: ["aescbc","identity"]: more than one provider specified in a single element'),
  );
});

test('missing providers, an unknown kind and secretbox are rejected with clear messages', () => {
  assert.throws(() => parseEncryptionConfig(yaml('      []\n')), /resources\[0\]\.providers: Required value: at least one resources\[0\]\.providers is required/);
  assert.throws(() => parseEncryptionConfig(yaml('      - {}\n')), /provider does not contain any of the expected providers/);
  assert.throws(() => parseEncryptionConfig(yaml(`      - secretbox: {keys: [{name: k, secret: ${b64(32)}}]}\n`)), /providers\[0\]\.secretbox: Unsupported value.*does not implement the secretbox provider/);
  assert.throws(() => parseEncryptionConfig('apiVersion: v1\nkind: EncryptionConfig\nresources: []\n'), /unexpected object type "v1, Kind=EncryptionConfig"/);
});

test('a resource listed after a wildcard that covers it is masked, as upstream refuses', () => {
  const text = `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: ["*."]\n    providers: [{identity: {}}]\n  - resources: [secrets]\n    providers: [{identity: {}}]\n`;
  assert.throws(() => parseEncryptionConfig(text), /resources\[1\]\.resources: Invalid value: "secrets": resource "secrets" is masked by earlier rule "\*\."/);
  assert.throws(() => parseEncryptionConfig(yaml('      - identity: {}\n', '[Secrets]')), /resource name should not contain capital letters/);
  assert.throws(() => parseEncryptionConfig(yaml('      - identity: {}\n', '[secrets, "*."]')), /overlapping resources/);
});

test('resource names map to store prefixes, wildcards included', () => {
  assert.equal(storagePrefixOf('secrets'), '/core/secrets/');
  assert.equal(storagePrefixOf('deployments.apps'), '/apps/deployments/');
  assert.equal(storagePrefixOf('*.'), '/core/');
  assert.equal(storagePrefixOf('*.apps'), '/apps/');
  assert.equal(storagePrefixOf('*.*'), '/');
});

test('a first start creates a 0600 config with a fresh 32-byte aesgcm key1 and identity, then reloads it', (t) => {
  const dir = tmp(t);
  const first = ensureEncryptionConfig(dir);
  assert.equal(first.created, 'created');
  assert.equal(first.path, join(dir, 'pki', 'encryption-config.yaml'));
  assert.equal(statSync(first.path).mode & 0o777, 0o600);
  const [gcm, identity] = first.config.resources[0]!.providers;
  assert.equal(gcm?.type, 'aesgcm');
  assert.equal(gcm?.keys[0]?.name, 'key1');
  assert.equal(gcm?.keys[0]?.secret.length, 32);
  assert.equal(identity?.type, 'identity');
  const again = ensureEncryptionConfig(dir);
  assert.equal(again.created, undefined);
  assert.deepEqual(again.config.resources[0]?.providers[0]?.keys[0]?.secret, gcm?.keys[0]?.secret);
});

test("an older data dir's encryption.key becomes key1 of the new config", (t) => {
  const dir = tmp(t);
  mkdirSync(join(dir, 'pki'), { recursive: true });
  const legacy = randomBytes(32);
  writeFileSync(join(dir, 'pki', 'encryption.key'), legacy);
  const r = ensureEncryptionConfig(dir);
  assert.equal(r.created, 'migrated');
  assert.deepEqual(r.config.resources[0]?.providers[0]?.keys[0], { name: 'key1', secret: legacy });
});

test('an explicit config path that does not exist stops the start naming the file', (t) => {
  const dir = tmp(t);
  const p = join(dir, 'nope.yaml');
  assert.throws(() => ensureEncryptionConfig(dir, p), (e) => e instanceof EncryptionConfigError && e.message.includes(`error while parsing encryption provider configuration file "${p}"`));
});

test('a file error names the file and the field', (t) => {
  const dir = tmp(t);
  const p = join(dir, 'enc.yaml');
  writeFileSync(p, yaml(`      - aesgcm: {keys: [{name: key1, secret: ${b64(5)}}]}\n`));
  assert.throws(() => loadEncryptionConfig(p), (e) => e instanceof Error && e.message.startsWith(`error while parsing encryption provider configuration file "${p}": error while parsing file: resources[0].providers[0].aesgcm.keys[0].secret`));
});

// ---- the store with a configuration: rotation and providers ----

const key = '/core/secrets/default/s1';
function secret(value = 'hunter2'): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1', namespace: 'default' }, type: 'Opaque', data: { password: Buffer.from(value).toString('base64') } };
}
const k1 = { name: 'key1', secret: randomBytes(32) };
const k2 = { name: 'key2', secret: randomBytes(16) };
function config(providers: ProviderConfig[], resources = ['secrets']): EncryptionConfig {
  return { resources: [{ resources, providers }] };
}
function sealedValue(inner: MemoryStore, k = key): Promise<unknown> {
  return inner.get(k).then((o) => o?.[ENCRYPTED_FIELD]);
}

test('rotation: key2 first still reads key1 values, a no-op replace re-seals with key2, then key1 can go', async () => {
  const inner = new MemoryStore({ watchBufferSize: 10 });
  const s1 = new EncryptingStore(inner, config([{ type: 'aesgcm', keys: [k1] }, { type: 'identity', keys: [] }]));
  await s1.create(key, secret());
  assert.match(String(await sealedValue(inner)), /^k8s:enc:aesgcm:v1:key1:/);

  const s2 = new EncryptingStore(inner, config([{ type: 'aesgcm', keys: [k2, k1] }, { type: 'identity', keys: [] }]));
  assert.equal((await s2.get(key))?.type, 'Opaque');
  const before = (await inner.get(key))?.metadata.resourceVersion;
  // what `kubectl replace` of an unchanged object does: the update returns the same object
  await s2.guaranteedUpdate(key, (cur) => cur!);
  assert.match(String(await sealedValue(inner)), /^k8s:enc:aesgcm:v1:key2:/);
  assert.notEqual((await inner.get(key))?.metadata.resourceVersion, before);
  // a second no-op update with the writing key does not write again
  const rv = (await inner.get(key))?.metadata.resourceVersion;
  await s2.guaranteedUpdate(key, (cur) => cur!);
  assert.equal((await inner.get(key))?.metadata.resourceVersion, rv);

  const s3 = new EncryptingStore(inner, config([{ type: 'aesgcm', keys: [k2] }]));
  assert.deepEqual((await s3.get(key))?.data, secret().data);
});

test('a value sealed with a key no longer configured fails with an error naming the key', async () => {
  const inner = new MemoryStore({ watchBufferSize: 10 });
  await new EncryptingStore(inner, config([{ type: 'aesgcm', keys: [k1] }])).create(key, secret());
  const without = new EncryptingStore(inner, config([{ type: 'aesgcm', keys: [k2] }, { type: 'identity', keys: [] }]));
  await assert.rejects(without.get(key), /no key named "key1" for the aesgcm provider in the encryption configuration of secrets/);
});

test('identity as a fallback reads plaintext written before encryption; without it the read fails', async () => {
  const inner = new MemoryStore({ watchBufferSize: 10 });
  await inner.create(key, secret());
  const withIdentity = new EncryptingStore(inner, config([{ type: 'aesgcm', keys: [k1] }, { type: 'identity', keys: [] }]));
  assert.equal((await withIdentity.get(key))?.type, 'Opaque');
  await assert.rejects(new EncryptingStore(inner, config([{ type: 'aesgcm', keys: [k1] }])).get(key), /not encrypted .* no identity provider/);
  // a no-op update encrypts the plaintext (it is stale for the aesgcm writer)
  await withIdentity.guaranteedUpdate(key, (cur) => cur!);
  assert.match(String(await sealedValue(inner)), /^k8s:enc:aesgcm:v1:key1:/);
});

test('identity first decrypts: a no-op update writes the value back in clear', async () => {
  const inner = new MemoryStore({ watchBufferSize: 10 });
  await new EncryptingStore(inner, config([{ type: 'aesgcm', keys: [k1] }])).create(key, secret());
  const decrypting = new EncryptingStore(inner, config([{ type: 'identity', keys: [] }, { type: 'aesgcm', keys: [k1] }]));
  await decrypting.guaranteedUpdate(key, (cur) => cur!);
  assert.equal((await inner.get(key))?.type, 'Opaque');
  assert.equal(await sealedValue(inner), undefined);
});

test('aescbc seals and opens, and configured configmaps are encrypted beside secrets', async () => {
  const inner = new MemoryStore({ watchBufferSize: 10 });
  const store = new EncryptingStore(inner, config([{ type: 'aescbc', keys: [k1] }], ['secrets', 'configmaps']));
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { token: 'plain-text-value' } };
  await store.create('/core/configmaps/default/c', cm);
  await store.create(key, secret());
  assert.match(String(await sealedValue(inner, '/core/configmaps/default/c')), /^k8s:enc:aescbc:v1:key1:/);
  assert.ok(!JSON.stringify(await inner.list('/core/')).includes('plain-text-value'));
  assert.deepEqual((await store.list('/core/configmaps/')).items.map((o) => o.data), [{ token: 'plain-text-value' }]);
  // a list wider than any configured resource still opens what it finds
  assert.deepEqual((await store.list('/core/')).items.map((o) => o.kind).sort(), ['ConfigMap', 'Secret']);
});

test('the created config is an upstream EncryptionConfiguration holding the key in base64', (t) => {
  const dir = tmp(t);
  const r = ensureEncryptionConfig(dir);
  const text = readFileSync(r.path, 'utf8');
  assert.match(text, /kind: EncryptionConfiguration/);
  assert.ok(text.includes(r.config.resources[0]!.providers[0]!.keys[0]!.secret.toString('base64')));
});
