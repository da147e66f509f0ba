/**
 * The scheduling queue (pkg/scheduler/backend/queue): an active queue ordered by priority then
 * arrival (PrioritySort), a back-off queue (1 s doubling to 10 s per failed attempt), and an
 * unschedulable set whose pods move back when a cluster event might help (node added/updated,
 * pod deleted, label changes) or after 5 minutes at the latest. Time comes from an injected clock.
 */

/** The clock the queue reads. */
export interface QueueClock {
  now(): number;
}

/** Cluster events that can make an unschedulable pod schedulable. */
export type ClusterEvent = 'NodeAdd' | 'NodeUpdate' | 'PodDelete' | 'PodUpdate' | 'PVCAdd' | 'NamespaceUpdate';

interface Entry {
  key: string;
  priority: number;
  /** First time the pod was queued (upstream's timestamp for PrioritySort). */
  since: number;
  attempts: number;
  backoffUntil: number;
  unschedulableSince: number;
}

/** Options of the queue. */
export interface QueueOptions {
  clock: QueueClock;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** podMaxInUnschedulablePodsDuration. */
  maxUnschedulableMs?: number;
}

/** Priority queue of pod keys with back-off and unschedulable parking. */
export class SchedulingQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly active = new Set<string>();
  private readonly backoff = new Set<string>();
  private readonly unschedulable = new Set<string>();
  private readonly inFlight = new Set<string>();
  /** Events seen while a pod was in flight: if one happens, a failure goes to back-off, not parking. */
  private readonly eventsDuringFlight = new Map<string, boolean>();
  private readonly clock: QueueClock;
  private readonly initial: number;
  private readonly max: number;
  private readonly maxUnsched: number;

  constructor(o: QueueOptions) {
    this.clock = o.clock;
    this.initial = o.initialBackoffMs ?? 1000;
    this.max = o.maxBackoffMs ?? 10_000;
    this.maxUnsched = o.maxUnschedulableMs ?? 5 * 60_000;
  }

  /** Adds or refreshes a pending pod; a pod already queued keeps its place but takes the new priority. */
  add(key: string, priority: number): void {
    const e = this.entries.get(key);
    if (e) {
      e.priority = priority;
      // An update to an unschedulable pod may fix it (e.g. a toleration added): retry.
      if (this.unschedulable.has(key)) this.moveToActiveOrBackoff(e);
      return;
    }
    const now = this.clock.now();
    this.entries.set(key, { key, priority, since: now, attempts: 0, backoffUntil: 0, unschedulableSince: 0 });
    if (!this.inFlight.has(key)) this.active.add(key);
  }

  /** Forgets a pod (deleted or bound by someone else). */
  delete(key: string): void {
    this.entries.delete(key);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
  }

  /** The next pod to schedule (highest priority, then oldest), or undefined. Marks it in flight. */
  pop(): string | undefined {
    this.flush();
    let best: Entry | undefined;
    for (const k of this.active) {
      const e = this.entries.get(k)!;
      if (!best || e.priority > best.priority || (e.priority === best.priority && e.since < best.since)) best = e;
    }
    if (!best) return undefined;
    this.active.delete(best.key);
    this.inFlight.add(best.key);
    this.eventsDuringFlight.set(best.key, false);
    best.attempts++;
    return best.key;
  }

  /** The cycle finished successfully (pod assumed/bound): forget it. */
  done(key: string): void {
    this.inFlight.delete(key);
    this.eventsDuringFlight.delete(key);
    this.delete(key);
  }

  /**
   * The cycle failed. Unschedulable pods are parked until an event may help — unless such an
   * event arrived during the attempt, then they back off; errors always back off.
   */
  failed(key: string, reason: 'Unschedulable' | 'Error'): void {
    const moved = this.eventsDuringFlight.get(key) ?? false;
    this.inFlight.delete(key);
    this.eventsDuringFlight.delete(key);
    const e = this.entries.get(key);
    if (!e) return;
    e.backoffUntil = this.clock.now() + this.backoffDuration(e.attempts);
    if (reason === 'Unschedulable' && !moved) {
      e.unschedulableSince = this.clock.now();
      this.unschedulable.add(key);
    } else this.backoff.add(key);
  }

  /** Back-off for the n-th attempt: initial × 2^(n−1), capped. */
  backoffDuration(attempts: number): number {
    let d = this.initial;
    for (let i = 1; i < attempts && d < this.max; i++) d *= 2;
    return Math.min(d, this.max);
  }

  /** MoveAllToActiveOrBackoffQueue: an event that may make parked pods schedulable. */
  onEvent(_event: ClusterEvent): void {
    for (const k of this.inFlight) this.eventsDuringFlight.set(k, true);
    for (const k of [...this.unschedulable]) this.moveToActiveOrBackoff(this.entries.get(k)!);
  }

  private moveToActiveOrBackoff(e: Entry): void {
    this.unschedulable.delete(e.key);
    if (e.backoffUntil > this.clock.now()) this.backoff.add(e.key);
    else this.active.add(e.key);
  }

  /** Moves expired back-offs to active, and pods parked too long back too. */
  flush(): void {
    const now = this.clock.now();
    for (const k of [...this.backoff]) {
      if (this.entries.get(k)!.backoffUntil <= now) {
        this.backoff.delete(k);
        this.active.add(k);
      }
    }
    for (const k of [...this.unschedulable]) {
      const e = this.entries.get(k)!;
      if (now - e.unschedulableSince >= this.maxUnsched) this.moveToActiveOrBackoff(e);
    }
  }

  /** Earliest time (ms) at which a backing-off pod becomes active, for the caller's timer. */
  nextBackoffExpiry(): number | undefined {
    let t: number | undefined;
    for (const k of this.backoff) {
      const u = this.entries.get(k)!.backoffUntil;
      if (t === undefined || u < t) t = u;
    }
    return t;
  }

  /** Sizes, for metrics and tests. */
  stats(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, inFlight: this.inFlight.size };
  }
}
