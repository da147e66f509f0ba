/**
 * kubelet's prober manager (pkg/kubelet/prober): one worker per running container instance with
 * probes, each probe on its own schedule. A startup probe gates the other two: liveness and
 * readiness do not run until it succeeded. Every failed attempt is an `Unhealthy` event; a
 * published change (readiness flip, liveness or startup failure) is announced through
 * `onChange`, so the pod worker re-syncs: readiness feeds the container's `ready`, a liveness or
 * startup failure makes the pod worker kill and restart the container.
 *
 * On the simulated runtime nothing is dialled: an attempt's result comes from the live pod's
 * annotation `kubeling.dev/sim-<kind>-probe` (or `.<container>`): `fail` (or `false`) fails it.
 */
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../client/workqueue.js';
import type { ContainerInfo, Runtime } from '../runtime.js';
import { runHandler, type ActionResult } from './actions.js';
import { ProbeState, probeTiming, type ProbeKind } from './state.js';

/** How one attempt is made (tests inject a fake). */
export type ProbeRunner = (kind: ProbeKind, probe: Probe, target: { pod: Pod; container: Container; containerId: string; podIP: string; timeoutMs: number }) => Promise<ActionResult>;

/** Options of the probe manager. */
export interface ProbeManagerOptions {
  runtime: Runtime;
  clock: Clock;
  /** a published result changed for a container of this pod */
  onChange: (podUid: string) => void;
  /** records an event about the pod (Unhealthy) */
  event?: (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => void;
  /** overrides how attempts are made (default: real handlers, or annotations on the simulated runtime) */
  runner?: ProbeRunner;
}

/** A liveness or startup probe past its failure threshold: the container must be restarted. */
export interface ProbeFailure {
  kind: 'liveness' | 'startup';
  message: string;
}

interface Worker {
  podUid: string;
  pod: Pod;
  container: Container;
  containerId: string;
  podIP: string;
  states: Map<ProbeKind, ProbeState>;
  timer?: unknown;
  busy: boolean;
}

const kinds: ProbeKind[] = ['startup', 'liveness', 'readiness'];
const title: Record<ProbeKind, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

/** The probe spec of a kind on a container, if any. */
export function containerProbe(c: Container, kind: ProbeKind): Probe | undefined {
  return kind === 'startup' ? c.startupProbe : kind === 'liveness' ? c.livenessProbe : c.readinessProbe;
}

/** Runs the probes of running containers. */
export class ProbeManager {
  private readonly workers = new Map<string, Worker>(); // by container ID
  private readonly runner: ProbeRunner;
  private closed = false;

  constructor(private readonly opts: ProbeManagerOptions) {
    this.runner = opts.runner ?? ((kind, probe, t) => this.attempt(kind, probe, t));
  }

  /** Starts probing a running container instance (idempotent; refreshes the pod it reads annotations from). */
  ensure(pod: Pod, container: Container, info: ContainerInfo, podIP: string): void {
    if (this.closed || info.state !== 'running') return;
    const existing = this.workers.get(info.id);
    if (existing) {
      existing.pod = pod;
      return;
    }
    const states = new Map<ProbeKind, ProbeState>();
    const startedAt = info.startedAt ?? this.opts.clock.now();
    for (const k of kinds) {
      const p = containerProbe(container, k);
      if (p) states.set(k, new ProbeState(k, probeTiming(p, k), startedAt));
    }
    if (states.size === 0) return;
    const w: Worker = { podUid: pod.metadata?.uid ?? '', pod, container, containerId: info.id, podIP, states, busy: false };
    this.workers.set(info.id, w);
    this.schedule(w);
  }

  /** True once the container passed its startup probe (always true without one). */
  started(container: Container, containerId: string): boolean {
    if (!container.startupProbe) return true;
    return this.workers.get(containerId)?.states.get('startup')?.result === 'success';
  }

  /** The probes' readiness verdict: started and the readiness probe succeeding (true without one). */
  ready(container: Container, containerId: string): boolean {
    if (!this.started(container, containerId)) return false;
    if (!container.readinessProbe) return true;
    return this.workers.get(containerId)?.states.get('readiness')?.result === 'success';
  }

  /** A liveness or startup failure that calls for a restart, if any. */
  failure(containerId: string): ProbeFailure | undefined {
    const w = this.workers.get(containerId);
    if (!w) return undefined;
    for (const kind of ['startup', 'liveness'] as const) {
      const s = w.states.get(kind);
      if (s?.result === 'failure') return { kind, message: s.lastMessage };
    }
    return undefined;
  }

  /** Stops probing a container instance (it exited, was killed or removed). */
  remove(containerId: string): void {
    const w = this.workers.get(containerId);
    if (!w) return;
    if (w.timer !== undefined) this.opts.clock.clearTimeout(w.timer);
    this.workers.delete(containerId);
  }

  /** Stops probing every container of a pod. */
  removePod(podUid: string): void {
    for (const w of [...this.workers.values()]) if (w.podUid === podUid) this.remove(w.containerId);
  }

  /** Container IDs being probed (diagnostics and tests). */
  probing(): string[] {
    return [...this.workers.keys()];
  }

  /** Stops all probing. */
  close(): void {
    this.closed = true;
    for (const id of [...this.workers.keys()]) this.remove(id);
  }

  /** The probes that run now: the startup probe until it succeeds, then liveness (until it fails) and readiness. */
  private active(w: Worker): ProbeState[] {
    const startup = w.states.get('startup');
    if (startup && startup.result !== 'success') return startup.result === 'failure' ? [] : [startup];
    const out: ProbeState[] = [];
    const live = w.states.get('liveness');
    if (live && live.result !== 'failure') out.push(live);
    const ready = w.states.get('readiness');
    if (ready) out.push(ready);
    return out;
  }

  private schedule(w: Worker): void {
    if (w.timer !== undefined) this.opts.clock.clearTimeout(w.timer);
    w.timer = undefined;
    const act = this.active(w);
    if (act.length === 0 || this.closed) return;
    const now = this.opts.clock.now();
    const next = Math.min(...act.map((s) => s.nextAt));
    w.timer = this.opts.clock.setTimeout(() => {
      w.timer = undefined;
      void this.tick(w).catch(() => undefined);
    }, Math.max(0, next - now));
    (w.timer as { unref?: () => void }).unref?.();
  }

  private async tick(w: Worker): Promise<void> {
    if (w.busy || this.workers.get(w.containerId) !== w) return;
    w.busy = true;
    let changed = false;
    try {
      for (const s of this.active(w)) {
        if (!s.due(this.opts.clock.now())) continue;
        const probe = containerProbe(w.container, s.kind);
        if (!probe) continue;
        const r = await this.runner(s.kind, probe, { pod: w.pod, container: w.container, containerId: w.containerId, podIP: w.podIP, timeoutMs: s.timing.timeoutMs });
        if (this.workers.get(w.containerId) !== w) return; // removed while the attempt ran
        if (!r.ok) this.opts.event?.(w.pod, 'Warning', 'Unhealthy', `${title[s.kind]} probe failed: ${r.message.trim()}`);
        if (s.observe(r.ok, this.opts.clock.now(), r.message.trim())) changed = true;
      }
    } finally {
      w.busy = false;
    }
    this.schedule(w);
    if (changed) this.opts.onChange(w.podUid);
  }

  private attempt(kind: ProbeKind, probe: Probe, t: Parameters<ProbeRunner>[2]): Promise<ActionResult> {
    if (this.opts.runtime.name === 'simulated') {
      const ann = t.pod.metadata?.annotations ?? {};
      const v = ann[`kubeling.dev/sim-${kind}-probe.${t.container.name}`] ?? ann[`kubeling.dev/sim-${kind}-probe`];
      const fail = v === 'fail' || v === 'false' || v === 'failure';
      return Promise.resolve({ ok: !fail, message: fail ? `simulated ${kind} probe failure` : '' });
    }
    return runHandler(probe, { runtime: this.opts.runtime, containerId: t.containerId, container: t.container, podIP: t.podIP, timeoutMs: t.timeoutMs });
  }
}
