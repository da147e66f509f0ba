/**
 * Encryption at rest, as kube-apiserver's EncryptionConfiguration with the `aesgcm` provider does
 * for Secrets: every write under an encrypted prefix is sealed with AES-256-GCM (fresh 12-byte
 * nonce per write) and tagged `k8s:enc:aesgcm:v1:<keyName>:`; reads open anything carrying that
 * tag and pass through anything else (data written before encryption was enabled, like
 * upstream's identity fallback). The backend keeps only `metadata.{name,namespace}` in clear,
 * which it needs for keys, plus the sealed JSON of the whole object.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../api/object.js';
import { deepEqual } from '../api/object.js';
import { readIfExists, writeFileAtomic } from '../pki/files.js';
import { StorageError } from '../storage/store.js';
import type { DeletePreconditions, ListOptions, ListResult, Store, StoreStats, UpdateOptions, Watch, WatchEvent, WatchOptions } from '../storage/store.js';

/** The stored field that holds the sealed object. */
export const ENCRYPTED_FIELD = 'encrypted';
const PREFIX = 'k8s:enc:aesgcm:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** One AES-256 key with the name written into every value it seals. */
export interface EncryptionKey {
  name: string;
  secret: Buffer;
}

/** Which keys to encrypt (default: Secrets) and the key list (the first one seals; all of them open). */
export interface EncryptingStoreOptions {
  prefixes?: string[];
}

/** Reads `<dataDir>/pki/encryption.key` (32 raw bytes), creating it (0600) on first use. */
export function ensureEncryptionKey(dataDir: string): Buffer {
  const dir = join(dataDir, 'pki');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const path = join(dir, 'encryption.key');
  const existing = readIfExists(path);
  if (existing) {
    if (existing.length !== 32) throw new Error(`${path} must hold exactly 32 bytes (AES-256), found ${existing.length}; restore it (secrets cannot be read without it)`);
    return existing;
  }
  const key = randomBytes(32);
  writeFileAtomic(path, key, 0o600);
  return key;
}

/** A Store decorator that seals selected objects before they reach the backend. */
export class EncryptingStore implements Store {
  private readonly keys: EncryptionKey[];
  private readonly prefixes: string[];
  /** the backend's bookkeeping, when it offers any */
  readonly stats?: () => Promise<StoreStats>;

  constructor(
    private readonly inner: Store,
    key: Buffer | EncryptionKey[],
    opts: EncryptingStoreOptions = {},
  ) {
    this.keys = Buffer.isBuffer(key) ? [{ name: 'key1', secret: key }] : key;
    if (!this.keys.length) throw new Error('EncryptingStore: no key');
    for (const k of this.keys) if (k.secret.length !== 32) throw new Error(`EncryptingStore: key ${k.name} must be 32 bytes`);
    this.prefixes = opts.prefixes ?? ['/core/secrets/'];
    const stats = inner.stats?.bind(inner);
    if (stats) this.stats = stats;
  }

  private encrypts(key: string): boolean {
    return this.prefixes.some((p) => key.startsWith(p));
  }

  /** The clear part: name and namespace; the sealed JSON is bound to them as additional data. */
  private seal(obj: KubeObject): KubeObject {
    const body = structuredClone(obj);
    delete body.metadata.resourceVersion; // the backend's revision is authoritative on read
    const meta: KubeObject['metadata'] = { name: obj.metadata.name };
    if (obj.metadata.namespace !== undefined) meta.namespace = obj.metadata.namespace;
    const k = this.keys[0]!;
    const nonce = randomBytes(NONCE_BYTES);
    const c = createCipheriv('aes-256-gcm', k.secret, nonce);
    c.setAAD(aad(meta));
    const ct = Buffer.concat([c.update(JSON.stringify(body), 'utf8'), c.final(), c.getAuthTag()]);
    return { metadata: meta, [ENCRYPTED_FIELD]: `${PREFIX}${k.name}:${Buffer.concat([nonce, ct]).toString('base64')}` };
  }

  /** Opens a sealed object (others pass through) and stamps the backend's resourceVersion on it. */
  private open(stored: KubeObject): KubeObject {
    const value = stored[ENCRYPTED_FIELD];
    if (typeof value !== 'string' || !value.startsWith(PREFIX)) return stored;
    const rest = value.slice(PREFIX.length);
    const colon = rest.indexOf(':');
    const keyName = rest.slice(0, colon);
    const where = `${stored.metadata.namespace ?? ''}/${stored.metadata.name ?? ''}`;
    const k = this.keys.find((x) => x.name === keyName);
    if (colon < 0 || !k) throw new StorageError('Internal', where, `unable to transform ${where}: no key named "${keyName}" for the aesgcm provider`);
    const raw = Buffer.from(rest.slice(colon + 1), 'base64');
    let obj: KubeObject;
    try {
      const d = createDecipheriv('aes-256-gcm', k.secret, raw.subarray(0, NONCE_BYTES));
      d.setAAD(aad(stored.metadata));
      d.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([d.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), d.final()]);
      obj = JSON.parse(plain.toString('utf8')) as KubeObject;
    } catch {
      throw new StorageError('Internal', where, `unable to transform ${where}: cipher: message authentication failed`);
    }
    if (stored.metadata.resourceVersion !== undefined) obj.metadata.resourceVersion = stored.metadata.resourceVersion;
    return obj;
  }

  private openOpt(stored: KubeObject | undefined): KubeObject | undefined {
    return stored ? this.open(stored) : undefined;
  }

  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }

  async get(key: string): Promise<KubeObject | undefined> {
    return this.openOpt(await this.inner.get(key));
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const pred = opts.predicate;
    // The backend filters while paging, so the predicate must see opened objects; remember them
    // so the page's items are not decrypted twice.
    const opened = new WeakMap<KubeObject, KubeObject>();
    const openCached = (s: KubeObject): KubeObject => {
      let o = opened.get(s);
      if (!o) {
        o = this.open(s);
        opened.set(s, o);
      }
      return o;
    };
    const res = await this.inner.list(prefix, pred ? { ...opts, predicate: (s) => pred(openCached(s)) } : opts);
    return {
      ...res,
      items: res.items.map((s) => {
        const o = openCached(s);
        if (s.metadata.resourceVersion !== undefined) o.metadata.resourceVersion = s.metadata.resourceVersion;
        return o;
      }),
    };
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    return this.open(await this.inner.create(key, this.encrypts(key) ? this.seal(obj) : obj));
  }

  async guaranteedUpdate(key: string, tryUpdate: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>, opts?: UpdateOptions): Promise<KubeObject> {
    if (!this.encrypts(key)) {
      return this.open(await this.inner.guaranteedUpdate(key, async (cur) => tryUpdate(this.openOpt(cur)), opts));
    }
    const res = await this.inner.guaranteedUpdate(
      key,
      async (stored) => {
        const cur = this.openOpt(stored);
        const next = await tryUpdate(cur === undefined ? undefined : structuredClone(cur));
        // A fresh nonce makes every seal differ: hand back the stored value untouched for a
        // no-op so the backend's "unchanged means no write" rule still holds.
        if (stored && cur && sameIgnoringRv(next, cur)) return stored;
        return this.seal(next);
      },
      opts,
    );
    return this.open(res);
  }

  async delete(key: string, preconditions?: DeletePreconditions): Promise<KubeObject> {
    if (!preconditions?.uid || !this.encrypts(key)) return this.open(await this.inner.delete(key, preconditions));
    // The uid is sealed, so the backend cannot check it: check it here, and make the delete
    // conditional on the revision that was checked (retrying if it moved meanwhile).
    for (;;) {
      const cur = await this.get(key);
      if (!cur) return this.open(await this.inner.delete(key, preconditions));
      if (cur.metadata.uid !== preconditions.uid) {
        throw new StorageError('PreconditionFailed', key, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${cur.metadata.uid ?? ''}`);
      }
      const rv = preconditions.resourceVersion ?? cur.metadata.resourceVersion;
      try {
        return this.open(await this.inner.delete(key, { resourceVersion: rv }));
      } catch (e) {
        const moved = e instanceof StorageError && (e.code === 'Conflict' || e.code === 'PreconditionFailed');
        if (!moved || preconditions.resourceVersion !== undefined) throw e;
      }
    }
  }

  watch(prefix: string, opts?: WatchOptions): Watch {
    const inner = this.inner.watch(prefix, opts);
    const mapEvent = (ev: WatchEvent): WatchEvent => {
      try {
        const out: WatchEvent = { ...ev, object: this.open(ev.object) };
        if (ev.prevObject) out.prevObject = this.open(ev.prevObject);
        return out;
      } catch (e) {
        // Like the watch cache's decode failures: surface one ERROR event and keep the stream.
        const message = e instanceof Error ? e.message : String(e);
        return { type: 'ERROR', revision: ev.revision, object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError', message } };
      }
    };
    return {
      async *[Symbol.asyncIterator]() {
        for await (const ev of inner) yield mapEvent(ev);
      },
      stop: () => inner.stop(),
      done: inner.done,
    };
  }

  compact(revision: number): Promise<void> {
    return this.inner.compact(revision);
  }

  compactedRevision(): Promise<number> {
    return this.inner.compactedRevision();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function aad(meta: KubeObject['metadata']): Buffer {
  return Buffer.from(`${meta.namespace ?? ''}/${meta.name ?? ''}`, 'utf8');
}

function sameIgnoringRv(a: KubeObject, b: KubeObject): boolean {
  return deepEqual({ ...a, metadata: { ...a.metadata, resourceVersion: undefined } }, { ...b, metadata: { ...b.metadata, resourceVersion: undefined } });
}
