/**
 * One fan-out of committed changes to every watcher (the role of upstream's watch cache
 * dispatcher). Backends publish each committed change once, in revision order, synchronously
 * after commit; each watcher filters by key and buffers what it has not consumed yet. A ring of
 * recent changes lets a watch from a recent revision start without a storage read.
 */
import type { WatchEvent, WatchEventType } from './store.js';

/** A committed change. event() is computed once and shared by all watchers: do not mutate it. */
export interface Change {
  readonly key: string;
  readonly revision: number;
  event(): WatchEvent;
}

/** A change whose objects are kept as JSON text and decoded only if some watcher wants them. */
export class JsonChange implements Change {
  private ev?: WatchEvent;

  constructor(
    readonly type: Exclude<WatchEventType, 'BOOKMARK' | 'ERROR'>,
    readonly key: string,
    readonly revision: number,
    private readonly value: string,
    private readonly prevValue?: string,
  ) {}

  event(): WatchEvent {
    if (!this.ev) {
      this.ev = { type: this.type, object: JSON.parse(this.value), revision: this.revision };
      if (this.prevValue !== undefined) this.ev.prevObject = JSON.parse(this.prevValue);
    }
    return this.ev;
  }
}

/** What the broadcaster needs from a watcher. */
export interface Subscriber {
  /** true when the watcher wants changes to this key */
  matches(key: string): boolean;
  /** called synchronously for every matching change; must never block or throw */
  push(change: Change): void;
  /** the store is closing */
  close(): void;
}

export interface BroadcasterOptions {
  /** recent changes kept for cheap watch starts; default 10 000 */
  ringSize?: number;
}

/** Fan-out plus recent-history ring. */
export class WatchBroadcaster {
  private readonly subscribers = new Set<Subscriber>();
  private ring: Change[] = [];
  private readonly ringSize: number;
  /** the ring holds every change with revision > floor */
  private floor: number;
  private last: number;

  constructor(startRevision: number, opts: BroadcasterOptions = {}) {
    this.ringSize = Math.max(1, opts.ringSize ?? 10_000);
    this.floor = startRevision;
    this.last = startRevision;
  }

  /** The newest published revision. */
  get revision(): number {
    return this.last;
  }

  /** Number of live subscribers (for tests and metrics). */
  get size(): number {
    return this.subscribers.size;
  }

  /** Registers a watcher; returns the function that unregisters it. */
  subscribe(sub: Subscriber): () => void {
    this.subscribers.add(sub);
    return () => this.unsubscribe(sub);
  }

  /** Unregisters a watcher (idempotent). */
  unsubscribe(sub: Subscriber): void {
    this.subscribers.delete(sub);
  }

  /** Delivers committed changes (ascending revisions) to matching watchers and records them. */
  publish(changes: readonly Change[]): void {
    for (const c of changes) {
      if (c.revision <= this.last) continue; // already published (defensive: never deliver twice)
      this.last = c.revision;
      this.ring.push(c);
      for (const s of this.subscribers) if (s.matches(c.key)) s.push(c);
    }
    if (this.ring.length > 2 * this.ringSize) {
      const cut = this.ring.length - this.ringSize;
      this.floor = this.ring[cut - 1]!.revision;
      this.ring = this.ring.slice(cut);
    }
  }

  /**
   * Matching changes with revision in (after, upTo], or undefined when the ring no longer
   * reaches back to `after` and the caller must read history from storage.
   */
  replay(after: number, upTo: number, matches: (key: string) => boolean): Change[] | undefined {
    if (after < this.floor) return undefined;
    let lo = 0;
    let hi = this.ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ring[mid]!.revision <= after) lo = mid + 1;
      else hi = mid;
    }
    const out: Change[] = [];
    for (let i = lo; i < this.ring.length; i++) {
      const c = this.ring[i]!;
      if (c.revision > upTo) break;
      if (matches(c.key)) out.push(c);
    }
    return out;
  }

  /** Ends every watcher (store close). Gone for compacted revisions is decided by the store, not the ring. */
  closeAll(): void {
    const subs = [...this.subscribers];
    this.subscribers.clear();
    for (const s of subs) s.close();
  }
}
