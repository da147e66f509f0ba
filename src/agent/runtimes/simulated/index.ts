/**
 * The `simulated` runtime: containers go through created → running → exited with no processes.
 * Behaviour comes from pod annotations (a `<key>.<container>` form overrides the pod-wide one):
 * - `kubeling.dev/sim-start-delay-ms`: created → running delay (default 0)
 * - `kubeling.dev/sim-ready-delay-ms`: running → ready delay (default 0)
 * - `kubeling.dev/sim-ready`: `"false"` keeps the container unready
 * - `kubeling.dev/sim-run-ms`: how long it runs before exiting (default: forever, or 0 when an exit code is set)
 * - `kubeling.dev/sim-exit-code`: the exit code (default 0)
 * - `kubeling.dev/sim-log-lines`: log lines written at start, separated by newlines
 * Usage (stats) is reported from the container's requests (limits when no requests), so
 * `kubectl top` shows what the pod asked for, unless overridden by
 * - `kubeling.dev/sim-cpu-usage` (e.g. "450m") / `kubeling.dev/sim-memory-usage` (e.g. "64Mi"),
 *   read again from the live pod by the agent's usage accessor so patching them changes load.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { realClock, type Clock } from '../../../client/workqueue.js';
import { parseQuantity } from '../../../api/validation/quantity.js';
import type { ContainerInfo, ContainerStats, ExecRequest, ExecSession, Runtime, SandboxInfo } from '../../runtime.js';

/** Options of the simulated runtime. */
export interface SimulatedRuntimeOptions {
  clock?: Clock;
  /** when set, CRI-format log files are written under this directory */
  logDir?: string;
}

/** The behaviour of one container, read from annotations. */
export interface SimBehaviour {
  startDelayMs: number;
  readyDelayMs: number;
  ready: boolean;
  runMs: number | undefined;
  exitCode: number;
  logLines: string[];
}

const prefix = 'kubeling.dev/sim-';

/** Reads a container's simulated behaviour from its pod's annotations. */
export function simBehaviour(pod: Pod, containerName: string): SimBehaviour {
  const ann = pod.metadata?.annotations ?? {};
  const get = (k: string): string | undefined => ann[`${prefix}${k}.${containerName}`] ?? ann[`${prefix}${k}`];
  const num = (k: string): number | undefined => {
    const v = get(k);
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const exitRaw = get('exit-code');
  const exitCode = exitRaw !== undefined && Number.isInteger(Number(exitRaw)) ? Number(exitRaw) : 0;
  const runMs = num('run-ms') ?? (exitRaw !== undefined ? 0 : undefined);
  const lines = get('log-lines');
  return {
    startDelayMs: num('start-delay-ms') ?? 0,
    readyDelayMs: num('ready-delay-ms') ?? 0,
    ready: get('ready') !== 'false',
    runMs,
    exitCode,
    logLines: lines === undefined ? [] : lines.split('\n').filter((l) => l !== ''),
  };
}

/** Usage reported for a container: its requests, else its limits, else nothing. */
export function usageFromResources(c: Container): ContainerStats {
  const r = c.resources ?? {};
  const pick = (k: 'cpu' | 'memory'): number => {
    const q = r.requests?.[k] ?? r.limits?.[k];
    return q === undefined ? 0 : (parseQuantity(q) ?? 0);
  };
  return { cpuNanoCores: Math.round(pick('cpu') * 1e9), memoryWorkingSetBytes: Math.round(pick('memory')) };
}

/**
 * Applies the `sim-cpu-usage` / `sim-memory-usage` annotations (pod-wide or `.<container>`) over a
 * base usage, so tests and demos can drive autoscaling by changing load on a running pod.
 */
export function simulatedUsage(pod: Pod, containerName: string, base: ContainerStats): ContainerStats {
  const ann = pod.metadata?.annotations ?? {};
  const q = (k: string): number | undefined => {
    const v = ann[`${prefix}${k}.${containerName}`] ?? ann[`${prefix}${k}`];
    const n = v === undefined ? undefined : parseQuantity(v);
    return n !== undefined && n >= 0 ? n : undefined;
  };
  const cpu = q('cpu-usage');
  const mem = q('memory-usage');
  return {
    cpuNanoCores: cpu === undefined ? base.cpuNanoCores : Math.round(cpu * 1e9),
    memoryWorkingSetBytes: mem === undefined ? base.memoryWorkingSetBytes : Math.round(mem),
  };
}

interface SimContainer {
  info: ContainerInfo;
  podUid: string;
  behaviour: SimBehaviour;
  usage: ContainerStats;
  timers: unknown[];
  logs: string[];
  logFile?: string;
}

/** Formats a CRI log line: `<RFC3339Nano> stdout F <text>`. */
function criLine(ms: number, text: string): string {
  return `${new Date(ms).toISOString().replace('Z', '000000Z')} stdout F ${text}`;
}

/** A runtime whose containers exist only in memory, driven by an injected clock. */
export class SimulatedRuntime implements Runtime {
  readonly name = 'simulated';
  readonly version = '0.1.0';
  private readonly clock: Clock;
  private readonly sandboxes = new Map<string, SandboxInfo>();
  private readonly containers = new Map<string, SimContainer>();
  private readonly listeners = new Set<(podUid: string) => void>();
  private seq = 0;

  constructor(private readonly opts: SimulatedRuntimeOptions = {}) {
    this.clock = opts.clock ?? realClock;
  }

  createSandbox(pod: Pod, podIP: string): Promise<SandboxInfo> {
    const podUid = pod.metadata?.uid ?? '';
    const sb: SandboxInfo = { id: `sb-${podUid}-${++this.seq}`, podUid, podIP, createdAt: this.clock.now() };
    this.sandboxes.set(sb.id, sb);
    return Promise.resolve(sb);
  }

  async removeSandbox(sandboxId: string): Promise<void> {
    for (const [id, c] of this.containers) {
      if (c.info.sandboxId !== sandboxId) continue;
      await this.stopContainer(c.info.id, 0);
      this.containers.delete(id);
    }
    this.sandboxes.delete(sandboxId);
  }

  createContainer(sandboxId: string, pod: Pod, container: Container): Promise<ContainerInfo> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) return Promise.reject(new Error(`sandbox ${sandboxId} not found`));
    const raw = `${(++this.seq).toString(16).padStart(8, '0')}${sb.podUid.replace(/-/g, '')}`.slice(0, 32);
    const image = container.image ?? '';
    const info: ContainerInfo = {
      id: `sim://${raw}`,
      sandboxId,
      name: container.name,
      image,
      imageID: `sim://${image}`,
      state: 'created',
      createdAt: this.clock.now(),
      ready: false,
    };
    const c: SimContainer = { info, podUid: sb.podUid, behaviour: simBehaviour(pod, container.name), usage: simulatedUsage(pod, container.name, usageFromResources(container)), timers: [], logs: [] };
    if (this.opts.logDir) {
      const dir = join(this.opts.logDir, `${pod.metadata?.namespace ?? ''}_${pod.metadata?.name ?? ''}_${sb.podUid}`, container.name);
      mkdirSync(dir, { recursive: true });
      c.logFile = join(dir, `${raw}.log`);
    }
    this.containers.set(info.id, c);
    return Promise.resolve({ ...info });
  }

  startContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return Promise.reject(new Error(`container ${containerId} not found`));
    if (c.info.state !== 'created') return Promise.reject(new Error(`container ${containerId} is ${c.info.state}, not created`));
    const b = c.behaviour;
    // A zero delay runs synchronously so a test on a fake clock sees it without advancing time.
    this.after(c, b.startDelayMs, () => {
      c.info.state = 'running';
      c.info.startedAt = this.clock.now();
      for (const l of b.logLines) this.log(c, l);
      if (b.ready) {
        this.after(c, b.readyDelayMs, () => {
          c.info.ready = true;
        });
      }
      if (b.runMs !== undefined) this.after(c, b.runMs, () => this.exit(c, b.exitCode, b.exitCode === 0 ? 'Completed' : 'Error'));
    });
    return Promise.resolve();
  }

  stopContainer(containerId: string, _graceSeconds: number): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c || c.info.state === 'exited') return Promise.resolve();
    // A simulated process honours SIGTERM at once: exit code 143 (128 + SIGTERM), like most programs.
    if (c.info.state === 'created') this.exit(c, 0, 'Completed', false);
    else this.exit(c, 143, 'Error', false);
    return Promise.resolve();
  }

  removeContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (c) for (const t of c.timers) this.clock.clearTimeout(t);
    this.containers.delete(containerId);
    return Promise.resolve();
  }

  containerStatus(containerId: string): ContainerInfo | undefined {
    const c = this.containers.get(containerId);
    return c ? { ...c.info } : undefined;
  }

  logPath(containerId: string): string | undefined {
    return this.containers.get(containerId)?.logFile;
  }

  /** The log lines a container wrote (CRI format), kept in memory. */
  logs(containerId: string): string[] {
    return [...(this.containers.get(containerId)?.logs ?? [])];
  }

  /** Simulated containers have no process to run a command in: exec always fails, clearly. */
  exec(containerId: string, _req: ExecRequest): Promise<ExecSession> {
    const c = this.containers.get(containerId);
    const what = c ? `container ${c.info.name}` : `container ${containerId}`;
    return Promise.reject(new Error(`cannot exec in ${what}: the simulated runtime runs no processes (use the process runtime for exec)`));
  }

  stats(containerId: string): ContainerStats | undefined {
    const c = this.containers.get(containerId);
    return c && c.info.state === 'running' ? { ...c.usage } : undefined;
  }

  onChange(listener: (podUid: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    for (const c of this.containers.values()) for (const t of c.timers) this.clock.clearTimeout(t);
    this.listeners.clear();
    return Promise.resolve();
  }

  private after(c: SimContainer, ms: number, fn: () => void): void {
    const run = (): void => {
      if (!this.containers.has(c.info.id) || c.info.state === 'exited') return;
      fn();
      this.notify(c.podUid);
    };
    if (ms <= 0) run();
    else c.timers.push(this.clock.setTimeout(run, ms));
  }

  private exit(c: SimContainer, code: number, reason: string, notify = true): void {
    for (const t of c.timers) this.clock.clearTimeout(t);
    c.timers = [];
    c.info.state = 'exited';
    c.info.ready = false;
    c.info.exitCode = code;
    c.info.reason = reason;
    c.info.finishedAt = this.clock.now();
    if (notify) this.notify(c.podUid);
  }

  private log(c: SimContainer, text: string): void {
    const line = criLine(this.clock.now(), text);
    c.logs.push(line);
    if (c.logFile) appendFileSync(c.logFile, `${line}\n`);
  }

  private notify(podUid: string): void {
    for (const l of this.listeners) l(podUid);
  }
}
