/**
 * Store semantics (k8s.io/apiserver/pkg/storage.Interface) on top of a synchronous LogEngine:
 * one cluster-wide revision, history reads, limit/continue over a snapshot, compare-and-swap
 * updates, watches fed by a broadcaster. With batchWrites, concurrent writes are queued and
 * committed together in one transaction, which amortises the commit cost under load.
 */
import type { KubeObject } from '../api/object.js';
import { deepEqual } from '../api/object.js';
import { JsonChange, WatchBroadcaster } from './broadcaster.js';
import type { Change } from './broadcaster.js';
import type { LogEngine } from './engine.js';
import { decodeContinue, encodeContinue, keyRange } from './keys.js';
import type { KeyRange } from './keys.js';
import { StorageError } from './store.js';
import type { DeletePreconditions, ListOptions, ListResult, Store, StoreStats, UpdateOptions, Watch, WatchEvent, WatchOptions } from './store.js';
import { RETRY, applyOp } from './writes.js';
import type { OpResult, WriteOp, WriteRequest } from './writes.js';
import { BufferedWatch } from './watcher.js';

/** Tunables of a LogStore. */
export interface LogStoreOptions {
  /** queue concurrent writes and commit them in one transaction per event-loop turn */
  batchWrites?: boolean;
  /** per-watcher buffer before a slow watcher is dropped; default 10 000 */
  watchBufferSize?: number;
  /** recent changes kept in memory for watch starts; default 10 000 */
  ringSize?: number;
}

/** Upstream sends this annotation on the bookmark that ends sendInitialEvents. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/** A Store over a LogEngine; the memory and sqlite backends are thin subclasses. */
export class LogStore implements Store {
  private rev: number;
  private compacted: number;
  private closed = false;
  private readonly broadcaster: WatchBroadcaster;
  private queue: WriteOp[] = [];
  private flushScheduled = false;

  constructor(
    protected readonly engine: LogEngine,
    private readonly opts: LogStoreOptions = {},
  ) {
    this.rev = engine.readRevision();
    this.compacted = engine.readCompacted();
    this.broadcaster = new WatchBroadcaster(this.rev, { ringSize: opts.ringSize });
  }

  currentRevision(): Promise<number> {
    return Promise.resolve(this.rev);
  }

  compactedRevision(): Promise<number> {
    return Promise.resolve(this.compacted);
  }

  get(key: string): Promise<KubeObject | undefined> {
    return this.run(() => {
      const kv = this.engine.get(key);
      return kv ? (JSON.parse(kv.value) as KubeObject) : undefined;
    });
  }

  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return this.run(() => this.listNow(prefix, opts));
  }

  private listNow(prefix: string, opts: ListOptions): ListResult {
    const range = keyRange(prefix);
    let rev: number;
    let from = range.from;
    if (opts.continueToken) {
      const pos = decodeContinue(prefix, opts.continueToken);
      if (pos.revision < this.compacted) {
        throw new StorageError('Gone', prefix, 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      if (pos.revision > this.rev) throw new StorageError('TooLarge', prefix, `${pos.revision}, current: ${this.rev}`);
      rev = pos.revision;
      from = pos.startKey;
    } else {
      rev = this.listRevision(prefix, opts);
    }
    const at = rev === this.rev ? undefined : rev;
    const sub: KeyRange = { ...range, from };
    const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
    return opts.predicate ? this.listFiltered(prefix, sub, at, rev, limit, opts.predicate) : this.listPlain(prefix, sub, at, rev, limit);
  }

  create(key: string, obj: KubeObject): Promise<KubeObject> {
    return this.write({ kind: 'create', key, obj }) as Promise<KubeObject>;
  }

  async guaranteedUpdate(key: string, tryUpdate: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>, opts: UpdateOptions = {}): Promise<KubeObject> {
    for (;;) {
      this.checkOpen();
      const cur = this.engine.get(key);
      if (!cur && !opts.allowCreate) throw new StorageError('NotFound', key, `key ${key} not found`);
      if (opts.expectedResourceVersion !== undefined && opts.expectedResourceVersion !== '' && String(cur?.revision ?? '') !== opts.expectedResourceVersion) {
        throw new StorageError('Conflict', key, `the object has been modified; please apply your changes to the latest version and try again`);
      }
      const next = await tryUpdate(cur ? (JSON.parse(cur.value) as KubeObject) : undefined);
      if (cur) {
        // Upstream skips the write when the encoded object is unchanged; resourceVersion aside.
        const stored = JSON.parse(cur.value) as KubeObject;
        if (deepEqual({ ...next, metadata: { ...next.metadata, resourceVersion: stored.metadata.resourceVersion } }, stored)) return stored;
      }
      const res = await this.write({ kind: 'update', key, expectRevision: cur?.revision ?? 0, obj: next });
      if (res !== RETRY) return res;
    }
  }

  delete(key: string, preconditions?: DeletePreconditions): Promise<KubeObject> {
    return this.write({ kind: 'delete', key, preconditions }) as Promise<KubeObject>;
  }

  watch(prefix: string, opts: WatchOptions = {}): Watch {
    const range = keyRange(prefix);
    const interval = opts.bookmarks ? Math.max(1, opts.bookmarkIntervalMs ?? 60_000) : undefined;
    const w: BufferedWatch = new BufferedWatch({
      matches: range.match,
      bufferSize: this.opts.watchBufferSize,
      bookmarkIntervalMs: interval,
      currentRevision: () => this.rev,
      onEnd: () => this.broadcaster.unsubscribe(w),
    });
    if (this.closed) {
      w.close();
      return w;
    }
    this.broadcaster.subscribe(w);
    const now = this.rev;
    const rv = opts.resourceVersion ?? 0;
    try {
      if (rv > 0) {
        // Upstream: a watch from a compacted revision is answered with 410 "too old resource version".
        if (rv < this.compacted) w.fail(new StorageError('Gone', prefix, `too old resource version: ${rv} (${this.compacted})`));
        else w.begin(rv, rv >= now ? [] : this.replay(range, rv, now));
      } else if (opts.initialEvents) {
        const initial: WatchEvent[] = this.engine.scan(range, undefined, undefined).map((kv) => ({ type: 'ADDED', object: JSON.parse(kv.value) as KubeObject, revision: kv.revision }));
        if (opts.bookmarks) {
          initial.push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(now), annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } } }, revision: now });
        }
        w.begin(now, initial);
      } else {
        w.begin(now, []);
      }
    } catch (e) {
      w.fail(e instanceof Error ? e : new Error(String(e)));
    }
    return w;
  }

  compact(revision: number): Promise<void> {
    return this.run(() => {
      const r = Math.min(revision, this.rev);
      if (r <= this.compacted) return;
      this.engine.compact(r);
      this.compacted = r;
    });
  }

  stats(): Promise<StoreStats> {
    return this.run(() => ({ historyRows: this.engine.historyRows() }));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // Pending batched writes are committed, not lost: their callers get their results.
    if (this.queue.length) this.commit(this.takeQueue());
    this.closed = true;
    this.broadcaster.closeAll();
    this.engine.close();
    return Promise.resolve();
  }

  /** Runs a synchronous engine call on an open store, turning throws into rejections. */
  private run<T>(fn: () => T): Promise<T> {
    try {
      this.checkOpen();
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private listRevision(prefix: string, opts: ListOptions): number {
    const rv = opts.resourceVersion;
    if (rv === undefined || rv === 0) return this.rev;
    if (rv > this.rev) throw new StorageError('TooLarge', prefix, `${rv}, current: ${this.rev}`);
    if (!opts.exact) return this.rev;
    if (rv < this.compacted) throw new StorageError('Gone', prefix, 'The resourceVersion for the provided list is too old.');
    return rv;
  }

  private listPlain(prefix: string, range: KeyRange, at: number | undefined, rev: number, limit: number | undefined): ListResult {
    const rows = this.engine.scan(range, at, limit === undefined ? undefined : limit + 1);
    const more = limit !== undefined && rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const result: ListResult = { items: page.map((r) => JSON.parse(r.value) as KubeObject), resourceVersion: rev };
    if (more) {
      const last = page[page.length - 1]!.key;
      result.continueToken = encodeContinue(prefix, rev, last);
      result.remainingItemCount = this.engine.count({ ...range, from: `${last}\u0000` }, at);
    }
    return result;
  }

  /** Scans in chunks until `limit` objects match, so pages stay full under selectors. */
  private listFiltered(prefix: string, range: KeyRange, at: number | undefined, rev: number, limit: number | undefined, predicate: (o: KubeObject) => boolean): ListResult {
    const items: KubeObject[] = [];
    if (limit === undefined) {
      for (const r of this.engine.scan(range, at, undefined)) {
        const o = JSON.parse(r.value) as KubeObject;
        if (predicate(o)) items.push(o);
      }
      return { items, resourceVersion: rev };
    }
    const chunk = Math.max(limit, 256);
    let cursor = range.from;
    for (;;) {
      const rows = this.engine.scan({ ...range, from: cursor }, at, chunk + 1);
      const n = Math.min(rows.length, chunk);
      for (let i = 0; i < n; i++) {
        const row = rows[i]!;
        const o = JSON.parse(row.value) as KubeObject;
        if (!predicate(o)) continue;
        items.push(o);
        if (items.length === limit) {
          const more = i + 1 < rows.length || this.engine.scan({ ...range, from: `${row.key}\u0000` }, at, 1).length > 0;
          return more ? { items, resourceVersion: rev, continueToken: encodeContinue(prefix, rev, row.key) } : { items, resourceVersion: rev };
        }
      }
      if (rows.length <= chunk) return { items, resourceVersion: rev };
      cursor = rows[chunk]!.key;
    }
  }

  /** History (after, upTo] for a watch start: from the ring when it reaches back, else storage. */
  private replay(range: KeyRange, after: number, upTo: number): WatchEvent[] {
    let changes: Change[] | undefined = this.broadcaster.replay(after, upTo, range.match);
    if (!changes) {
      changes = this.engine.changes(range, after, upTo).map((r) => new JsonChange(r.deleted ? 'DELETED' : r.prevRevision === 0 ? 'ADDED' : 'MODIFIED', r.key, r.revision, r.value, r.prevValue));
    }
    return changes.map((c) => c.event());
  }

  private write(op: WriteRequest): Promise<KubeObject | typeof RETRY> {
    this.checkOpen();
    return new Promise((resolve, reject) => {
      const full = { ...op, settle: { resolve, reject } } as WriteOp;
      if (!this.opts.batchWrites) {
        this.commit([full]);
        return;
      }
      this.queue.push(full);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private takeQueue(): WriteOp[] {
    const ops = this.queue;
    this.queue = [];
    this.flushScheduled = false;
    return ops;
  }

  private flush(): void {
    if (this.closed) return;
    this.commit(this.takeQueue());
  }

  /** Applies ops in one transaction, then publishes the changes and settles every caller. */
  private commit(ops: WriteOp[]): void {
    if (ops.length === 0) return;
    const changes: JsonChange[] = [];
    const results: OpResult[] = [];
    let next = this.rev;
    try {
      this.engine.transaction(() => {
        for (const op of ops) results.push(applyOp(this.engine, op, () => ++next, changes));
      });
    } catch (e) {
      const err = new StorageError('Internal', ops[0]?.key ?? '', `storage write failed: ${e instanceof Error ? e.message : String(e)}`);
      for (const op of ops) op.settle.reject(err);
      return;
    }
    this.rev = next;
    this.broadcaster.publish(changes);
    ops.forEach((op, i) => {
      const r = results[i]!;
      if (r.ok) op.settle.resolve(r.value);
      else op.settle.reject(r.error);
    });
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('Internal', '', 'store is closed');
  }
}
