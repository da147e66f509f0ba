/**
 * A rate-limited work queue with client-go's workqueue semantics: a key queued twice is queued
 * once (dirty set), a key being processed is never handed to a second worker (processing set;
 * re-adds while processing are replayed on done()), delayed adds, and per-key exponential
 * back-off from 5 ms doubling to 1000 s (DefaultControllerRateLimiter's ItemExponentialFailureRateLimiter).
 */

/** The time source of queues and informers; tests pass a fake they advance by hand. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface WorkQueueOptions {
  clock?: Clock;
  /** first back-off (default 5 ms) */
  baseDelayMs?: number;
  /** cap of the back-off (default 1000 s) */
  maxDelayMs?: number;
}

/** A deduplicating, rate-limited queue of string keys. */
export class WorkQueue {
  private readonly clock: Clock;
  private readonly baseDelay: number;
  private readonly maxDelay: number;
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { at: number; handle: unknown }>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.baseDelay = opts.baseDelayMs ?? 5;
    this.maxDelay = opts.maxDelayMs ?? 1_000_000;
  }

  /** Queues a key now, unless it is already queued (a key being processed is re-queued on done). */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const w = this.waiters.shift();
    if (w) {
      this.dirty.delete(key);
      this.processing.add(key);
      w(key);
    } else this.queue.push(key);
  }

  /** Queues a key after a delay; an earlier pending delayed add of the same key wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const prev = this.timers.get(key);
    if (prev && prev.at <= at) return;
    if (prev) this.clock.clearTimeout(prev.handle);
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    this.timers.set(key, { at, handle });
  }

  /** Queues a key after its next back-off: 5 ms, 10 ms, 20 ms … capped at 1000 s. */
  addRateLimited(key: string): void {
    this.addAfter(key, this.when(key));
  }

  /** The back-off the next addRateLimited of `key` uses, counting this failure. */
  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.baseDelay * 2 ** n, this.maxDelay);
  }

  /** Resets the back-off of a key (after a successful reconcile). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** How many times the key has been rate-limited since the last forget. */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Waits for the next key; undefined once the queue is shut down. The caller must call done(key). */
  get(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks a key processed; if it was added meanwhile, it is queued again now. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  /** Number of keys waiting (not counting delayed or processing ones). */
  len(): number {
    return this.queue.length;
  }

  /** True when the key is currently handed to a worker. */
  isProcessing(key: string): boolean {
    return this.processing.has(key);
  }

  /** Stops the queue: waiting get() calls resolve undefined, pending delayed adds are dropped. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const t of this.timers.values()) this.clock.clearTimeout(t.handle);
    this.timers.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
