/**
 * The controller loop shared by every controller (client-go's processNextWorkItem): workers take
 * keys from the rate-limited queue, call reconcile(key), forget the key's back-off on success and
 * requeue it rate-limited on failure, so a failing object retries 5 ms, 10 ms … up to 1000 s.
 */
import type { WorkQueue } from '../../client/workqueue.js';

/** What a reconcile may ask for besides success: a plain re-check after a delay. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

/** reconcile(key): the only place a controller acts. */
export type Reconcile = (key: string) => Promise<ReconcileResult | void>;

/** Logger shape used by controllers (pino-compatible message + fields). */
export type Log = (msg: string, fields?: Record<string, unknown>) => void;

/**
 * Runs `workers` loops until the queue shuts down; resolves when all have returned.
 * A key is never processed by two workers at once (the queue guarantees it).
 */
export async function runWorkers(queue: WorkQueue, reconcile: Reconcile, opts: { workers: number; name: string; log?: Log }): Promise<void> {
  const one = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        const r = await reconcile(key);
        queue.forget(key);
        if (r?.requeueAfterMs !== undefined) queue.addAfter(key, r.requeueAfterMs);
      } catch (e) {
        opts.log?.('reconcile failed; requeued with back-off', { controller: opts.name, key, error: e instanceof Error ? e.message : String(e), retries: queue.numRequeues(key) });
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.workers }, () => one()));
}
