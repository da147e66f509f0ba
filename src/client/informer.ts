/**
 * An informer, as client-go's reflector + indexer + shared informer: list, then watch from the
 * list's resourceVersion (with bookmarks so the resume point keeps moving), resume after the
 * server ends a watch, and on 410 Gone (an ERROR event or a 410 answer) list again and emit the
 * differences against the cache (Replace in DeltaFIFO terms). The cache is keyed by
 * `namespace/name` (or `name` for cluster-scoped objects) with optional extra indexers.
 */
import type { KubeObject } from '../api/object.js';
import { ApiStatusError, isStatus, type ResourceRef, type RestClient, type WatchStream } from './rest.js';
import { realClock, type Clock } from './workqueue.js';

/** The informer's key of an object: `namespace/name`, or `name` when cluster scoped (MetaNamespaceKeyFunc). */
export function objectKey(o: KubeObject): string {
  const ns = o.metadata.namespace;
  return ns ? `${ns}/${o.metadata.name ?? ''}` : (o.metadata.name ?? '');
}

/** Splits a `namespace/name` key. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Event handlers; deletes carry the last known state. */
export interface InformerHandlers {
  onAdd?(obj: KubeObject): void;
  onUpdate?(oldObj: KubeObject, newObj: KubeObject): void;
  onDelete?(obj: KubeObject): void;
}

/** An index function: the index values an object is filed under (e.g. its owners' uids). */
export type IndexFunc = (obj: KubeObject) => string[];

export interface InformerOptions {
  client: RestClient;
  /** the collection to inform on (namespace optional; name ignored) */
  resource: ResourceRef;
  labelSelector?: string;
  fieldSelector?: string;
  indexers?: Record<string, IndexFunc>;
  /** page size of lists (default 500) */
  pageSize?: number;
  clock?: Clock;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Indexes by metadata.ownerReferences[].uid, the garbage collector's dependents index. */
export const ownerUidIndex: IndexFunc = (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid);
/** Indexes by metadata.uid. */
export const uidIndex: IndexFunc = (o) => (o.metadata.uid ? [o.metadata.uid] : []);

/** A list+watch cache of one resource. */
export class Informer {
  private readonly items = new Map<string, KubeObject>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();
  private readonly handlers: InformerHandlers[] = [];
  private readonly clock: Clock;
  private rv = '';
  private synced = false;
  private running = false;
  private loop: Promise<void> | undefined;
  private watch: WatchStream | undefined;
  private wake: (() => void) | undefined;
  private backoffMs = 0;
  private readonly syncWaiters: (() => void)[] = [];
  /** how many lists ran (tests use it to see a relist) */
  listCount = 0;

  constructor(private readonly opts: InformerOptions) {
    this.clock = opts.clock ?? realClock;
    for (const name of Object.keys(opts.indexers ?? {})) this.indices.set(name, new Map());
  }

  /**
   * Adds an index (AddIndexers); objects already cached are filed at once. Adding a name that
   * exists with another function is an error, since both users would read one index.
   */
  addIndexer(name: string, fn: IndexFunc): void {
    const indexers = (this.opts.indexers ??= {});
    const existing = indexers[name];
    if (existing) {
      if (existing !== fn) throw new Error(`informer for ${this.opts.resource.resource}: index "${name}" already exists`);
      return;
    }
    indexers[name] = fn;
    this.indices.set(name, new Map());
    for (const [key, obj] of this.items) this.index(key, obj);
  }

  /** Registers handlers; objects already cached are replayed as adds (AddEventHandler). */
  addHandlers(h: InformerHandlers): void {
    this.handlers.push(h);
    for (const o of this.items.values()) h.onAdd?.(o);
  }

  /** True once the first list has been delivered. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once synced. */
  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((r) => this.syncWaiters.push(r));
  }

  /** The resourceVersion the next watch resumes from. */
  lastResourceVersion(): string {
    return this.rv;
  }

  /** A cached object by `namespace/name`. */
  get(key: string): KubeObject | undefined {
    return this.items.get(key);
  }

  /** Every cached object. */
  list(): KubeObject[] {
    return [...this.items.values()];
  }

  /** Cached objects filed under `value` in index `name`. */
  byIndex(name: string, value: string): KubeObject[] {
    const keys = this.indices.get(name)?.get(value);
    if (!keys) return [];
    return [...keys].map((k) => this.items.get(k)).filter((o): o is KubeObject => o !== undefined);
  }

  /** Starts (or resumes, keeping cache and resourceVersion) the list/watch loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run().catch((e: unknown) => this.opts.log?.('informer loop failed', { resource: this.opts.resource.resource, error: String(e) }));
  }

  /** Stops the loop; the cache and resume point stay, so start() resumes from them. */
  async stop(): Promise<void> {
    this.running = false;
    this.watch?.stop();
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!this.rv) await this.relist();
        if (!this.running) break;
        const started = this.clock.now();
        const events = await this.watchOnce();
        // A watch the server ends at once, with nothing delivered, must not become a hot loop.
        if (events === 0 && this.clock.now() - started < 1000) await this.sleep(1000);
        else this.backoffMs = 0;
      } catch (e) {
        if (!this.running) break;
        if (isStatus(e, 410)) {
          // Expired resume point: the next round lists again and emits the differences.
          this.rv = '';
          continue;
        }
        this.opts.log?.('list/watch failed; retrying', { resource: this.opts.resource.resource, error: e instanceof Error ? e.message : String(e) });
        this.backoffMs = Math.min(Math.max(this.backoffMs * 2, 200), 30_000);
        await this.sleep(this.backoffMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const h = this.clock.setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        this.clock.clearTimeout(h);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async relist(): Promise<void> {
    const { resource, labelSelector, fieldSelector } = this.opts;
    const fresh = new Map<string, KubeObject>();
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.opts.client.list(resource, { labelSelector, fieldSelector, limit: this.opts.pageSize ?? 500, continue: cont });
      for (const o of page.items) fresh.set(objectKey(o), o);
      cont = page.metadata.continue || undefined;
      rv = page.metadata.resourceVersion ?? rv;
    } while (cont);
    this.listCount++;
    if (!this.running) return;
    // Replace: deletes for what vanished, adds for what is new, updates for what changed.
    for (const [k, old] of [...this.items]) if (!fresh.has(k)) this.remove(k, old);
    for (const [k, o] of fresh) this.upsert(k, o);
    this.rv = rv;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  /** One watch until the server ends it; returns how many events arrived. */
  private async watchOnce(): Promise<number> {
    const w = await this.opts.client.watch(this.opts.resource, {
      resourceVersion: this.rv,
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
      allowWatchBookmarks: true,
      // Like the reflector, ask the server to end the watch after a while so connections rotate.
      timeoutSeconds: 300 + Math.floor(Math.random() * 300),
    });
    this.watch = w;
    if (!this.running) w.stop();
    let n = 0;
    try {
      for await (const ev of w) {
        n++;
        if (ev.type === 'ERROR') {
          const s = ev.object as unknown as { code?: number; reason?: string; message?: string };
          throw new ApiStatusError({ code: s.code ?? 500, reason: s.reason ?? '', message: s.message ?? 'watch error' });
        }
        const objRv = ev.object.metadata?.resourceVersion;
        if (ev.type === 'BOOKMARK') {
          if (objRv) this.rv = objRv;
          continue;
        }
        const key = objectKey(ev.object);
        if (ev.type === 'DELETED') {
          const old = this.items.get(key);
          if (old) this.remove(key, ev.object);
        } else this.upsert(key, ev.object);
        if (objRv) this.rv = objRv;
      }
    } finally {
      this.watch = undefined;
    }
    return n;
  }

  private upsert(key: string, obj: KubeObject): void {
    const old = this.items.get(key);
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion && old.metadata.uid === obj.metadata.uid) return;
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    for (const h of this.handlers) {
      if (old) h.onUpdate?.(old, obj);
      else h.onAdd?.(obj);
    }
  }

  private remove(key: string, last: KubeObject): void {
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.delete(key);
    for (const h of this.handlers) h.onDelete?.(last);
  }

  private index(key: string, obj: KubeObject): void {
    for (const [name, fn] of Object.entries(this.opts.indexers ?? {})) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        let set = idx.get(v);
        if (!set) idx.set(v, (set = new Set()));
        set.add(key);
      }
    }
  }

  private unindex(key: string, obj: KubeObject): void {
    for (const [name, fn] of Object.entries(this.opts.indexers ?? {})) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const set = idx.get(v);
        set?.delete(key);
        if (set?.size === 0) idx.delete(v);
      }
    }
  }
}
