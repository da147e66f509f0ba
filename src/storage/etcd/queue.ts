/**
 * One watcher's bounded event buffer and its async iterator. Producers never block: when the
 * buffer is full the watcher is dropped (like the upstream cacher closing a slow watcher's
 * result channel); the consumer still drains what was buffered, then the iteration ends and it
 * re-watches from its last resourceVersion.
 */
import type { StorageError, Watch, WatchEvent } from '../store.js';

type EndReason = 'stopped' | 'dropped' | 'closed';

/** A Watch fed by push(); ends on stop(), overflow, close or a terminal error. */
export class WatchQueue implements Watch {
  readonly done: Promise<EndReason>;
  private buffer: WatchEvent[] = [];
  private ended: EndReason | undefined;
  private error: StorageError | undefined;
  private wake: (() => void) | undefined;
  private resolveDone!: (r: EndReason) => void;
  private readonly cleanups: (() => void)[] = [];
  /** revision of the newest event pushed (or the starting revision) */
  lastRevision = 0;

  constructor(private readonly capacity: number) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  /** Registers teardown (unsubscribe, cancel timers) run once when the watch ends. */
  onEnd(fn: () => void): void {
    if (this.ended) fn();
    else this.cleanups.push(fn);
  }

  /** True once the watch ended for any reason. */
  get closed(): boolean {
    return this.ended !== undefined;
  }

  /** Queues an event; drops the watcher when the buffer is full. Returns false when not accepted. */
  push(ev: WatchEvent): boolean {
    if (this.ended) return false;
    if (this.buffer.length >= this.capacity) {
      this.finish('dropped');
      return false;
    }
    this.buffer.push(ev);
    this.lastRevision = Math.max(this.lastRevision, ev.revision);
    this.signal();
    return true;
  }

  /** Ends the watch with an error the iterator throws after the buffered events (e.g. Gone). */
  fail(err: StorageError): void {
    if (this.ended) return;
    this.error = err;
    this.finish('closed');
  }

  stop(): void {
    this.finish('stopped');
  }

  /** Ends the watch (idempotent); the first reason wins. */
  finish(reason: EndReason): void {
    if (this.ended) return;
    this.ended = reason;
    for (const fn of this.cleanups.splice(0)) {
      try {
        fn();
      } catch {
        // teardown must not prevent ending the watch
      }
    }
    // a stopped watch discards pending events: the caller asked to stop reading
    if (reason === 'stopped') this.buffer = [];
    this.resolveDone(reason);
    this.signal();
  }

  private signal(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    try {
      yield* this.drain();
    } finally {
      // leaving a for-await early (break/throw) stops the watch so its source is released
      if (!this.ended) this.stop();
    }
  }

  private async *drain(): AsyncGenerator<WatchEvent> {
    for (;;) {
      const ev = this.buffer.shift();
      if (ev) {
        yield ev;
        continue;
      }
      if (this.ended) {
        if (this.error) {
          const err = this.error;
          this.error = undefined;
          throw err;
        }
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
