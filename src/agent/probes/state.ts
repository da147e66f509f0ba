/**
 * The per-probe result state machine of kubelet's prober worker (pkg/kubelet/prober/worker.go),
 * as a pure object driven by the caller's clock: a probe first runs initialDelaySeconds after the
 * container started, then every periodSeconds; the published result flips only after
 * successThreshold consecutive successes or failureThreshold consecutive failures. Until then the
 * initial value holds: readiness starts as Failure, liveness as Success, startup as Unknown.
 */
import type { Probe } from 'kubernetes-types/core/v1.js';

/** Which probe of a container. */
export type ProbeKind = 'startup' | 'liveness' | 'readiness';

/** A published probe result (prober/results: Unknown, Success, Failure). */
export type ProbeResult = 'unknown' | 'success' | 'failure';

/** A probe's timing and thresholds in milliseconds, with the API's defaults filled in. */
export interface ProbeTiming {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

/** The timing of a probe spec, applying the core/v1 defaults (period 10 s, timeout 1 s, thresholds 1/3). */
export function probeTiming(p: Probe, kind: ProbeKind): ProbeTiming {
  const pos = (v: number | undefined, d: number): number => (v !== undefined && v > 0 ? v : d);
  return {
    initialDelayMs: Math.max(0, p.initialDelaySeconds ?? 0) * 1000,
    periodMs: pos(p.periodSeconds, 10) * 1000,
    timeoutMs: pos(p.timeoutSeconds, 1) * 1000,
    // Liveness and startup probes must have successThreshold 1 (validation); enforce it anyway.
    successThreshold: kind === 'readiness' ? pos(p.successThreshold, 1) : 1,
    failureThreshold: pos(p.failureThreshold, 3),
  };
}

/** The value a probe reports before it has run enough times (worker.go initialValue). */
export function initialResult(kind: ProbeKind): ProbeResult {
  return kind === 'readiness' ? 'failure' : kind === 'liveness' ? 'success' : 'unknown';
}

/** One probe of one container instance. */
export class ProbeState {
  /** the published result */
  result: ProbeResult;
  /** when the next probe should run (ms since the epoch) */
  nextAt: number;
  /** the message of the last failed attempt (for events and logs) */
  lastMessage = '';
  private last: ProbeResult = 'unknown';
  private run = 0;

  constructor(
    readonly kind: ProbeKind,
    readonly timing: ProbeTiming,
    startedAt: number,
  ) {
    this.result = initialResult(kind);
    this.nextAt = startedAt + timing.initialDelayMs;
  }

  /** True when a probe attempt is due at `now`. */
  due(now: number): boolean {
    return now >= this.nextAt;
  }

  /**
   * Records one attempt made at `now`; returns true when the published result changed. The next
   * attempt is one period later, as the worker's ticker has it.
   */
  observe(ok: boolean, now: number, message = ''): boolean {
    const r: ProbeResult = ok ? 'success' : 'failure';
    if (!ok) this.lastMessage = message;
    this.run = r === this.last ? this.run + 1 : 1;
    this.last = r;
    this.nextAt = now + this.timing.periodMs;
    const threshold = ok ? this.timing.successThreshold : this.timing.failureThreshold;
    if (this.run < threshold || this.result === r) return false;
    this.result = r;
    // Like the worker, a liveness/startup failure restarts the count, so the next container
    // instance (or a resumed one) needs a full run of failures again.
    if (r === 'failure' && this.kind !== 'readiness') this.run = 0;
    return true;
  }
}
