/**
 * UIDTrackingControllerExpectations (pkg/controller/controller_utils.go): after a controller
 * creates or deletes pods it waits until its informer has seen each of them before it counts
 * pods again, so a lagging cache never causes a second round of creates or deletes. Expectations
 * expire after five minutes (ExpectationsTimeout) in case a watch event was lost.
 */

/** Upstream's ExpectationsTimeout. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  timestamp: number;
  /** keys of pods whose deletion is awaited (a pod's deletion counts once) */
  deleting: Set<string>;
}

/** Per-controller-key expectations of pod creations and deletions. */
export class Expectations {
  private readonly m = new Map<string, Expectation>();

  constructor(private readonly now: () => number) {}

  /** SatisfiedExpectations: true when nothing is awaited, no record exists, or the record expired. */
  satisfied(key: string): boolean {
    const e = this.m.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.now() - e.timestamp > EXPECTATIONS_TIMEOUT_MS;
  }

  /** ExpectCreations: `n` pods are about to be created (replaces any earlier record). */
  expectCreations(key: string, n: number): void {
    this.m.set(key, { add: n, del: 0, timestamp: this.now(), deleting: new Set() });
  }

  /** ExpectDeletions: these pods are about to be deleted. */
  expectDeletions(key: string, podKeys: string[]): void {
    this.m.set(key, { add: 0, del: podKeys.length, timestamp: this.now(), deleting: new Set(podKeys) });
  }

  /** CreationObserved: one expected pod appeared (or its create failed). */
  creationObserved(key: string): void {
    const e = this.m.get(key);
    if (e) e.add--;
  }

  /** DeletionObserved: the pod is gone or being deleted (counted once per pod key). */
  deletionObserved(key: string, podKey: string): void {
    const e = this.m.get(key);
    if (e && e.deleting.delete(podKey)) e.del--;
  }

  /** DeleteExpectations: the controller object is gone. */
  delete(key: string): void {
    this.m.delete(key);
  }

  /** The pending counts (for tests and logs). */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.m.get(key);
    return e ? { add: e.add, del: e.del } : undefined;
  }
}
