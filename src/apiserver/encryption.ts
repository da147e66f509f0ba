/**
 * Encryption at rest, as kube-apiserver's EncryptionConfiguration does: every write under a
 * configured resource is sealed by the entry's first provider (aesgcm: a fresh 12-byte nonce per
 * write; aescbc: a fresh IV) and tagged `k8s:enc:<provider>:v1:<keyName>:`; reads open anything
 * sealed by any provider and key of the entry, and plaintext only when the entry lists identity
 * (data written before encryption was enabled). A value read with a key other than the writing
 * one is "stale" and is rewritten by any update, even one that changes nothing, so that
 * `kubectl get secrets -A -o json | kubectl replace -f -` re-seals everything with a new key, as
 * upstream's etcd store does. The backend keeps only `metadata.{name,namespace}` in clear, which
 * it needs for keys, plus the sealed JSON of the whole object.
 */
import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../api/object.js';
import { deepEqual } from '../api/object.js';
import { readIfExists, writeFileAtomic } from '../pki/files.js';
import { StorageError } from '../storage/store.js';
import type { DeletePreconditions, ListOptions, ListResult, Store, StoreStats, UpdateOptions, Watch, WatchEvent, WatchOptions } from '../storage/store.js';
import type { EncryptionConfig, EncryptionKey, ProviderConfig } from './encryption-config.js';
import { storagePrefixOf } from './encryption-config.js';

export type { EncryptionKey } from './encryption-config.js';

/** The stored field that holds the sealed object. */
export const ENCRYPTED_FIELD = 'encrypted';
const ENC_PREFIX = 'k8s:enc:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const IV_BYTES = 16;

/** For the Buffer/key-list form: which keys to encrypt (default: Secrets). */
export interface EncryptingStoreOptions {
  prefixes?: string[];
}

/** One configured resource: the store prefix it covers and its providers (the first one writes). */
interface Rule {
  prefix: string;
  resource: string;
  providers: ProviderConfig[];
}

/** Reads `<dataDir>/pki/encryption.key` (32 raw bytes), creating it (0600) on first use (data dirs before EncryptionConfiguration). */
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

function isConfig(k: Buffer | EncryptionKey[] | EncryptionConfig): k is EncryptionConfig {
  return !Buffer.isBuffer(k) && !Array.isArray(k);
}

/** A Store decorator that seals selected objects before they reach the backend. */
export class EncryptingStore implements Store {
  private readonly rules: Rule[];
  /** the backend's bookkeeping, when it offers any */
  readonly stats?: () => Promise<StoreStats>;

  /**
   * `key` is an EncryptionConfiguration, or (the older form) one AES-256 key / a key list for
   * aesgcm followed by identity over `opts.prefixes`.
   */
  constructor(
    private readonly inner: Store,
    key: Buffer | EncryptionKey[] | EncryptionConfig,
    opts: EncryptingStoreOptions = {},
  ) {
    if (isConfig(key)) {
      this.rules = key.resources.flatMap((r) => r.resources.map((resource) => ({ prefix: storagePrefixOf(resource), resource, providers: r.providers })));
    } else {
      const keys = Buffer.isBuffer(key) ? [{ name: 'key1', secret: key }] : key;
      if (!keys.length) throw new Error('EncryptingStore: no key');
      const providers: ProviderConfig[] = [{ type: 'aesgcm', keys }, { type: 'identity', keys: [] }];
      this.rules = (opts.prefixes ?? ['/core/secrets/']).map((prefix) => ({ prefix, resource: prefix, providers }));
    }
    for (const r of this.rules) {
      if (!r.providers.length) throw new Error(`EncryptingStore: no provider for ${r.resource}`);
      for (const p of r.providers) for (const k of p.keys) if (![16, 24, 32].includes(k.secret.length)) throw new Error(`EncryptingStore: key ${k.name} must be 16, 24 or 32 bytes`);
    }
    const stats = inner.stats?.bind(inner);
    if (stats) this.stats = stats;
  }

  /** The rule that covers one key (the first configured one, as upstream's lookup by resource). */
  private ruleFor(key: string): Rule | undefined {
    return this.rules.find((r) => key.startsWith(r.prefix));
  }

  /** For lists and watches: the rule covering every key under the prefix, if one does. */
  private ruleForPrefix(prefix: string): Rule | undefined {
    return this.rules.find((r) => prefix.startsWith(r.prefix));
  }

  /** The clear part: name and namespace; the sealed JSON is bound to them as additional data. */
  private seal(obj: KubeObject, rule: Rule): KubeObject {
    const body = structuredClone(obj);
    delete body.metadata.resourceVersion; // the backend's revision is authoritative on read
    const writer = rule.providers[0]!;
    const k = writer.keys[0];
    if (writer.type === 'identity' || !k) return body;
    const meta: KubeObject['metadata'] = { name: obj.metadata.name };
    if (obj.metadata.namespace !== undefined) meta.namespace = obj.metadata.namespace;
    const plain = Buffer.from(JSON.stringify(body), 'utf8');
    let sealed: Buffer;
    if (writer.type === 'aesgcm') {
      const nonce = randomBytes(NONCE_BYTES);
      const c = createCipheriv(gcm(k.secret), k.secret, nonce);
      c.setAAD(aad(meta));
      sealed = Buffer.concat([nonce, c.update(plain), c.final(), c.getAuthTag()]);
    } else {
      const iv = randomBytes(IV_BYTES);
      const c = createCipheriv(`aes-${k.secret.length * 8}-cbc`, k.secret, iv);
      sealed = Buffer.concat([iv, c.update(plain), c.final()]);
    }
    return { metadata: meta, [ENCRYPTED_FIELD]: `${ENC_PREFIX}${writer.type}:v1:${k.name}:${sealed.toString('base64')}` };
  }

  /**
   * Opens a stored object and stamps the backend's resourceVersion on it; `stale` says the
   * writing provider/key of the rule did not produce it (so the next update must rewrite it).
   * Without a rule (a list wider than any configured resource) any configured key may open it.
   */
  private openState(stored: KubeObject, rule: Rule | undefined): { obj: KubeObject; stale: boolean } {
    const value = stored[ENCRYPTED_FIELD];
    const writer = rule?.providers[0];
    const where = `${stored.metadata.namespace ?? ''}/${stored.metadata.name ?? ''}`;
    if (typeof value !== 'string' || !value.startsWith(ENC_PREFIX)) {
      if (rule && !rule.providers.some((p) => p.type === 'identity')) {
        throw new StorageError('Internal', where, `unable to transform ${where}: the stored value is not encrypted and the encryption configuration for ${rule.resource} has no identity provider to read it`);
      }
      return { obj: stored, stale: writer !== undefined && writer.type !== 'identity' };
    }
    // k8s:enc:<type>:v1:<keyName>:<base64>
    const m = /^k8s:enc:([a-z]+):v1:([^:]*):(.*)$/s.exec(value);
    const type = m?.[1] ?? '';
    const keyName = m?.[2] ?? '';
    const candidates = (rule ? [rule] : this.rules).flatMap((r) => r.providers.filter((p) => p.type === type).flatMap((p) => p.keys.filter((k) => k.name === keyName)));
    if (!m || !candidates.length) {
      throw new StorageError('Internal', where, `unable to transform ${where}: no key named "${keyName}" for the ${type || 'unknown'} provider in the encryption configuration${rule ? ` of ${rule.resource}` : ''}`);
    }
    const raw = Buffer.from(m[3]!, 'base64');
    let obj: KubeObject | undefined;
    let used: EncryptionKey | undefined;
    for (const k of candidates) {
      try {
        const plain = type === 'aesgcm' ? openGcm(k.secret, raw, stored.metadata) : openCbc(k.secret, raw);
        obj = JSON.parse(plain.toString('utf8')) as KubeObject;
        used = k;
        break;
      } catch {
        // try the next key of that name (another resource's), then fail
      }
    }
    if (!obj) throw new StorageError('Internal', where, `unable to transform ${where}: cipher: message authentication failed`);
    if (stored.metadata.resourceVersion !== undefined) obj.metadata.resourceVersion = stored.metadata.resourceVersion;
    return { obj, stale: !writer || writer.type !== type || writer.keys[0] !== used };
  }

  private open(stored: KubeObject, rule: Rule | undefined): KubeObject {
    return this.openState(stored, rule).obj;
  }

  private openOpt(stored: KubeObject | undefined, rule: Rule | undefined): KubeObject | undefined {
    return stored ? this.open(stored, rule) : undefined;
  }

  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }

  async get(key: string): Promise<KubeObject | undefined> {
    return this.openOpt(await this.inner.get(key), this.ruleFor(key));
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const pred = opts.predicate;
    const rule = this.ruleForPrefix(prefix);
    // The backend filters while paging, so the predicate must see opened objects; remember them
    // so the page's items are not decrypted twice.
    const opened = new WeakMap<KubeObject, KubeObject>();
    const openCached = (s: KubeObject): KubeObject => {
      let o = opened.get(s);
      if (!o) {
        o = this.open(s, rule);
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
    const rule = this.ruleFor(key);
    return this.open(await this.inner.create(key, rule ? this.seal(obj, rule) : obj), rule);
  }

  async guaranteedUpdate(key: string, tryUpdate: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>, opts?: UpdateOptions): Promise<KubeObject> {
    const rule = this.ruleFor(key);
    if (!rule) {
      return this.open(await this.inner.guaranteedUpdate(key, async (cur) => tryUpdate(this.openOpt(cur, undefined)), opts), undefined);
    }
    const res = await this.inner.guaranteedUpdate(
      key,
      async (stored) => {
        const state = stored ? this.openState(stored, rule) : undefined;
        const cur = state?.obj;
        const next = await tryUpdate(cur === undefined ? undefined : structuredClone(cur));
        // A fresh nonce makes every seal differ: hand back the stored value untouched for a
        // no-op so the backend's "unchanged means no write" rule still holds, unless it was
        // sealed by an older key or provider (upstream's stale read): then re-seal it.
        if (stored && cur && !state.stale && sameIgnoringRv(next, cur)) return stored;
        return this.seal(next, rule);
      },
      opts,
    );
    return this.open(res, rule);
  }

  async delete(key: string, preconditions?: DeletePreconditions): Promise<KubeObject> {
    const rule = this.ruleFor(key);
    if (!preconditions?.uid || !rule) return this.open(await this.inner.delete(key, preconditions), rule);
    // The uid is sealed, so the backend cannot check it: check it here, and make the delete
    // conditional on the revision that was checked (retrying if it moved meanwhile).
    for (;;) {
      const cur = await this.get(key);
      if (!cur) return this.open(await this.inner.delete(key, preconditions), rule);
      if (cur.metadata.uid !== preconditions.uid) {
        throw new StorageError('PreconditionFailed', key, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${cur.metadata.uid ?? ''}`);
      }
      const rv = preconditions.resourceVersion ?? cur.metadata.resourceVersion;
      try {
        return this.open(await this.inner.delete(key, { resourceVersion: rv }), rule);
      } catch (e) {
        const moved = e instanceof StorageError && (e.code === 'Conflict' || e.code === 'PreconditionFailed');
        if (!moved || preconditions.resourceVersion !== undefined) throw e;
      }
    }
  }

  watch(prefix: string, opts?: WatchOptions): Watch {
    const inner = this.inner.watch(prefix, opts);
    const rule = this.ruleForPrefix(prefix);
    const mapEvent = (ev: WatchEvent): WatchEvent => {
      try {
        const out: WatchEvent = { ...ev, object: this.open(ev.object, rule) };
        if (ev.prevObject) out.prevObject = this.open(ev.prevObject, rule);
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

/** AES-128/192/256-GCM by key length (upstream accepts 16-, 24- and 32-byte keys). */
function gcm(secret: Buffer): CipherGCMTypes {
  return `aes-${secret.length * 8}-gcm` as CipherGCMTypes;
}

function openGcm(secret: Buffer, raw: Buffer, meta: KubeObject['metadata']): Buffer {
  const d = createDecipheriv(gcm(secret), secret, raw.subarray(0, NONCE_BYTES));
  d.setAAD(aad(meta));
  d.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  return Buffer.concat([d.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), d.final()]);
}

function openCbc(secret: Buffer, raw: Buffer): Buffer {
  const d = createDecipheriv(`aes-${secret.length * 8}-cbc`, secret, raw.subarray(0, IV_BYTES));
  return Buffer.concat([d.update(raw.subarray(IV_BYTES)), d.final()]);
}

function aad(meta: KubeObject['metadata']): Buffer {
  return Buffer.from(`${meta.namespace ?? ''}/${meta.name ?? ''}`, 'utf8');
}

function sameIgnoringRv(a: KubeObject, b: KubeObject): boolean {
  return deepEqual({ ...a, metadata: { ...a.metadata, resourceVersion: undefined } }, { ...b, metadata: { ...b.metadata, resourceVersion: undefined } });
}
