/**
 * The `process` runtime: every container is a real host process. As root a pod gets its own
 * network namespace on the node bridge (network.ts) and each container its own PID, mount, UTS
 * and IPC namespaces and cgroup v1 limits (cgroups.ts, launch.ts); without root containers
 * degrade to plain child processes and `capabilities()` says so. Containers are started detached
 * with output in files, so they survive the agent; their state is persisted (state.ts) and a new
 * instance adopts what still runs (live-restore).
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { realClock, type Clock } from '../../../client/workqueue.js';
import type { ContainerConfig, ContainerInfo, ContainerStats, ExecRequest, ExecSession, Runtime, RuntimeCapabilities, SandboxInfo } from '../../runtime.js';
import { cgroupV1Available, ContainerCgroup, controllers, namespaceInit, workloadPids } from './cgroups.js';
import { startExec } from './exec.js';
import { dialPod } from './portforward.js';
import { requireTool, which } from './host.js';
import { loadImageTable, resolveArgv, type ImageEntry } from './images.js';
import { launch, type HostTools, type LaunchSpec } from './launch.js';
import { defaultRotation, LogPump, type LogRotation } from './logs.js';
import { hostsFileContent, netnsPath, PodNetwork, podHostname, podNetNames } from './network.js';
import { StateStore, type ContainerRecord, type SandboxRecord } from './state.js';
import { defaultMounts, withHostsFile } from './volumes.js';

/** Options of the process runtime. */
export interface ProcessRuntimeOptions {
  /** persisted state, raw output and emptyDirs (e.g. /var/lib/kubeling/agent) */
  stateDir: string;
  /** CRI log files (default `<stateDir>/logs`, kubelet uses /var/log/pods) */
  logDir?: string;
  /** the node's pod CIDR; its first address is the bridge/gateway */
  podCIDR: string;
  /** bridge name (default kubeling0) */
  bridge?: string;
  /** cgroup parent under each controller (default kubeling) */
  cgroupRoot?: string;
  /** the address host-network (and unisolated) pods get */
  hostIP?: string;
  /** a JSON file extending the image → host program table */
  imagesFile?: string;
  rotation?: LogRotation;
  clock?: Clock;
  /** how often running containers are checked for exit and their output pumped (default 200 ms) */
  pollMs?: number;
  /** pretend not to be root (tests of the degraded mode) */
  forceUnprivileged?: boolean;
}

interface LiveContainer {
  rec: ContainerRecord;
  pump: LogPump;
  cgroup?: ContainerCgroup;
  /** restored from disk and not yet claimed by createContainer */
  adoptable: boolean;
  lastCpu?: { at: number; ns: number };
}

/** A runtime running containers as isolated host processes. */
export class ProcessRuntime implements Runtime {
  readonly name = 'process';
  readonly version = '0.1.0';
  private readonly clock: Clock;
  private readonly store: StateStore;
  private readonly logDir: string;
  private readonly isolate: boolean;
  private readonly caps: RuntimeCapabilities;
  private readonly net: PodNetwork | undefined;
  private readonly tools: HostTools;
  private readonly images: Record<string, ImageEntry>;
  private readonly cgroupRoot: string;
  private readonly sandboxes = new Map<string, SandboxRecord>();
  private readonly containers = new Map<string, LiveContainer>();
  /** log files of removed containers, kept until the sandbox goes (kubectl logs -p) */
  private readonly removedLogs = new Map<string, { sandboxId: string; path: string }>();
  private readonly listeners = new Set<(podUid: string) => void>();
  private timer: unknown;
  private closed = false;

  constructor(private readonly opts: ProcessRuntimeOptions) {
    this.clock = opts.clock ?? realClock;
    this.store = new StateStore(opts.stateDir);
    this.logDir = opts.logDir ?? join(opts.stateDir, 'logs');
    this.cgroupRoot = opts.cgroupRoot ?? 'kubeling';
    this.images = loadImageTable(opts.imagesFile);
    const root = !opts.forceUnprivileged && process.getuid?.() === 0;
    const v1 = cgroupV1Available();
    this.isolate = root && v1;
    this.caps = this.isolate
      ? { isolation: true, podNetwork: true }
      : { isolation: false, podNetwork: false, message: root ? 'no cgroup v1 hierarchies (memory, cpu, cpuacct, pids): containers run as plain child processes' : 'the agent is not running as root: containers run as plain child processes without namespaces, cgroups or pod networking' };
    const sh = which('sh') ?? '/bin/sh';
    this.tools = this.isolate
      ? { sh, nsenter: requireTool('nsenter', 'util-linux'), unshare: requireTool('unshare', 'util-linux'), mount: requireTool('mount', 'mount'), mkdir: requireTool('mkdir', 'coreutils'), hostname: requireTool('hostname', 'hostname') }
      : { sh, nsenter: 'nsenter', unshare: 'unshare', mount: 'mount', mkdir: which('mkdir') ?? 'mkdir', hostname: 'hostname' };
    this.net = this.isolate ? new PodNetwork({ bridge: opts.bridge ?? 'kubeling0', podCIDR: opts.podCIDR, ip: requireTool('ip', 'iproute2') }) : undefined;
    this.restore();
    this.schedulePoll();
  }

  /** What this host lets the runtime do. */
  capabilities(): RuntimeCapabilities {
    return { ...this.caps };
  }

  async createSandbox(pod: Pod, podIP: string): Promise<SandboxInfo> {
    const podUid = pod.metadata?.uid ?? '';
    // Live-restore: a restarted agent asks again for a pod whose sandbox still exists.
    for (const sb of this.sandboxes.values()) if (sb.info.podUid === podUid) return { ...sb.info };
    const hostNetwork = pod.spec?.hostNetwork === true || !this.net;
    const ip = hostNetwork ? (this.opts.hostIP ?? '127.0.0.1') : podIP;
    if (!hostNetwork) {
      const taken = [...this.sandboxes.values()].find((s) => s.netns && s.info.podIP === ip);
      if (taken) throw new Error(`pod IP ${ip} is in use by sandbox ${taken.info.id}`);
    }
    const id = randomBytes(16).toString('hex');
    const namespace = pod.metadata?.namespace ?? 'default';
    const podName = pod.metadata?.name ?? '';
    const rec: SandboxRecord = {
      info: { id, podUid, podIP: ip, createdAt: this.clock.now() },
      namespace,
      podName,
      logDir: join(this.logDir, `${namespace}_${podName}_${podUid}`),
      dataDir: join(this.opts.stateDir, 'pods', podUid),
    };
    mkdirSync(rec.logDir, { recursive: true });
    mkdirSync(rec.dataDir, { recursive: true });
    if (!hostNetwork && this.net) {
      const names = podNetNames(podUid);
      await this.net.setup(names, ip);
      rec.netns = names.netns;
      rec.veth = names.veth;
      rec.hostsFile = join(rec.dataDir, 'etc-hosts');
      writeFileSync(rec.hostsFile, hostsFileContent(pod, ip));
    }
    this.sandboxes.set(id, rec);
    this.store.saveSandbox(rec);
    return { ...rec.info };
  }

  async removeSandbox(sandboxId: string): Promise<void> {
    const sb = this.sandboxes.get(sandboxId);
    for (const c of [...this.containers.values()]) {
      if (c.rec.info.sandboxId !== sandboxId) continue;
      await this.stopContainer(c.rec.info.id, 0);
      await this.removeContainer(c.rec.info.id);
    }
    for (const [id, l] of this.removedLogs) if (l.sandboxId === sandboxId) this.removedLogs.delete(id);
    if (!sb) return;
    if (sb.netns && sb.veth && this.net) await this.net.teardown({ netns: sb.netns, veth: sb.veth });
    rmSync(sb.logDir, { recursive: true, force: true });
    rmSync(sb.dataDir, { recursive: true, force: true });
    this.sandboxes.delete(sandboxId);
    this.store.deleteSandbox(sandboxId);
  }

  createContainer(sandboxId: string, pod: Pod, container: Container, config?: ContainerConfig): Promise<ContainerInfo> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) return Promise.reject(new Error(`sandbox ${sandboxId} not found`));
    // Live-restore: hand back the still-running instance instead of starting a second one.
    for (const c of this.containers.values()) {
      if (c.adoptable && c.rec.info.sandboxId === sandboxId && c.rec.info.name === container.name && c.rec.info.state === 'running') {
        c.adoptable = false;
        return Promise.resolve({ ...c.rec.info });
      }
    }
    const raw = randomBytes(16).toString('hex');
    const image = container.image ?? '';
    const info: ContainerInfo = { id: `process://${raw}`, sandboxId, name: container.name, image, imageID: `process://${image}`, state: 'created', createdAt: this.clock.now(), ready: false };
    const dir = join(this.store.containerDir, raw);
    mkdirSync(dir, { recursive: true });
    const logPath = join(sb.logDir, container.name, `${raw}.log`);
    mkdirSync(join(sb.logDir, container.name), { recursive: true });
    writeFileSync(logPath, '', { flag: 'a' }); // exists from the start, so readers can open and follow it
    const rec: ContainerRecord = { info, podUid: sb.info.podUid, dir, logPath };
    const resolved = resolveArgv(container, this.images);
    if ('error' in resolved) {
      // No registry to pull from: the container waits with kubelet's image-pull failure reason.
      info.reason = 'ErrImagePull';
      info.message = resolved.error;
    } else {
      const env: Record<string, string> = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOSTNAME: podHostname(pod) };
      for (const e of config?.env ?? (container.env ?? []).map((v) => ({ name: v.name, value: v.value ?? '' }))) env[e.name] = e.value;
      const spec: LaunchSpec = {
        argv: resolved.argv,
        env,
        mounts: withHostsFile(config?.mounts ?? defaultMounts(pod, container, sb.dataDir), sb.hostsFile),
        hostname: podHostname(pod),
        procsFiles: [],
        isolate: this.isolate,
      };
      if (container.workingDir) spec.workingDir = container.workingDir;
      if (sb.netns) spec.netns = netnsPath(sb.netns);
      rec.spec = spec;
    }
    const live: LiveContainer = { rec, pump: this.pumpFor(rec), adoptable: false };
    if (this.isolate && rec.spec) {
      live.cgroup = this.makeCgroup(sb.info.podUid, container, raw);
      rec.cgroup = live.cgroup.relPath;
      rec.spec.procsFiles = live.cgroup.procsFiles();
    }
    this.containers.set(info.id, live);
    this.store.saveContainer(rec);
    return Promise.resolve({ ...info });
  }

  startContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return Promise.reject(new Error(`container ${containerId} not found`));
    const { rec } = c;
    if (rec.info.state === 'running') return Promise.resolve(); // adopted after a restart
    if (rec.info.state !== 'created') return Promise.reject(new Error(`container ${containerId} is ${rec.info.state}, not created`));
    const spec = rec.spec;
    if (!spec) return Promise.resolve(); // ErrImagePull: stays waiting
    const prog = spec.argv[0] ?? '';
    const found = which(prog, spec.env.PATH);
    if (!found) {
      // What runc reports for a missing executable: the container never starts (exit 128).
      this.finish(c, 128, 'StartError', `exec: "${prog}": executable file not found in $PATH`);
      return Promise.resolve();
    }
    const child = launch(spec, this.tools, this.files(rec));
    rec.shimPid = child.pid;
    rec.info.state = 'running';
    // Readiness is the agent's decision (probes, src/agent/probes); the runtime has no verdict.
    rec.info.startedAt = this.clock.now();
    this.store.saveContainer(rec);
    child.once('exit', () => this.check(c));
    child.once('error', () => this.check(c));
    this.notify(rec.podUid);
    return Promise.resolve();
  }

  async stopContainer(containerId: string, graceSeconds: number): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return;
    if (c.rec.info.state === 'created') {
      this.finish(c, 0, 'Completed');
      return;
    }
    if (c.rec.info.state !== 'running') return;
    // Like runc kill: SIGTERM to the container's init only, SIGKILL to all after the grace period.
    // A container stopped right after its start may have no init yet: TERM goes out once it has.
    let termed = this.signal(c, 'SIGTERM');
    const termOnce = (): void => {
      if (!termed) termed = this.signal(c, 'SIGTERM');
    };
    if (graceSeconds > 0 && (await this.waitExit(c, graceSeconds * 1000, termOnce))) return;
    c.rec.killed = true;
    this.store.saveContainer(c.rec);
    // Re-sent while waiting: a container stopped right after its start may not be in its namespace yet.
    if (await this.waitExit(c, 5000, () => this.signal(c, 'SIGKILL'))) return;
    // The shim itself is gone or stuck: record the kill ourselves.
    for (const pid of c.cgroup?.pids() ?? []) void tryKill(pid, 'SIGKILL');
    this.finish(c, 137, 'Error', 'killed by the runtime; no exit status was recorded');
  }

  async removeContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return;
    if (c.rec.info.state === 'running') await this.stopContainer(containerId, 0);
    if (c.cgroup) {
      const cg = c.cgroup;
      const deadline = this.clock.now() + 2000;
      while (!cg.remove() && this.clock.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    }
    this.containers.delete(containerId);
    this.removedLogs.set(containerId, { sandboxId: c.rec.info.sandboxId, path: c.rec.logPath });
    rmSync(c.rec.dir, { recursive: true, force: true });
  }

  containerStatus(containerId: string): ContainerInfo | undefined {
    const c = this.containers.get(containerId);
    return c ? { ...c.rec.info } : undefined;
  }

  logPath(containerId: string): string | undefined {
    const c = this.containers.get(containerId);
    if (c) {
      c.pump.pump(); // so a reader sees output up to now
      return c.rec.logPath;
    }
    return this.removedLogs.get(containerId)?.path;
  }

  stats(containerId: string): ContainerStats | undefined {
    const c = this.containers.get(containerId);
    if (!c || c.rec.info.state !== 'running' || !c.cgroup) return undefined;
    const now = this.clock.now();
    const ns = c.cgroup.cpuUsageNs();
    // nanocores = CPU-ns used per wall-second; the first sample averages over the container's life.
    const prev = c.lastCpu ?? { at: c.rec.info.startedAt ?? now, ns: 0 };
    const dt = now - prev.at;
    const cpuNanoCores = dt > 0 ? Math.max(0, Math.round(((ns - prev.ns) / dt) * 1000)) : 0;
    c.lastCpu = { at: now, ns };
    return { cpuNanoCores, memoryWorkingSetBytes: c.cgroup.memoryWorkingSet() };
  }

  exec(containerId: string, req: ExecRequest): Promise<ExecSession> {
    const c = this.containers.get(containerId);
    if (!c || c.rec.info.state !== 'running' || !c.rec.spec) return Promise.reject(new Error(`container not found or not running: ${containerId}`));
    const init = this.isolate ? namespaceInit(c.cgroup?.pids() ?? []) : undefined;
    if (this.isolate && init === undefined) return Promise.reject(new Error(`container ${c.rec.info.name} has no running process`));
    return Promise.resolve(startExec({ req, spec: c.rec.spec, tools: this.tools, initPid: init }));
  }

  /** Dials the pod's IP (reachable from the host) on `port`. */
  portForward(sandboxId: string, port: number): Promise<Duplex> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) return Promise.reject(new Error(`sandbox ${sandboxId} not found`));
    return dialPod(sb.info.podIP, port, `${sb.podName}, uid ${sb.info.podUid}`);
  }

  onChange(listener: (podUid: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    for (const c of this.containers.values()) c.pump.pump();
    this.listeners.clear();
    return Promise.resolve();
  }

  /** Sandboxes and containers known to the runtime (diagnostics and tests). */
  list(): { sandboxes: SandboxInfo[]; containers: ContainerInfo[] } {
    return { sandboxes: [...this.sandboxes.values()].map((s) => ({ ...s.info })), containers: [...this.containers.values()].map((c) => ({ ...c.rec.info })) };
  }

  /** The host PIDs of a container's processes (tests: live-restore keeps them). */
  pids(containerId: string): number[] {
    const c = this.containers.get(containerId);
    if (!c) return [];
    return c.cgroup ? workloadPids(c.cgroup.pids()) : c.rec.shimPid !== undefined ? [c.rec.shimPid] : [];
  }

  /** Removes the node bridge and the (empty) cgroup parents: tests only, a real node keeps them. */
  async removeNodeResources(): Promise<void> {
    await this.net?.removeBridge();
    for (const c of controllers) {
      try {
        rmdirSync(join('/sys/fs/cgroup', c, this.cgroupRoot));
      } catch {
        /* absent or still in use */
      }
    }
  }

  private makeCgroup(podUid: string, container: Container, raw: string): ContainerCgroup {
    let cg = new ContainerCgroup(`${this.cgroupRoot}/pod${podUid}/${container.name}`);
    if (existsSync(cg.dir('memory'))) {
      // A previous instance's leaf: reuse the name when it is empty, else take a unique one.
      if (cg.pids().length > 0 || !cg.remove()) cg = new ContainerCgroup(`${this.cgroupRoot}/pod${podUid}/${container.name}-${raw.slice(0, 8)}`);
    }
    cg.create(container);
    return cg;
  }

  private files(rec: ContainerRecord): { stdout: string; stderr: string; exit: string } {
    return { stdout: join(rec.dir, 'stdout'), stderr: join(rec.dir, 'stderr'), exit: join(rec.dir, 'exit') };
  }

  private pumpFor(rec: ContainerRecord): LogPump {
    const f = this.files(rec);
    return new LogPump({ stdout: f.stdout, stderr: f.stderr, log: rec.logPath, offsets: join(rec.dir, 'offsets.json') }, this.opts.rotation ?? defaultRotation, () => this.clock.now());
  }

  /** Signals the workload; true when some process received it. */
  private signal(c: LiveContainer, sig: NodeJS.Signals): boolean {
    if (c.cgroup) {
      const pids = c.cgroup.pids();
      if (sig === 'SIGTERM') {
        const init = namespaceInit(pids);
        return init !== undefined && tryKill(init, sig);
      }
      return workloadPids(pids).filter((p) => tryKill(p, sig)).length > 0;
    }
    // Unisolated: the shim leads its own process group and traps TERM, so signal the group.
    return c.rec.shimPid !== undefined && tryKill(-c.rec.shimPid, sig);
  }

  private async waitExit(c: LiveContainer, ms: number, each?: () => void): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      each?.();
      this.check(c);
      if (c.rec.info.state === 'exited') return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Reads the exit file (or notices a vanished process) and finishes the container. */
  private check(c: LiveContainer): void {
    if (c.rec.info.state !== 'running') return;
    c.pump.pump();
    const exitFile = this.files(c.rec).exit;
    let code: number | undefined;
    try {
      const text = readFileSync(exitFile, 'utf8').trim();
      if (text !== '' && Number.isInteger(Number(text))) code = Number(text);
    } catch {
      code = undefined;
    }
    if (code === undefined) {
      // The shim may not have joined its cgroup yet, so a live shim counts as alive too.
      const alive = (c.cgroup !== undefined && c.cgroup.pids().length > 0) || (c.rec.shimPid !== undefined && processAlive(c.rec.shimPid));
      if (alive) return;
      // Re-read: the shim may have written the file just before leaving.
      if (existsSync(exitFile)) return this.check(c);
      this.finish(c, 137, 'Error', 'the container process disappeared without an exit status');
      return;
    }
    let finishedAt = this.clock.now();
    try {
      finishedAt = statSync(exitFile).mtimeMs;
    } catch {
      /* keep now */
    }
    if (c.cgroup?.oomKilled()) return this.finish(c, 137, 'OOMKilled', undefined, finishedAt);
    // When PID 1 of the namespace dies by a signal, unshare reports 1, not 128+n: we know when we killed it.
    if (c.rec.killed && (code === 1 || code === 137)) return this.finish(c, 137, 'Error', undefined, finishedAt);
    this.finish(c, code, code === 0 ? 'Completed' : 'Error', undefined, finishedAt);
  }

  private finish(c: LiveContainer, exitCode: number, reason: string, message?: string, finishedAt = this.clock.now()): void {
    const info = c.rec.info;
    info.state = 'exited';
    info.ready = false;
    info.exitCode = exitCode;
    info.reason = reason;
    if (message) info.message = message;
    info.finishedAt = Math.round(finishedAt);
    info.startedAt ??= info.finishedAt;
    c.pump.pump(true);
    this.store.saveContainer(c.rec);
    this.notify(c.rec.podUid);
  }

  private restore(): void {
    for (const sb of this.store.loadSandboxes()) {
      if (sb.netns && !existsSync(netnsPath(sb.netns))) {
        this.store.deleteSandbox(sb.info.id);
        continue;
      }
      this.sandboxes.set(sb.info.id, sb);
    }
    for (const rec of this.store.loadContainers()) {
      if (!this.sandboxes.has(rec.info.sandboxId)) {
        if (rec.cgroup) new ContainerCgroup(rec.cgroup).remove();
        rmSync(rec.dir, { recursive: true, force: true });
        continue;
      }
      const live: LiveContainer = { rec, pump: this.pumpFor(rec), adoptable: true };
      if (rec.cgroup) live.cgroup = new ContainerCgroup(rec.cgroup);
      this.containers.set(rec.info.id, live);
      this.check(live);
    }
  }

  private schedulePoll(): void {
    if (this.closed) return;
    this.timer = this.clock.setTimeout(() => {
      for (const c of this.containers.values()) {
        if (c.rec.info.state === 'running') this.check(c);
      }
      this.schedulePoll();
    }, this.opts.pollMs ?? 200);
    const t = this.timer as { unref?: () => void };
    t.unref?.();
  }

  private notify(podUid: string): void {
    for (const l of this.listeners) l(podUid);
  }
}

function tryKill(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false; // already gone
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers signal 0; its state letter tells.
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
