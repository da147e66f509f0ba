/**
 * An in-memory mirror of one storage prefix, kept current by a list + watch (what kube-apiserver's
 * authorizers and admission plugins read through informer listers instead of storage). A dropped
 * or expired (410) watch relists into a fresh state. The state type decides what is kept (the
 * RBAC cache indexes bindings by subject; the admission reads keep plain objects by key).
 */
import type { KubeObject } from '../api/object.js';
import type { Store, Watch, WatchEvent } from '../storage/store.js';

/** What a mirror feeds: every listed or added/modified object, and every deleted one. */
export interface MirrorState {
  upsert(obj: KubeObject): void;
  remove(obj: KubeObject): void;
}

/** Options of StoreMirror. */
export interface StoreMirrorOptions<S extends MirrorState> {
  store: Store;
  prefix: string;
  /** an empty state, filled by a (re)list */
  fresh: () => S;
  /** names the mirror in log lines */
  name: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** delay before relisting after a failed list (ms); default 1000 */
  retryMs?: number;
}

/** One prefix mirrored: start() lists and begins watching; stop() ends the watch. */
export class StoreMirror<S extends MirrorState> {
  /** the current state; replaced wholesale by a relist */
  state: S;
  /** revision the state reflects; watch events at or below it are already included */
  private revision = 0;
  private watch: Watch | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly opts: StoreMirrorOptions<S>) {
    this.state = opts.fresh();
  }

  /** Loads every object under the prefix, then follows changes. */
  async start(): Promise<void> {
    await this.relist();
  }

  /** Ends the watch. */
  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.watch?.stop();
  }

  /**
   * Rebuilds the state from a fresh (consistent) list and restarts the watch there, so the mirror
   * reflects every write that completed before the call.
   */
  async resync(): Promise<void> {
    await this.relist();
  }

  private async relist(): Promise<void> {
    const list = await this.opts.store.list(this.opts.prefix);
    const state = this.opts.fresh();
    for (const o of list.items) state.upsert(o);
    // A concurrent relist that read newer data already won.
    if (this.stopped || list.resourceVersion < this.revision) return;
    this.state = state;
    this.revision = list.resourceVersion;
    this.watch?.stop();
    const w = this.opts.store.watch(this.opts.prefix, { resourceVersion: list.resourceVersion });
    this.watch = w;
    void this.follow(w);
  }

  private apply(ev: WatchEvent): void {
    if (ev.revision <= this.revision) return;
    this.revision = ev.revision;
    if (ev.type === 'ADDED' || ev.type === 'MODIFIED') this.state.upsert(ev.object);
    else if (ev.type === 'DELETED') this.state.remove(ev.object);
  }

  private async follow(w: Watch): Promise<void> {
    try {
      for await (const ev of w) {
        if (w !== this.watch) return;
        this.apply(ev);
      }
    } catch (e) {
      // 410 Gone (compacted past our revision) or a backend failure: relist below.
      this.opts.log?.(`${this.opts.name} watch ended`, { error: e instanceof Error ? e.message : String(e) });
    }
    if (this.stopped || w !== this.watch) return;
    if ((await Promise.race([w.done, Promise.resolve('running' as const)])) === 'closed') return;
    this.relistLater(0);
  }

  private relistLater(ms: number): void {
    if (this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.relist().catch((e: unknown) => {
        this.opts.log?.(`${this.opts.name} relist failed`, { error: e instanceof Error ? e.message : String(e) });
        this.relistLater(this.opts.retryMs ?? 1000);
      });
    }, ms);
    this.retry.unref();
  }
}
