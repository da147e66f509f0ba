/**
 * The failed-pod back-off of the DaemonSet controller (upstream flowcontrol.Backoff with 1 s
 * initial and 15 min maximum, keyed by DaemonSet uid and node): a daemon pod that keeps failing
 * on a node is replaced after 1 s, 2 s, 4 s … instead of in a hot loop; an entry idle for twice
 * the maximum starts over.
 */
import type { Clock } from '../../client/workqueue.js';

const INITIAL_MS = 1000;
const MAX_MS = 15 * 60_000;

/** Per-key exponential back-off measured from the last replacement. */
export class FailedPodBackoff {
  private readonly entries = new Map<string, { delay: number; last: number }>();

  constructor(private readonly clock: Clock, private readonly initialMs = INITIAL_MS, private readonly maxMs = MAX_MS) {}

  /** How long `key` must still wait (undefined when not in back-off): IsInBackOffSinceUpdate. */
  remainingMs(key: string): number | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const left = e.last + e.delay - this.clock.now();
    return left > 0 ? left : undefined;
  }

  /** Records a replacement now, doubling the delay (Next). */
  next(key: string): void {
    const now = this.clock.now();
    const e = this.entries.get(key);
    if (!e || now - e.last > 2 * this.maxMs) this.entries.set(key, { delay: this.initialMs, last: now });
    else this.entries.set(key, { delay: Math.min(e.delay * 2, this.maxMs), last: now });
  }
}
