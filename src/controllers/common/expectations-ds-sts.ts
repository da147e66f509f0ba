/**
 * Controller expectations (upstream pkg/controller UIDTrackingControllerExpectations), used by the
 * DaemonSet and StatefulSet controllers: after issuing creates and deletes, a controller does not
 * act on its owner again until the informer has seen them, because its cache would otherwise
 * show the old state and it would create or delete twice. Creations are counted (a created pod's
 * name is only known after the call); deletions are tracked by pod key. Expectations older than
 * five minutes (ExpectationsTimeout) count as satisfied so a lost event cannot wedge an owner.
 */
import type { Clock } from '../../client/workqueue.js';

/** Upstream's ExpectationsTimeout. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Record_ {
  adds: number;
  dels: Set<string>;
  at: number;
}

/** Pending creations and deletions per owner key (`namespace/name`). */
export class Expectations {
  private readonly m = new Map<string, Record_>();

  constructor(private readonly clock: Clock, private readonly timeoutMs = EXPECTATIONS_TIMEOUT_MS) {}

  private rec(owner: string): Record_ {
    let r = this.m.get(owner);
    if (!r) this.m.set(owner, (r = { adds: 0, dels: new Set(), at: this.clock.now() }));
    return r;
  }

  /** Raise expectations before issuing `creates` creations and deletions of `deleteKeys`. */
  expect(owner: string, creates: number, deleteKeys: string[]): void {
    const r = this.rec(owner);
    r.adds += creates;
    for (const k of deleteKeys) r.dels.add(k);
    r.at = this.clock.now();
  }

  /** A creation was seen by the informer (or failed, so will never be seen). */
  creationObserved(owner: string): void {
    const r = this.m.get(owner);
    if (r && r.adds > 0) r.adds--;
  }

  /** A deletion was seen (the pod is gone or terminating), or the delete failed. */
  deletionObserved(owner: string, podKey: string): void {
    this.m.get(owner)?.dels.delete(podKey);
  }

  /** True when nothing is pending, or what is pending has waited longer than the timeout. */
  satisfied(owner: string): boolean {
    const r = this.m.get(owner);
    if (!r) return true;
    if (r.adds <= 0 && r.dels.size === 0) return true;
    return this.clock.now() - r.at > this.timeoutMs;
  }

  /** Forgets an owner (it was deleted). */
  delete(owner: string): void {
    this.m.delete(owner);
  }
}
