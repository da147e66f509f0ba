/**
 * The in-process scheduler: cache + profiles + the cycle, without any API I/O. `scheduleOne`
 * runs the algorithm, then Reserve → assume in the cache → Permit; the caller binds (and on a
 * failed bind calls `forget`). The last decision per pod is kept for `explain`.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { SchedulerCache } from './cache.js';
import { runCycle, type CycleResult } from './cycle.js';
import { explain, type Explanation } from './explain.js';
import type { Framework } from './framework.js';
import { buildFrameworks, type SchedulerConfiguration } from './profile.js';
import { isSuccess } from './types.js';

/** Options of a Scheduler. */
export interface SchedulerOptions {
  config?: SchedulerConfiguration;
  cache?: SchedulerCache;
  now?: () => Date;
  random?: () => number;
  /** How many pods' last decisions to keep (oldest dropped first). */
  maxExplanations?: number;
}

/** A decision plus the profile that made it. */
export interface Decision extends CycleResult {
  schedulerName: string;
  time: Date;
}

/** Scheduling without I/O. */
export class Scheduler {
  readonly cache: SchedulerCache;
  readonly frameworks: Map<string, Framework>;
  private readonly now: () => Date;
  private readonly decisions = new Map<string, Decision>();
  private readonly maxDecisions: number;

  constructor(opts: SchedulerOptions = {}) {
    this.cache = opts.cache ?? new SchedulerCache();
    this.frameworks = buildFrameworks(opts.config ?? {}, this.cache, opts.random);
    this.now = opts.now ?? (() => new Date());
    this.maxDecisions = opts.maxExplanations ?? 10_000;
  }

  /**
   * Whether this scheduler should place the pod: a profile of ours matches spec.schedulerName, it
   * is not bound, not terminating and has no schedulingGates left.
   */
  responsibleFor(pod: Pod): boolean {
    if (pod.spec?.nodeName || pod.metadata?.deletionTimestamp) return false;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return false;
    if ((pod.spec?.schedulingGates ?? []).length > 0) return false;
    return this.frameworks.has(pod.spec?.schedulerName ?? 'default-scheduler');
  }

  /** Runs one cycle; on success the pod is assumed on the chosen node until `confirm`/`forget`. */
  scheduleOne(pod: Pod): Decision {
    const name = pod.spec?.schedulerName ?? 'default-scheduler';
    const fw = this.frameworks.get(name);
    if (!fw) throw new Error(`no profile for schedulerName ${name}`);
    const r = runCycle(fw, pod);
    const d: Decision = { ...r, schedulerName: name, time: this.now() };
    if (d.nodeName) {
      const node = d.nodeName;
      const reserved: typeof fw.reserve = [];
      for (const p of fw.reserve) {
        const s = p.reserve(d.pod, node, d.state);
        if (!isSuccess(s)) {
          for (const q of reserved.reverse()) q.unreserve(d.pod, node, d.state);
          return this.record(fail(d, `${p.name}: ${s!.reasons.join(', ')}`));
        }
        reserved.push(p);
      }
      this.cache.assumePod(d.pod, node);
      for (const p of fw.permit) {
        const { status } = p.permit(d.pod, node, d.state);
        if (!isSuccess(status) && status!.code !== 'Wait') {
          for (const q of reserved.reverse()) q.unreserve(d.pod, node, d.state);
          this.cache.forgetPod(d.pod.key);
          return this.record(fail(d, `${p.name}: ${status!.reasons.join(', ')}`));
        }
      }
    }
    return this.record(d);
  }

  /** The binding failed: drop the assumed placement. */
  forget(key: string): void {
    this.cache.forgetPod(key);
  }

  private record(d: Decision): Decision {
    this.decisions.delete(d.pod.key);
    this.decisions.set(d.pod.key, d);
    if (this.decisions.size > this.maxDecisions) {
      const oldest = this.decisions.keys().next().value;
      if (oldest !== undefined) this.decisions.delete(oldest);
    }
    return d;
  }

  /** The account of the last decision for `namespace/name` (built on demand). */
  explain(key: string): Explanation | undefined {
    const d = this.decisions.get(key);
    if (!d) return undefined;
    return explain(d, this.cache.nodeInfos().map((n) => n.name), d.schedulerName, d.time);
  }

  /** Forgets a deleted pod's decision. */
  dropDecision(key: string): void {
    this.decisions.delete(key);
  }
}

function fail(d: Decision, message: string): Decision {
  const { nodeName: _n, ...rest } = d;
  return { ...rest, failure: { code: 'Error', message } };
}
