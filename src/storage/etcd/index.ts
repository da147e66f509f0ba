/**
 * The etcd v3 Store (the HA backend; several API servers can share one etcd). Semantics follow
 * k8s.io/apiserver/pkg/storage/etcd3: resourceVersion is the key's mod_revision, writes are
 * transactions guarded by create_revision/mod_revision compares, lists read one snapshot
 * revision, and one etcd watch per store fans out to every Store watcher.
 */
import { Etcd3, type IKeyValue, type IRangeResponse, type ITxnRequest } from 'etcd3';
import { deepCopy, deepEqual, type KubeObject } from '../../api/object.js';
import {
  StorageError,
  type DeletePreconditions,
  type ListOptions,
  type ListResult,
  type Store,
  type UpdateOptions,
  type Watch,
  type WatchOptions,
} from '../store.js';
import { decodeObject, encodeObject, isCompactedError, prefixEnd, toStorageError } from './codec.js';
import { WatchHub } from './hub.js';
import { listPages } from './list.js';
import { WatchQueue } from './queue.js';
import { startWatch, type WatchContext } from './watch.js';

/** Tunables of an EtcdStore. */
export interface EtcdStoreOptions {
  /** etcd key prefix for every Store key (upstream's --etcd-prefix); default "/registry" */
  prefix?: string;
  /** per-watcher buffered events before a slow watcher is dropped; default 10 000 */
  watchBufferSize?: number;
  /** recent events kept by the shared watch for replay to new watchers; default 10 000 */
  historySize?: number;
}

/**
 * Like upstream's compactor, the last compacted revision lives in etcd under this key (outside
 * any prefix: compaction is cluster-wide), so every API server sharing the etcd knows it.
 */
const COMPACT_REV_KEY = Buffer.from('compact_rev_key');

/** Store backed by an etcd v3 cluster through the etcd3 client. */
export class EtcdStore implements Store {
  private readonly watches = new Set<WatchQueue>();
  private hubPromise: Promise<WatchHub> | undefined;
  private closed = false;
  /** newest revision this store has seen committed (its own writes and reads), for "now" watches */
  private knownRevision = 0;
  private currentHub: WatchHub | undefined;
  private readonly watchBufferSize: number;
  private readonly historySize: number;

  private constructor(
    private readonly client: Etcd3,
    private readonly root: string,
    opts: EtcdStoreOptions,
  ) {
    this.watchBufferSize = opts.watchBufferSize ?? 10_000;
    this.historySize = opts.historySize ?? 10_000;
  }

  /** Connects to etcd (endpoints like "127.0.0.1:2379"; http:// is added when no scheme is given). */
  static async connect(endpoints: string[], opts: EtcdStoreOptions = {}): Promise<EtcdStore> {
    const hosts = endpoints.map((e) => (/^[a-z]+:\/\//i.test(e) ? e : `http://${e}`));
    const client = new Etcd3({ hosts, dialTimeout: 5_000 });
    const root = (opts.prefix ?? '/registry').replace(/\/+$/, '');
    const store = new EtcdStore(client, root, opts);
    try {
      // fail fast on an unreachable cluster, and start the shared watch before serving
      await store.hub();
    } catch (err) {
      client.close();
      throw toStorageError(err, root);
    }
    return store;
  }

  private k(key: string): Buffer {
    return Buffer.from(this.root + key);
  }

  private async range(req: Parameters<Etcd3['kv']['range']>[0], key: string, revision?: number): Promise<IRangeResponse> {
    this.assertOpen(key);
    try {
      const res = await this.client.kv.range(req);
      this.observe(res.header.revision);
      return res;
    } catch (err) {
      throw toStorageError(err, key, revision);
    }
  }

  private async txn(req: ITxnRequest, key: string): Promise<{ succeeded: boolean; revision: number; kv?: IKeyValue }> {
    this.assertOpen(key);
    try {
      const res = await this.client.kv.txn(req);
      this.observe(res.header.revision);
      const kv = res.responses[0]?.response_range?.kvs[0];
      return { succeeded: res.succeeded, revision: Number(res.header.revision), kv };
    } catch (err) {
      throw toStorageError(err, key);
    }
  }

  private observe(revision: string): void {
    this.knownRevision = Math.max(this.knownRevision, Number(revision));
  }

  private assertOpen(key: string): void {
    if (this.closed) throw new StorageError('Internal', key, 'store is closed');
  }

  private async getKv(key: string): Promise<IKeyValue | undefined> {
    const res = await this.range({ key: this.k(key) }, key);
    return res.kvs[0];
  }

  async currentRevision(): Promise<number> {
    const res = await this.range({ key: COMPACT_REV_KEY, count_only: true }, '');
    return Number(res.header.revision);
  }

  async get(key: string): Promise<KubeObject | undefined> {
    const kv = await this.getKv(key);
    return kv ? decodeObject(kv.value, kv.mod_revision, key) : undefined;
  }

  /** The object at key together with the revision of the snapshot it was read from. */
  async getWithRevision(key: string): Promise<{ object: KubeObject | undefined; revision: number }> {
    const res = await this.range({ key: this.k(key) }, key);
    const kv = res.kvs[0];
    return { object: kv ? decodeObject(kv.value, kv.mod_revision, key) : undefined, revision: Number(res.header.revision) };
  }

  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const end = prefixEnd(this.k(prefix));
    return listPages(prefix, opts, (start, limit, revision) =>
      this.range({ key: this.k(start), range_end: end, limit, revision }, prefix, revision || undefined),
      (kv) => {
        const key = kv.key.toString('utf8').slice(this.root.length);
        return { key, object: decodeObject(kv.value, kv.mod_revision, key) };
      },
    );
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    const value = encodeObject(obj);
    // create-if-absent: a key that never existed (or was deleted) has create_revision 0
    const res = await this.txn(
      {
        compare: [{ key: this.k(key), target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: this.k(key), value } }],
        failure: [],
      },
      key,
    );
    if (!res.succeeded) throw new StorageError('KeyExists', key, `key exists: ${key}`);
    return decodeObject(value, res.revision, key);
  }

  async guaranteedUpdate(
    key: string,
    tryUpdate: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>,
    opts: UpdateOptions = {},
  ): Promise<KubeObject> {
    let kv = await this.getKv(key);
    for (;;) {
      const current = kv ? decodeObject(kv.value, kv.mod_revision, key) : undefined;
      if (!current && !opts.allowCreate) throw new StorageError('NotFound', key, `key not found: ${key}`);
      if (current && opts.expectedResourceVersion !== undefined && opts.expectedResourceVersion !== current.metadata.resourceVersion) {
        throw new StorageError(
          'Conflict',
          key,
          `the object has been modified; please apply your changes to the latest version and try again`,
        );
      }
      const next = await tryUpdate(current ? deepCopy(current) : undefined);
      // upstream compares the encoded bytes and skips the write when nothing changed
      if (current && kv && sameIgnoringRv(next, current)) return current;
      const value = encodeObject(next);
      const guard = kv
        ? { key: this.k(key), target: 'Mod' as const, result: 'Equal' as const, mod_revision: kv.mod_revision }
        : { key: this.k(key), target: 'Create' as const, result: 'Equal' as const, create_revision: 0 };
      const res = await this.txn(
        { compare: [guard], success: [{ request_put: { key: this.k(key), value } }], failure: [{ request_range: { key: this.k(key) } }] },
        key,
      );
      if (res.succeeded) return decodeObject(value, res.revision, key);
      // a concurrent write won: retry tryUpdate on the state the failed txn read
      kv = res.kv;
    }
  }

  async delete(key: string, preconditions: DeletePreconditions = {}): Promise<KubeObject> {
    let kv = await this.getKv(key);
    for (;;) {
      if (!kv) throw new StorageError('NotFound', key, `key not found: ${key}`);
      const current = decodeObject(kv.value, kv.mod_revision, key);
      checkPreconditions(key, current, preconditions);
      const res = await this.txn(
        {
          compare: [{ key: this.k(key), target: 'Mod', result: 'Equal', mod_revision: kv.mod_revision }],
          success: [{ request_delete_range: { key: this.k(key) } }],
          failure: [{ request_range: { key: this.k(key) } }],
        },
        key,
      );
      // DELETED carries the last state stamped with the deletion revision
      if (res.succeeded) return decodeObject(kv.value, res.revision, key);
      kv = res.kv;
    }
  }

  watch(prefix: string, opts: WatchOptions = {}): Watch {
    const q = new WatchQueue(this.watchBufferSize);
    if (this.closed) {
      q.finish('closed');
      return q;
    }
    this.watches.add(q);
    q.onEnd(() => this.watches.delete(q));
    // "now" is fixed when watch() is called, not when the async start completes: every write
    // this store made (or saw) before the call is excluded, every later one is delivered
    const now = Math.max(this.knownRevision, this.currentHub?.healthy ? this.currentHub.lastRevision : 0);
    void startWatch(this.watchContext(), q, prefix, opts, now).catch((err: unknown) => q.fail(toStorageError(err, prefix)));
    return q;
  }

  private watchContext(): WatchContext {
    return {
      client: this.client,
      root: this.root,
      currentRevision: () => this.currentRevision(),
      compactedRevision: () => this.compactedRevision(),
      getWithRevision: (key) => this.getWithRevision(key),
      list: (prefix) => this.list(prefix),
      hub: () => this.hub(),
    };
  }

  /** The shared watch, (re)opened at the current revision when absent or failed. */
  private async hub(): Promise<WatchHub> {
    this.assertOpen('');
    const existing = this.hubPromise;
    if (existing) {
      const h = await existing.catch(() => undefined);
      if (h?.healthy) return h;
      if (this.hubPromise !== existing) return this.hub();
    }
    const opening = this.currentRevision().then((rev) => WatchHub.open(this.client, this.root, rev, this.historySize));
    this.hubPromise = opening;
    this.currentHub = await opening;
    return opening;
  }

  async compact(revision: number): Promise<void> {
    for (;;) {
      const res = await this.range({ key: COMPACT_REV_KEY }, '');
      const kv = res.kvs[0];
      if (revision <= parseRevision(kv?.value)) return;
      if (revision > Number(res.header.revision)) {
        throw new StorageError('TooLarge', '', `cannot compact to ${revision}: the current revision is ${res.header.revision}`);
      }
      // record first, guarded by the key's version as upstream's compactor does, so concurrent
      // compactors on several API servers agree and every one of them learns the new floor
      const guard = kv
        ? { key: COMPACT_REV_KEY, target: 'Version' as const, result: 'Equal' as const, version: kv.version }
        : { key: COMPACT_REV_KEY, target: 'Create' as const, result: 'Equal' as const, create_revision: 0 };
      const put = await this.txn(
        { compare: [guard], success: [{ request_put: { key: COMPACT_REV_KEY, value: Buffer.from(String(revision)) } }], failure: [] },
        '',
      );
      if (!put.succeeded) continue;
      try {
        await this.client.kv.compact({ revision, physical: true });
      } catch (err) {
        // someone compacted further already: the history we wanted gone is gone
        if (!isCompactedError(err)) throw toStorageError(err, '', revision);
      }
      return;
    }
  }

  async compactedRevision(): Promise<number> {
    const res = await this.range({ key: COMPACT_REV_KEY }, '');
    return parseRevision(res.kvs[0]?.value);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const q of [...this.watches]) q.finish('closed');
    const hub = await this.hubPromise?.catch(() => undefined);
    hub?.close();
    this.client.close();
  }
}

function parseRevision(v: Buffer | undefined): number {
  const s = v?.toString('utf8');
  return s && /^\d+$/.test(s) ? Number(s) : 0;
}

function sameIgnoringRv(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return deepEqual(strip(a), strip(b));
}

/** Upstream storage.Preconditions: uid mismatch is a failed precondition, a stale RV a conflict. */
function checkPreconditions(key: string, current: KubeObject, p: DeletePreconditions): void {
  if (p.uid !== undefined && p.uid !== current.metadata.uid) {
    throw new StorageError(
      'PreconditionFailed',
      key,
      `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
    );
  }
  if (p.resourceVersion !== undefined && p.resourceVersion !== current.metadata.resourceVersion) {
    throw new StorageError(
      'Conflict',
      key,
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`,
    );
  }
}
