import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../api/object.js';
import { deepEqual } from '../api/object.js';
import { StorageError } from '../storage/store.js';
import type { DeletePreconditions, ListOptions, ListResult, Store, UpdateOptions, Watch, WatchEvent } from '../storage/store.js';
import { ENCRYPTED_FIELD, EncryptingStore, ensureEncryptionKey } from './encryption.js';

/** A Map-backed Store with just enough semantics (revisions, preconditions, no-op updates, watch) for the decorator. */
class FakeStore implements Store {
  readonly data = new Map<string, KubeObject>();
  rev = 0;
  writes = 0;
  private watchers: { prefix: string; push: (e: WatchEvent) => void }[] = [];
  private stamp(o: KubeObject, rev: number): KubeObject {
    const c = structuredClone(o);
    c.metadata.resourceVersion = String(rev);
    return c;
  }
  private emit(key: string, e: WatchEvent): void {
    for (const w of this.watchers) if (key.startsWith(w.prefix)) w.push(structuredClone(e));
  }
  currentRevision() {
    return Promise.resolve(this.rev);
  }
  get(key: string) {
    const o = this.data.get(key);
    return Promise.resolve(o && structuredClone(o));
  }
  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const items = [...this.data.entries()].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => structuredClone(v));
    return Promise.resolve({ items: opts.predicate ? items.filter(opts.predicate) : items, resourceVersion: this.rev });
  }
  create(key: string, obj: KubeObject) {
    if (this.data.has(key)) return Promise.reject(new StorageError('KeyExists', key, 'exists'));
    const o = this.stamp(obj, ++this.rev);
    this.data.set(key, o);
    this.writes++;
    this.emit(key, { type: 'ADDED', object: o, revision: this.rev });
    return Promise.resolve(structuredClone(o));
  }
  async guaranteedUpdate(key: string, tryUpdate: (c: KubeObject | undefined) => KubeObject | Promise<KubeObject>, opts: UpdateOptions = {}) {
    const cur = this.data.get(key);
    if (!cur && !opts.allowCreate) throw new StorageError('NotFound', key, 'not found');
    if (opts.expectedResourceVersion && cur?.metadata.resourceVersion !== opts.expectedResourceVersion) throw new StorageError('Conflict', key, 'conflict');
    const next = await tryUpdate(cur && structuredClone(cur));
    if (cur && deepEqual(next, cur)) return structuredClone(cur);
    const o = this.stamp(next, ++this.rev);
    this.data.set(key, o);
    this.writes++;
    this.emit(key, cur ? { type: 'MODIFIED', object: o, prevObject: cur, revision: this.rev } : { type: 'ADDED', object: o, revision: this.rev });
    return structuredClone(o);
  }
  delete(key: string, pre: DeletePreconditions = {}) {
    const cur = this.data.get(key);
    if (!cur) return Promise.reject(new StorageError('NotFound', key, 'not found'));
    if (pre.uid && cur.metadata.uid !== pre.uid) return Promise.reject(new StorageError('PreconditionFailed', key, 'uid'));
    if (pre.resourceVersion && cur.metadata.resourceVersion !== pre.resourceVersion) return Promise.reject(new StorageError('Conflict', key, 'rv'));
    this.data.delete(key);
    const o = this.stamp(cur, ++this.rev);
    this.emit(key, { type: 'DELETED', object: o, prevObject: cur, revision: this.rev });
    return Promise.resolve(o);
  }
  watch(prefix: string): Watch {
    const queue: WatchEvent[] = [];
    let wake: (() => void) | undefined;
    let stopped = false;
    let resolveDone!: (r: 'stopped') => void;
    const done = new Promise<'stopped'>((r) => (resolveDone = r));
    const w = { prefix, push: (e: WatchEvent) => (queue.push(e), wake?.()) };
    this.watchers.push(w);
    return {
      done,
      stop: () => {
        stopped = true;
        this.watchers = this.watchers.filter((x) => x !== w);
        wake?.();
        resolveDone('stopped');
      },
      async *[Symbol.asyncIterator]() {
        while (!stopped) {
          const e = queue.shift();
          if (e) yield e;
          else await new Promise<void>((r) => (wake = r));
        }
      },
    };
  }
  compact() {
    return Promise.resolve();
  }
  compactedRevision() {
    return Promise.resolve(0);
  }
  close() {
    return Promise.resolve();
  }
}

const key = '/core/secrets/default/db';
const secretValue = 'hunter2-super-secret';
const secret = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'default', uid: 'u-1', labels: { app: 'db' } },
  type: 'Opaque',
  data: { password: Buffer.from(secretValue).toString('base64') },
  stringData: undefined,
});
const plainSecret = (): KubeObject => JSON.parse(JSON.stringify(secret())) as KubeObject;

function setup() {
  const inner = new FakeStore();
  return { inner, store: new EncryptingStore(inner, randomBytes(32)) };
}

test('a stored secret holds only name, namespace and an aesgcm ciphertext, no plaintext', async () => {
  const { inner, store } = setup();
  await store.create(key, secret());
  const stored = inner.data.get(key)!;
  const text = JSON.stringify(stored);
  assert.ok(!text.includes(secretValue) && !text.includes(Buffer.from(secretValue).toString('base64')) && !text.includes('Opaque') && !text.includes('u-1'));
  assert.deepEqual(Object.keys(stored).sort(), [ENCRYPTED_FIELD, 'metadata']);
  assert.deepEqual({ ...stored.metadata, resourceVersion: undefined }, { name: 'db', namespace: 'default', resourceVersion: undefined });
  assert.match(String(stored[ENCRYPTED_FIELD]), /^k8s:enc:aesgcm:v1:key1:[A-Za-z0-9+/]+=*$/);
});

test('writing the same secret twice produces different ciphertexts (fresh nonce per write)', async () => {
  const { inner, store } = setup();
  await store.create(key, secret());
  const first = inner.data.get(key)![ENCRYPTED_FIELD];
  await store.guaranteedUpdate(key, (cur) => ({ ...cur!, data: { password: 'eA==' } }));
  await store.guaranteedUpdate(key, (cur) => ({ ...cur!, data: plainSecret().data }));
  assert.notEqual(inner.data.get(key)![ENCRYPTED_FIELD], first);
});

test('create and get return the decrypted secret with the backend resourceVersion', async () => {
  const { inner, store } = setup();
  const created = await store.create(key, secret());
  const want = { ...plainSecret(), metadata: { ...plainSecret().metadata, resourceVersion: String(inner.rev) } };
  assert.deepEqual(created, want);
  assert.deepEqual(await store.get(key), want);
  assert.equal(await store.get('/core/secrets/default/none'), undefined);
});

test('objects outside /core/secrets/ are stored as they are', async () => {
  const { inner, store } = setup();
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { k: 'v' } };
  await store.create('/core/configmaps/default/c', cm);
  assert.deepEqual(inner.data.get('/core/configmaps/default/c')?.data, { k: 'v' });
  assert.deepEqual((await store.list('/core/')).items.map((o) => o.kind), ['ConfigMap']);
});

test('list applies the predicate to decrypted objects and returns them decrypted', async () => {
  const { store } = setup();
  await store.create(key, secret());
  const other = plainSecret();
  other.metadata = { name: 'web', namespace: 'default', labels: { app: 'web' } };
  await store.create('/core/secrets/default/web', other);
  const res = await store.list('/core/secrets/', { predicate: (o) => o.metadata.labels?.app === 'web' });
  assert.deepEqual(res.items.map((o) => o.metadata.name), ['web']);
  assert.equal(res.items[0]?.kind, 'Secret');
  assert.ok(res.items[0]?.metadata.resourceVersion);
  assert.deepEqual((await store.list('/core/secrets/default/')).items.map((o) => o.data), [plainSecret().data, other.data]);
});

test('guaranteedUpdate hands the callback the decrypted object and stores the result encrypted', async () => {
  const { inner, store } = setup();
  await store.create(key, secret());
  let seen: KubeObject | undefined;
  const updated = await store.guaranteedUpdate(key, (cur) => {
    seen = cur;
    return { ...cur!, data: { password: Buffer.from('new-password-value').toString('base64') } };
  });
  assert.equal(seen?.kind, 'Secret');
  assert.equal(seen?.metadata.resourceVersion, '1');
  assert.equal(updated.metadata.resourceVersion, '2');
  assert.deepEqual(updated.data, { password: Buffer.from('new-password-value').toString('base64') });
  assert.ok(!JSON.stringify(inner.data.get(key)).includes(Buffer.from('new-password-value').toString('base64')));
});

test('a guaranteedUpdate that changes nothing does not write', async () => {
  const { inner, store } = setup();
  await store.create(key, secret());
  const writes = inner.writes;
  const res = await store.guaranteedUpdate(key, (cur) => cur!);
  assert.equal(inner.writes, writes);
  assert.equal(res.metadata.resourceVersion, '1');
});

test('guaranteedUpdate with allowCreate encrypts the new object', async () => {
  const { inner, store } = setup();
  const res = await store.guaranteedUpdate(key, (cur) => (assert.equal(cur, undefined), secret()), { allowCreate: true });
  assert.equal(res.kind, 'Secret');
  assert.ok(typeof inner.data.get(key)?.[ENCRYPTED_FIELD] === 'string');
});

test('delete returns the decrypted object and enforces a uid precondition', async () => {
  const { store } = setup();
  await store.create(key, secret());
  await assert.rejects(store.delete(key, { uid: 'other' }), (e) => e instanceof StorageError && e.code === 'PreconditionFailed');
  const deleted = await store.delete(key, { uid: 'u-1' });
  assert.equal(deleted.kind, 'Secret');
  assert.equal(deleted.metadata.resourceVersion, '2');
  assert.equal(await store.get(key), undefined);
});

test('watch events carry decrypted objects and previous objects', async () => {
  const { store } = setup();
  const w = store.watch('/core/secrets/');
  const it = w[Symbol.asyncIterator]();
  await store.create(key, secret());
  await store.guaranteedUpdate(key, (cur) => ({ ...cur!, type: 'kubernetes.io/basic-auth' }));
  await store.delete(key);
  const events: WatchEvent[] = [];
  for (let i = 0; i < 3; i++) events.push((await it.next()).value as WatchEvent);
  w.stop();
  assert.deepEqual(events.map((e) => [e.type, e.object.kind, e.object.metadata.resourceVersion]), [
    ['ADDED', 'Secret', '1'],
    ['MODIFIED', 'Secret', '2'],
    ['DELETED', 'Secret', '3'],
  ]);
  assert.equal(events[1]?.prevObject?.type, 'Opaque');
  assert.equal(events[2]?.prevObject?.type, 'kubernetes.io/basic-auth');
});

test('a secret stored before encryption was enabled is still readable', async () => {
  const { inner, store } = setup();
  await inner.create(key, secret());
  assert.equal((await store.get(key))?.type, 'Opaque');
});

test('a different key cannot read the stored secret', async () => {
  const { inner, store } = setup();
  await store.create(key, secret());
  await assert.rejects(new EncryptingStore(inner, randomBytes(32)).get(key), (e) => e instanceof StorageError && e.code === 'Internal' && /authentication failed/.test(e.message));
});

test('a ciphertext moved to another object name does not decrypt', async () => {
  const { inner, store } = setup();
  await store.create(key, secret());
  const stolen = structuredClone(inner.data.get(key)!);
  stolen.metadata.name = 'other';
  inner.data.set('/core/secrets/default/other', stolen);
  await assert.rejects(store.get('/core/secrets/default/other'), /authentication failed/);
});

test('ensureEncryptionKey creates a 32-byte 0600 key once and then reuses it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-enc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const k1 = ensureEncryptionKey(dir);
  assert.equal(k1.length, 32);
  const p = join(dir, 'pki', 'encryption.key');
  assert.equal(statSync(p).mode & 0o777, 0o600);
  assert.deepEqual(readFileSync(p), k1);
  assert.deepEqual(ensureEncryptionKey(dir), k1);
});
