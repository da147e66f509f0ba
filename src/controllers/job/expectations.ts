/**
 * Controller expectations (pkg/controller/controller_utils.go ControllerExpectations and the Job
 * controller's uidTrackingExpectations): creations and deletions sent but not yet seen in the pod
 * cache hold back pod management, so a stale cache never causes duplicate pods; finalizer
 * removals sent but not yet seen keep a finished pod from being counted twice. Expectations
 * expire after five minutes, as upstream's ExpectationsTimeout.
 */
import type { Clock } from '../../client/workqueue.js';

const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Counts {
  add: number;
  del: number;
  at: number;
}

/** Per-job pending creations/deletions and finalizer removals. */
export class JobExpectations {
  private readonly counts = new Map<string, Counts>();
  private readonly rmFinalizers = new Map<string, Set<string>>();

  constructor(private readonly clock: Clock) {}

  /** SatisfiedExpectations: nothing pending, or the record is older than the timeout. */
  satisfied(key: string): boolean {
    const c = this.counts.get(key);
    if (!c) return true;
    return (c.add <= 0 && c.del <= 0) || this.clock.now() - c.at > EXPECTATIONS_TIMEOUT_MS;
  }

  /** Records `adds` creations and `dels` deletions about to be sent. */
  expect(key: string, adds: number, dels: number): void {
    const c = this.counts.get(key);
    if (c && !(c.add <= 0 && c.del <= 0) && this.clock.now() - c.at <= EXPECTATIONS_TIMEOUT_MS) {
      c.add += adds;
      c.del += dels;
    } else this.counts.set(key, { add: adds, del: dels, at: this.clock.now() });
  }

  /** A creation was observed (or failed, so it never will be). */
  creationObserved(key: string): void {
    const c = this.counts.get(key);
    if (c) c.add--;
  }

  /** A deletion was observed (or failed). */
  deletionObserved(key: string): void {
    const c = this.counts.get(key);
    if (c) c.del--;
  }

  /** UIDs whose finalizer removal is in flight. */
  expectedRemovals(key: string): Set<string> {
    return new Set(this.rmFinalizers.get(key) ?? []);
  }

  /** Marks finalizer removals as sent. */
  expectRemovals(key: string, uids: string[]): void {
    if (!uids.length) return;
    const s = this.rmFinalizers.get(key) ?? new Set<string>();
    for (const u of uids) s.add(u);
    this.rmFinalizers.set(key, s);
  }

  /** The cache showed the pod without the finalizer (or gone), or the removal failed. */
  removalObserved(key: string, uid: string): void {
    const s = this.rmFinalizers.get(key);
    if (!s) return;
    s.delete(uid);
    if (!s.size) this.rmFinalizers.delete(key);
  }

  /** Forgets a deleted job. */
  delete(key: string): void {
    this.counts.delete(key);
    this.rmFinalizers.delete(key);
  }
}
