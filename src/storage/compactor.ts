/**
 * Periodic compaction as kube-apiserver runs it (storage/etcd3/compact.go): every interval,
 * compact to the revision observed at the previous tick, so every watcher has had a full
 * interval to catch up before the history it may still need disappears.
 */
import type { Store } from './store.js';

/** Timer functions, injectable so tests control time. */
export interface CompactorTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface CompactorOptions {
  /** kube-apiserver's --etcd-compaction-interval (default there: 5 minutes) */
  intervalMs: number;
  /** receives failures; the compactor never throws out of its timer */
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  timers?: CompactorTimers;
  /** called after each tick settles (tests wait on it instead of sleeping) */
  onTick?: (compactedTo: number | undefined) => void;
}

/** Starts compacting store in the background; returns the function that stops it. */
export function startCompactor(store: Store, opts: CompactorOptions): () => void {
  const timers: CompactorTimers = opts.timers ?? {
    setInterval: (fn, ms) => {
      const t = setInterval(fn, ms);
      t.unref();
      return t;
    },
    clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
  };
  let previous = 0;
  let running = false;
  let stopped = false;

  const tick = async (): Promise<number | undefined> => {
    const observed = await store.currentRevision();
    let compactedTo: number | undefined;
    if (previous > 0 && previous > (await store.compactedRevision())) {
      await store.compact(previous);
      compactedTo = previous;
    }
    previous = observed;
    return compactedTo;
  };

  const handle = timers.setInterval(() => {
    if (running || stopped) return; // a slow compaction never overlaps the next one
    running = true;
    void (async () => {
      let compactedTo: number | undefined;
      try {
        compactedTo = await tick();
      } catch (e) {
        opts.log?.('compaction failed', { error: e instanceof Error ? e.message : String(e) });
      } finally {
        running = false;
      }
      opts.onTick?.(compactedTo);
    })();
  }, opts.intervalMs);

  return () => {
    stopped = true;
    timers.clearInterval(handle);
  };
}
