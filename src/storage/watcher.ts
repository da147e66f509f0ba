/**
 * A watch as the store hands it out: a bounded per-watcher queue fed by the broadcaster. Like
 * upstream's cacheWatcher, a watcher whose consumer falls too far behind is terminated instead
 * of slowing writers down; the client re-lists and re-watches (informers do this on their own).
 *
 * Life cycle: subscribe first (live changes are held), then begin() with the backfill (history
 * replay or initial ADDED events) so nothing between the two is lost or duplicated.
 */
import type { Change, Subscriber } from './broadcaster.js';
import type { StorageError, Watch, WatchEvent } from './store.js';

type EndReason = 'stopped' | 'dropped' | 'closed';

export interface BufferedWatchOptions {
  matches(key: string): boolean;
  /** live changes buffered before the watcher is dropped; default 10 000 */
  bufferSize?: number;
  /** when set, a BOOKMARK is sent every interval while the consumer is caught up */
  bookmarkIntervalMs?: number;
  /** the newest committed revision, for bookmarks */
  currentRevision(): number;
  /** called once when the watch ends (unsubscribe) */
  onEnd?(): void;
}

/** The Watch implementation shared by the memory and sqlite backends (usable by any backend). */
export class BufferedWatch implements Watch, Subscriber {
  readonly done: Promise<EndReason>;
  private resolveDone!: (r: EndReason) => void;
  private queue: WatchEvent[] = [];
  private head = 0;
  /** live changes that arrived before begin() */
  private held: Change[] | undefined = [];
  /** events at or below this revision were covered by the backfill */
  private after = 0;
  private ended: EndReason | undefined;
  private error: StorageError | Error | undefined;
  private waiter: ((r: IteratorResult<WatchEvent>) => void) | undefined;
  private waiterReject: ((e: unknown) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly bufferSize: number;

  constructor(private readonly opts: BufferedWatchOptions) {
    this.bufferSize = Math.max(1, opts.bufferSize ?? 10_000);
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  matches(key: string): boolean {
    return this.opts.matches(key);
  }

  /** Starts delivery: the backfill first, then held and future live changes above `after`. */
  begin(after: number, backfill: readonly WatchEvent[]): void {
    if (this.ended) return;
    for (const ev of backfill) this.queue.push(ev);
    const lastBackfill = backfill.length ? backfill[backfill.length - 1]!.revision : 0;
    this.after = Math.max(after, lastBackfill);
    const held = this.held ?? [];
    this.held = undefined;
    for (const c of held) this.push(c);
    if (this.opts.bookmarkIntervalMs !== undefined) this.startBookmarks(this.opts.bookmarkIntervalMs);
    this.wake();
  }

  /** Fails the watch: the error is thrown by the iterator after queued events are consumed. */
  fail(err: StorageError | Error): void {
    if (this.ended) return;
    this.error = err;
    this.held = undefined;
    this.finish('stopped', false);
  }

  push(change: Change): void {
    if (this.ended) return;
    if (this.held) {
      this.held.push(change);
      if (this.held.length > this.bufferSize) this.finish('dropped', true);
      return;
    }
    if (change.revision <= this.after) return;
    if (this.queue.length - this.head >= this.bufferSize) {
      this.finish('dropped', true);
      return;
    }
    this.queue.push(change.event());
    this.wake();
  }

  close(): void {
    this.finish('closed', true);
  }

  stop(): void {
    this.finish('stopped', true);
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: () => this.next(),
      return: () => {
        this.stop();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  private next(): Promise<IteratorResult<WatchEvent>> {
    if (this.head < this.queue.length) {
      const value = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as WatchEvent;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.error) {
      const e = this.error;
      this.error = undefined;
      return Promise.reject(e);
    }
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    if (this.waiter) return Promise.reject(new Error('watch: concurrent next() calls are not supported'));
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.waiterReject = reject;
    });
  }

  /** Hands the next queued event (or the end) to a pending next(). */
  private wake(): void {
    const w = this.waiter;
    if (!w) return;
    const reject = this.waiterReject!;
    if (this.head >= this.queue.length && !this.ended && !this.error) return;
    this.waiter = undefined;
    this.waiterReject = undefined;
    this.next().then(w, reject);
  }

  private finish(reason: EndReason, discard: boolean): void {
    if (this.ended) return;
    this.ended = reason;
    if (discard) {
      // Ends now: queued events are discarded (a dropped client re-lists and re-watches).
      this.queue = [];
      this.head = 0;
    }
    this.held = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.opts.onEnd?.();
    this.resolveDone(reason);
    this.wake();
  }

  private startBookmarks(ms: number): void {
    this.timer = setInterval(() => {
      // Only while caught up: a bookmark promises every change up to its revision was delivered.
      const rev = this.opts.currentRevision();
      if (this.ended || this.head < this.queue.length || rev < this.after) return;
      this.queue.push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(rev) } }, revision: rev });
      this.wake();
    }, ms);
    this.timer.unref();
  }
}
