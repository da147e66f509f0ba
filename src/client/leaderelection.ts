/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's tools/leaderelection with a
 * LeaseLock: candidates Get the Lease, take it when it is absent, released or expired, and the
 * holder renews it every retryPeriod. Writes carry the resourceVersion that was read, so two
 * candidates racing for an expired Lease cannot both win (the loser gets 409 and retries later).
 *
 * Expiry is judged as client-go does, by the *local* time at which this candidate last saw the
 * record change (observedTime + leaseDuration), never by comparing renewTime with our clock, so
 * clock skew between hosts cannot make a live leader look dead.
 */
import type { KubeObject } from '../api/object.js';
import { isStatus, type ResourceRef } from './rest.js';
import { realClock, type Clock } from './workqueue.js';

/** The calls the elector makes; a RestClient satisfies it (tests may wrap one to inject errors). */
export interface LeaseClient {
  get(ref: ResourceRef): Promise<KubeObject>;
  create(ref: ResourceRef, obj: KubeObject): Promise<KubeObject>;
  update(ref: ResourceRef, obj: KubeObject): Promise<KubeObject>;
}

/** Options of LeaderElector (client-go LeaderElectionConfig). */
export interface LeaderElectorOptions {
  client: LeaseClient;
  namespace: string;
  name: string;
  /** unique per candidate, e.g. `<hostname>_<random>` */
  identity: string;
  /** how long non-leaders wait after the last observed change before taking over (default 15 s) */
  leaseDurationMs?: number;
  /** how long the leader keeps retrying a failed renewal before giving up (default 10 s) */
  renewDeadlineMs?: number;
  /** interval between attempts to acquire or renew (default 2 s) */
  retryPeriodMs?: number;
  /** clear holderIdentity when stop() is called while leading (client-go ReleaseOnCancel; default true) */
  releaseOnCancel?: boolean;
  clock?: Clock;
  /** runs when this candidate becomes leader; may be async (stop waits for it before onStoppedLeading) */
  onStartedLeading?: () => void | Promise<void>;
  /** runs when leadership ends, by lost renewal or by stop(); awaited before the Lease is released */
  onStoppedLeading?: () => void | Promise<void>;
  /** runs when the observed holder changes (including to this candidate) */
  onNewLeader?: (identity: string) => void;
  /** receives failures of individual attempts (they are retried, never thrown) */
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** The fields of LeaseSpec leader election reads and writes (client-go LeaderElectionRecord). */
export interface LeaderElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

/** metav1.MicroTime's wire format: RFC 3339 with six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function recordOf(lease: KubeObject): LeaderElectionRecord {
  const s = (lease.spec ?? {}) as Record<string, unknown>;
  return {
    holderIdentity: typeof s.holderIdentity === 'string' ? s.holderIdentity : '',
    leaseDurationSeconds: typeof s.leaseDurationSeconds === 'number' ? s.leaseDurationSeconds : 0,
    acquireTime: typeof s.acquireTime === 'string' ? s.acquireTime : '',
    renewTime: typeof s.renewTime === 'string' ? s.renewTime : '',
    leaseTransitions: typeof s.leaseTransitions === 'number' ? s.leaseTransitions : 0,
  };
}

function sameRecord(a: LeaderElectionRecord, b: LeaderElectionRecord): boolean {
  return a.holderIdentity === b.holderIdentity && a.leaseDurationSeconds === b.leaseDurationSeconds && a.acquireTime === b.acquireTime && a.renewTime === b.renewTime && a.leaseTransitions === b.leaseTransitions;
}

/** Campaigns for one Lease until stop(); leads, loses and re-campaigns as the Lease dictates. */
export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly clock: Clock;
  private readonly ref: ResourceRef;
  private observed: LeaderElectionRecord | undefined;
  private observedTime = 0;
  private leading = false;
  private lastRenew = 0;
  private timer: unknown;
  private deadlineTimer: unknown;
  private running = false;
  private attempt: Promise<void> | undefined;
  private started: Promise<void> = Promise.resolve();
  private transition: Promise<void> = Promise.resolve();
  private reportedLeader: string | undefined;

  constructor(private readonly o: LeaderElectorOptions) {
    this.leaseDurationMs = o.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = o.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = o.retryPeriodMs ?? 2_000;
    this.clock = o.clock ?? realClock;
    // client-go NewLeaderElector refuses configurations where a leader could not renew in time.
    if (this.leaseDurationMs <= this.renewDeadlineMs) throw new Error('leaseDuration must be greater than renewDeadline');
    if (this.renewDeadlineMs <= this.retryPeriodMs * 1.2) throw new Error('renewDeadline must be greater than retryPeriod*1.2');
    if (!o.identity) throw new Error('leader election requires an identity');
    this.ref = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: o.namespace, name: o.name };
  }

  /** True while this candidate holds the Lease. */
  isLeader(): boolean {
    return this.leading;
  }

  /** The holder last observed in the Lease ('' when released or not yet seen). */
  getLeader(): string {
    return this.observed?.holderIdentity ?? '';
  }

  /** Resolves once no acquire/renew attempt is in flight (tests advance a fake clock after it). */
  async whenIdle(): Promise<void> {
    while (this.attempt) await this.attempt;
  }

  /** Starts campaigning; the first attempt runs at once, as wait.JitterUntil does. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.run();
  }

  /**
   * Stops campaigning. A leader first stops its work (onStoppedLeading) and only then releases
   * the Lease, so a successor never runs alongside it.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.clock.clearTimeout(this.timer);
    await this.attempt;
    if (this.leading) {
      this.stopLeading('stopped');
      await this.transition;
      if (this.o.releaseOnCancel !== false) await this.release();
    }
    await this.transition;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = this.clock.setTimeout(() => this.run(), ms);
  }

  private run(): void {
    // tick() never rejects (attempt failures are logged and retried), so this promise is safe to keep.
    this.attempt = this.tick().finally(() => {
      this.attempt = undefined;
    });
  }

  private async tick(): Promise<void> {
    const ok = await this.tryAcquireOrRenew().catch((e: unknown) => {
      this.o.log?.('leader election attempt failed', { lease: `${this.o.namespace}/${this.o.name}`, error: e instanceof Error ? e.message : String(e) });
      return false;
    });
    if (!this.running) return;
    const now = this.clock.now();
    if (ok) {
      this.lastRenew = now;
      if (!this.leading) this.startLeading();
      this.armDeadline();
    } else if (this.leading && now - this.lastRenew >= this.renewDeadlineMs) {
      this.stopLeading('renewal failed past the renew deadline');
    }
    this.schedule(this.retryPeriodMs);
  }

  /**
   * A renewal that hangs must not keep us leading past renewDeadline (client-go bounds it with a
   * context timeout): a clock timer steps down even while the request is still in flight.
   */
  private armDeadline(): void {
    this.clock.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = this.clock.setTimeout(() => {
      if (this.leading && this.running && this.clock.now() - this.lastRenew >= this.renewDeadlineMs) this.stopLeading('renewal did not complete within the renew deadline');
    }, this.renewDeadlineMs);
  }

  private startLeading(): void {
    this.leading = true;
    const cb = this.o.onStartedLeading;
    this.started = this.transition.then(async () => {
      try {
        await cb?.();
      } catch (e) {
        this.o.log?.('onStartedLeading failed', { error: e instanceof Error ? e.message : String(e) });
      }
    });
    this.transition = this.started;
  }

  private stopLeading(why: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.clock.clearTimeout(this.deadlineTimer);
    this.o.log?.('leadership lost', { lease: `${this.o.namespace}/${this.o.name}`, identity: this.o.identity, reason: why });
    const cb = this.o.onStoppedLeading;
    // The stop callback waits for the start callback, so controllers started late are still stopped.
    this.transition = this.started.then(async () => {
      try {
        await cb?.();
      } catch (e) {
        this.o.log?.('onStoppedLeading failed', { error: e instanceof Error ? e.message : String(e) });
      }
    });
  }

  private observe(rec: LeaderElectionRecord): void {
    if (!this.observed || !sameRecord(this.observed, rec)) {
      this.observed = rec;
      this.observedTime = this.clock.now();
    }
    if (rec.holderIdentity && rec.holderIdentity !== this.reportedLeader) {
      this.reportedLeader = rec.holderIdentity;
      this.o.onNewLeader?.(rec.holderIdentity);
    }
  }

  /** One round of client-go's tryAcquireOrRenew; true when we hold the Lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const desired: LeaderElectionRecord = {
      holderIdentity: this.o.identity,
      leaseDurationSeconds: Math.max(1, Math.round(this.leaseDurationMs / 1000)),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    let lease: KubeObject;
    try {
      lease = await this.o.client.get(this.ref);
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
      const created = await this.o.client.create(
        { ...this.ref, name: undefined },
        { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.o.name, namespace: this.o.namespace }, spec: { ...desired } },
      ).catch((err: unknown) => {
        if (isStatus(err, 409)) return undefined; // another candidate created it first
        throw err;
      });
      if (!created) return false;
      this.observe(recordOf(created));
      return true;
    }
    const current = recordOf(lease);
    this.observe(current);
    const iAmHolder = current.holderIdentity === this.o.identity;
    // Held by someone else and not yet expired (by our own observation time): stand by.
    if (current.holderIdentity && !iAmHolder && this.observedTime + current.leaseDurationSeconds * 1000 > now) return false;
    if (iAmHolder) {
      desired.acquireTime = current.acquireTime || desired.acquireTime;
      desired.leaseTransitions = current.leaseTransitions;
    } else {
      desired.leaseTransitions = current.leaseTransitions + 1;
    }
    try {
      const updated = await this.o.client.update(this.ref, { ...lease, spec: { ...(lease.spec as object), ...desired } });
      this.observe(recordOf(updated));
      return true;
    } catch (e) {
      if (isStatus(e, 409)) return false; // lost the optimistic-concurrency race; retry next period
      throw e;
    }
  }

  /** Clears holderIdentity (client-go release) so a successor need not wait for expiry. */
  private async release(): Promise<void> {
    try {
      const lease = await this.o.client.get(this.ref);
      const current = recordOf(lease);
      if (current.holderIdentity !== this.o.identity) return;
      const now = microTime(this.clock.now());
      const spec = { ...(lease.spec as object), holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: current.leaseTransitions };
      this.observe(recordOf(await this.o.client.update(this.ref, { ...lease, spec })));
    } catch (e) {
      this.o.log?.('failed to release the lease', { lease: `${this.o.namespace}/${this.o.name}`, error: e instanceof Error ? e.message : String(e) });
    }
  }
}
