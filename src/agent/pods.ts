/**
 * Pod workers (kubelet's pod_workers + syncPod, reduced): every pod bound to one of this agent's
 * nodes is run through the runtime, and its full status is written through the status
 * subresource. Restarts follow restartPolicy with kubelet's crash back-off (10 s doubling to
 * 5 min, first restart immediate); a pod with a deletionTimestamp is stopped and then deleted
 * with gracePeriodSeconds=0, which lets the API server remove it.
 */
import type { Container, ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { deepEqual, type KubeObject } from '../api/object.js';
import { Informer, objectKey, splitKey } from '../client/informer.js';
import { isStatus, type RestClient } from '../client/rest.js';
import { realClock, type Clock } from '../client/workqueue.js';
import { EventRecorder, type EventType } from '../client/events.js';
import { RestEventSink } from '../client/event-sink.js';
import { IpAllocator } from './ip-allocator.js';
import { podGracePeriodSeconds, probeKillGraceSeconds, runPostStart, runPreStop } from './lifecycle.js';
import { ProbeManager } from './probes/manager.js';
import type { ContainerConfig, ContainerInfo, Runtime, SandboxInfo } from './runtime.js';
import type { ContainerConfigurer } from './volumes/config.js';
import { computePodStatus, type ObservedContainer } from './status.js';

/** A node the workers run pods for. */
export interface WorkerNode {
  name: string;
  hostIP: string;
  podCIDR: string;
}

/** Options of the pod workers. */
export interface PodWorkersOptions {
  client: RestClient;
  runtime: Runtime;
  nodes: WorkerNode[];
  clock?: Clock;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** records events about pods (Unhealthy, Killing, FailedPostStartHook); default: core/v1 Events through `client` */
  event?: (pod: Pod, type: EventType, reason: string, message: string) => void;
  /** resolves each container's env and volume mounts before it is created (src/agent/volumes/config.ts) */
  configurer?: ContainerConfigurer;
  /**
   * sandboxes the runtime re-adopted from its state dir after an agent restart (live-restore):
   * their IPs stay reserved, and those whose pod is gone from the API are removed after the first sync
   */
  adoptedSandboxes?: SandboxInfo[];
}

interface ContainerSlot {
  currentId?: string;
  previous?: ContainerInfo;
  restartCount: number;
  backoffUntil?: number;
  /** why the configurer could not configure the container (CreateContainerConfigError, ContainerCreating) */
  configWaiting?: { reason: string; message?: string };
  /** an init container that completed (it is never run again for this pod) */
  initDone?: boolean;
  /** the completed init container as the API status last showed it (after an agent restart) */
  snapshot?: ContainerInfo;
}

interface PodState {
  uid: string;
  node: string;
  sandbox?: SandboxInfo;
  startTime: number;
  containers: Map<string, ContainerSlot>;
  lastWritten?: unknown;
  timer?: unknown;
}

const podsRef = { group: '', version: 'v1', resource: 'pods' };

/** A completed container as the API status shows it, for a slot rebuilt after an agent restart. */
function infoFromTerminated(cs: ContainerStatus, t: NonNullable<NonNullable<ContainerStatus['state']>['terminated']>): ContainerInfo {
  const ms = (v: string | undefined): number | undefined => (v ? Date.parse(v) : undefined);
  const finishedAt = ms(t.finishedAt) ?? 0;
  const info: ContainerInfo = { id: t.containerID ?? cs.containerID ?? '', sandboxId: '', name: cs.name, image: cs.image, imageID: cs.imageID, state: 'exited', createdAt: ms(t.startedAt) ?? finishedAt, finishedAt, exitCode: t.exitCode, ready: false };
  const startedAt = ms(t.startedAt);
  if (startedAt !== undefined) info.startedAt = startedAt;
  if (t.reason) info.reason = t.reason;
  return info;
}
const backoffBaseMs = 10_000;
const backoffMaxMs = 300_000;

/** Runs the pods bound to a set of nodes. */
export class PodWorkers {
  private readonly clock: Clock;
  private readonly informer: Informer;
  private readonly nodes = new Map<string, WorkerNode & { ips: IpAllocator }>();
  private readonly states = new Map<string, PodState>(); // by pod key
  private readonly keyByUid = new Map<string, string>();
  private readonly busy = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly idle = new Set<() => void>();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private readonly probes: ProbeManager;
  private readonly recorders = new Map<string, EventRecorder>();

  constructor(private readonly opts: PodWorkersOptions) {
    this.clock = opts.clock ?? realClock;
    for (const n of opts.nodes) this.nodes.set(n.name, { ...n, ips: new IpAllocator(n.podCIDR) });
    for (const sb of opts.adoptedSandboxes ?? []) for (const n of this.nodes.values()) n.ips.reserve(sb.podIP);
    // One node: the API server filters (kubelet's spec.nodeName field selector). Many simulated
    // nodes share one watch of all pods instead of a watch per node.
    const only = opts.nodes.length === 1 ? opts.nodes[0] : undefined;
    this.informer = new Informer({ client: opts.client, resource: podsRef, fieldSelector: only ? `spec.nodeName=${only.name}` : undefined, log: opts.log });
    this.probes = new ProbeManager({
      runtime: opts.runtime,
      clock: this.clock,
      onChange: (uid) => {
        const key = this.keyByUid.get(uid);
        if (key) this.enqueue(key);
      },
      event: (pod, type, reason, message) => this.event(pod, type, reason, message),
    });
  }

  /** Records an event about a pod, from the node it runs on (kubelet's source.host). */
  private event(pod: Pod, type: EventType, reason: string, message: string): void {
    if (this.opts.event) return this.opts.event(pod, type, reason, message);
    const host = pod.spec?.nodeName ?? '';
    let r = this.recorders.get(host);
    if (!r) {
      r = new EventRecorder(new RestEventSink(this.opts.client), { component: 'kubelet', host, now: () => new Date(this.clock.now()), log: this.opts.log });
      this.recorders.set(host, r);
    }
    r.event({ apiVersion: 'v1', kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid }, type, reason, message);
  }

  /** Starts watching and working. */
  async start(): Promise<void> {
    this.unsubscribe = this.opts.runtime.onChange((uid) => {
      const key = this.keyByUid.get(uid);
      if (key) this.enqueue(key);
    });
    this.informer.addHandlers({
      onAdd: (o) => this.enqueue(objectKey(o)),
      onUpdate: (_, o) => this.enqueue(objectKey(o)),
      onDelete: (o) => this.enqueue(objectKey(o)),
    });
    this.informer.start();
    await this.informer.waitForSync();
    await this.removeOrphans();
  }

  /** kubelet's HandlePodCleanups: adopted sandboxes of pods deleted while the agent was down go. */
  private async removeOrphans(): Promise<void> {
    const live = new Set(this.informer.list().map((o) => o.metadata.uid));
    for (const sb of this.opts.adoptedSandboxes ?? []) {
      if (live.has(sb.podUid)) continue;
      this.opts.log?.('removing the sandbox of a pod that no longer exists', { sandbox: sb.id, podUid: sb.podUid });
      await this.opts.runtime.removeSandbox(sb.id);
      for (const n of this.nodes.values()) n.ips.release(sb.podIP);
    }
  }

  /** Stops the watch and pending timers; containers are left as they are. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.probes.close();
    for (const s of this.states.values()) if (s.timer !== undefined) this.clock.clearTimeout(s.timer);
    await this.informer.stop();
    if (this.busy.size > 0) await new Promise<void>((r) => this.idle.add(r));
  }

  /** Queues a pod for a sync; a pod is never synced twice at once (re-queued when busy). */
  enqueue(key: string): void {
    if (this.stopped) return;
    if (this.busy.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.busy.add(key);
    void this.sync(key)
      .catch((e: unknown) => {
        this.opts.log?.('pod sync failed; retrying', { pod: key, error: e instanceof Error ? e.message : String(e) });
        this.clock.setTimeout(() => this.enqueue(key), 1000);
      })
      .finally(() => {
        this.busy.delete(key);
        // After stop() a dirty pod is not synced again, so the idle waiters must still be woken.
        if (this.dirty.delete(key) && !this.stopped) this.enqueue(key);
        else if (this.busy.size === 0) for (const r of this.idle) r();
      });
  }

  private async sync(key: string): Promise<void> {
    const obj = this.informer.get(key);
    const pod = obj as unknown as Pod | undefined;
    let st = this.states.get(key);
    if (st && (!pod || pod.metadata?.uid !== st.uid)) {
      // Gone from the API (or replaced by a new pod of the same name): release what it held.
      await this.teardown(key, st);
      st = undefined;
    }
    if (!pod) return;
    const node = this.nodes.get(pod.spec?.nodeName ?? '');
    if (!node) return;
    const uid = pod.metadata?.uid ?? '';
    if (!st) {
      // After an agent restart the pod keeps the startTime it was first given (kubelet reads it back).
      const known = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
      st = { uid, node: node.name, startTime: Number.isFinite(known) ? known : this.clock.now(), containers: new Map() };
      this.states.set(key, st);
      this.keyByUid.set(uid, key);
    }
    if (pod.metadata?.deletionTimestamp) {
      await this.terminate(key, st, pod);
      return;
    }
    const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (!terminal) await this.runContainers(st, pod, node);
    await this.writeStatus(st, pod, node);
  }

  private async runContainers(st: PodState, pod: Pod, node: WorkerNode & { ips: IpAllocator }): Promise<void> {
    const rt = this.opts.runtime;
    if (!st.sandbox) {
      const ip = node.ips.allocate();
      st.sandbox = await rt.createSandbox(pod, ip);
      // Live-restore (or host network): the runtime handed back a sandbox with another address.
      if (st.sandbox.podIP !== ip) {
        node.ips.release(ip);
        node.ips.reserve(st.sandbox.podIP);
      }
    }
    const policy = pod.spec?.restartPolicy ?? 'Always';
    if (!(await this.runInitContainers(st, pod, policy))) return;
    for (const c of pod.spec?.containers ?? []) {
      const cur = await this.syncContainer(st, pod, c, (done) => policy === 'Always' || (policy === 'OnFailure' && done.exitCode !== 0));
      if (cur?.state === 'running') await this.checkProbes(st, pod, c, cur);
    }
  }

  /**
   * Init containers run one at a time, in order, each to completion (exit 0) before the next;
   * a failed one is restarted unless restartPolicy is Never (then the pod fails). Returns true
   * when all completed, so the app containers may start.
   */
  private async runInitContainers(st: PodState, pod: Pod, policy: string): Promise<boolean> {
    for (const c of pod.spec?.initContainers ?? []) {
      const slot = this.slot(st, c.name, pod.status?.initContainerStatuses);
      if (slot.initDone) continue;
      const cur = await this.syncContainer(st, pod, c, (done) => done.exitCode !== 0 && policy !== 'Never');
      if (cur?.state !== 'exited' || cur.exitCode !== 0) return false;
      slot.initDone = true;
    }
    return true;
  }

  /** The slot of a container; after an agent restart, an init container the API shows completed stays completed. */
  private slot(st: PodState, name: string, apiStatuses?: ContainerStatus[]): ContainerSlot {
    let slot = st.containers.get(name);
    if (!slot) {
      slot = { restartCount: 0 };
      const known = apiStatuses?.find((s) => s.name === name);
      const t = known?.state?.terminated;
      if (t && t.exitCode === 0 && known && apiStatuses !== undefined && !this.adoptable(known)) {
        slot = { restartCount: known.restartCount, initDone: true, snapshot: infoFromTerminated(known, t) };
      } else if (known) {
        // Live-restore: the status the previous agent wrote carries the restart count and last
        // state; a container the runtime still knows is adopted instead of being created again.
        slot = { restartCount: known.restartCount };
        if (this.adoptable(known)) slot.currentId = known.containerID;
        const last = known.lastState?.terminated;
        if (last) slot.previous = infoFromTerminated(known, last);
      }
      st.containers.set(name, slot);
    }
    return slot;
  }

  /** Whether the runtime still knows the container instance an API status names. */
  private adoptable(cs: ContainerStatus): boolean {
    return cs.containerID !== undefined && cs.containerID !== '' && this.opts.runtime.containerStatus(cs.containerID) !== undefined;
  }

  /**
   * Brings one container towards running: creates and starts it when absent, restarts an exited
   * one when `restart` says so (after kubelet's crash back-off). Returns its current instance.
   */
  private async syncContainer(st: PodState, pod: Pod, c: Container, restart: (done: ContainerInfo) => boolean): Promise<ContainerInfo | undefined> {
    const rt = this.opts.runtime;
    const slot = this.slot(st, c.name, pod.status?.containerStatuses);
    const cur = slot.currentId ? rt.containerStatus(slot.currentId) : undefined;
    if (cur && cur.state !== 'exited') return cur;
    if (cur) {
      this.probes.remove(cur.id);
      if (!restart(cur)) return cur;
      const now = this.clock.now();
      if (slot.backoffUntil === undefined) {
        const delay = slot.restartCount === 0 ? 0 : Math.min(backoffBaseMs * 2 ** (slot.restartCount - 1), backoffMaxMs);
        slot.backoffUntil = (cur.finishedAt ?? now) + delay;
      }
      if (now < slot.backoffUntil) {
        this.resyncAt(st, slot.backoffUntil - now);
        return cur;
      }
      slot.previous = cur;
      slot.restartCount++;
      slot.backoffUntil = undefined;
      await rt.removeContainer(cur.id);
    }
    const sandbox = st.sandbox;
    if (!sandbox) return undefined;
    let config: ContainerConfig | undefined;
    if (this.opts.configurer) {
      const r = await this.opts.configurer.configure(pod, c, { podIP: sandbox.podIP, hostIP: this.nodes.get(st.node)?.hostIP ?? '', nodeName: st.node });
      slot.configWaiting = 'waiting' in r ? r.waiting : undefined;
      if ('waiting' in r) {
        this.resyncAt(st, r.retryMs);
        return undefined;
      }
      config = r.config;
    }
    const created = await rt.createContainer(sandbox.id, pod, c, config);
    slot.currentId = created.id;
    await rt.startContainer(created.id);
    const started = rt.containerStatus(created.id);
    if (started?.state === 'running' && created.state !== 'running') await this.postStart(pod, c, started, sandbox.podIP);
    return rt.containerStatus(created.id);
  }

  /** kubelet kills a container whose postStart hook failed; the restart policy then applies. */
  private async postStart(pod: Pod, c: Container, info: ContainerInfo, podIP: string): Promise<void> {
    const failure = await runPostStart({ runtime: this.opts.runtime, pod, container: c, containerId: info.id, podIP });
    if (failure === undefined) return;
    this.event(pod, 'Warning', 'FailedPostStartHook', failure);
    this.event(pod, 'Normal', 'Killing', `FailedPostStartHook`);
    await this.opts.runtime.stopContainer(info.id, podGracePeriodSeconds(pod));
  }

  /** Starts the probes of a running container and acts on a liveness or startup failure. */
  private async checkProbes(st: PodState, pod: Pod, c: Container, cur: ContainerInfo): Promise<void> {
    this.probes.ensure(pod, c, cur, st.sandbox?.podIP ?? '');
    const f = this.probes.failure(cur.id);
    if (!f) return;
    this.probes.remove(cur.id);
    this.event(pod, 'Normal', 'Killing', `Container ${c.name} failed ${f.kind} probe, will be restarted`);
    const probe = f.kind === 'liveness' ? c.livenessProbe : c.startupProbe;
    await this.opts.runtime.stopContainer(cur.id, probeKillGraceSeconds(pod, probe?.terminationGracePeriodSeconds));
  }

  private resyncAt(st: PodState, ms: number): void {
    if (st.timer !== undefined) this.clock.clearTimeout(st.timer);
    st.timer = this.clock.setTimeout(() => {
      st.timer = undefined;
      const key = this.keyByUid.get(st.uid);
      if (key) this.enqueue(key);
    }, ms);
  }

  private observed(st: PodState, pod: Pod, containers: Container[]): ObservedContainer[] {
    const rt = this.opts.runtime;
    const now = this.clock.now();
    // The simulated runtime models readiness itself (sim-ready); real runtimes leave it to probes.
    const runtimeJudgesReadiness = rt.name === 'simulated';
    return containers.map((c) => {
      const slot = st.containers.get(c.name);
      const current = (slot?.currentId ? rt.containerStatus(slot.currentId) : undefined) ?? slot?.snapshot;
      const backingOff = slot?.backoffUntil !== undefined && now < slot.backoffUntil && current?.state === 'exited';
      const o: ObservedContainer = { name: c.name, image: c.image ?? '', restartCount: slot?.restartCount ?? 0 };
      if (current) o.current = current;
      if (current?.state === 'running') {
        o.started = this.probes.started(c, current.id);
        o.ready = this.probes.ready(c, current.id) && (!runtimeJudgesReadiness || current.ready);
      }
      if (slot?.previous) o.previous = slot.previous;
      if (backingOff) {
        const ms = (slot.backoffUntil ?? now) - (current.finishedAt ?? now);
        o.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(ms / 1000)}s restarting failed container=${c.name} pod=${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${st.uid})` };
      }
      if (slot?.configWaiting && !o.waiting) o.waiting = slot.configWaiting;
      return o;
    });
  }

  private async writeStatus(st: PodState, pod: Pod, node: WorkerNode, terminating = false): Promise<void> {
    const status = computePodStatus({
      terminating,
      initContainers: this.observed(st, pod, pod.spec?.initContainers ?? []),
      pod,
      now: this.clock.now(),
      hostIP: node.hostIP,
      podIP: st.sandbox?.podIP,
      startTime: st.startTime,
      sandboxReady: st.sandbox !== undefined,
      containers: this.observed(st, pod, pod.spec?.containers ?? []),
      lastWrittenConditions: (st.lastWritten as { conditions?: PodCondition[] } | undefined)?.conditions,
    });
    const cmp = JSON.parse(JSON.stringify(status)) as unknown;
    if (deepEqual(cmp, st.lastWritten) || deepEqual(cmp, pod.status)) return;
    const { namespace, name } = splitKey(this.keyByUid.get(st.uid) ?? '');
    await this.opts.client.patch({ ...podsRef, namespace, name, subresource: 'status' }, 'merge', { status });
    st.lastWritten = cmp;
  }

  /**
   * Graceful termination (kubelet's killPod): every running container gets its preStop hook and
   * then SIGTERM, SIGKILL when the grace period (the delete's, else the spec's) runs out — all
   * containers at once. The final status is written, then the pod deleted with grace 0.
   */
  private async terminate(key: string, st: PodState, pod: Pod): Promise<void> {
    this.probes.removePod(st.uid);
    await this.stopContainers(st, pod, podGracePeriodSeconds(pod));
    const node = this.nodes.get(st.node);
    try {
      if (node) await this.writeStatus(st, pod, node, true);
    } catch (e) {
      if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
    }
    await this.stopAll(st, 0);
    const { namespace, name } = splitKey(key);
    try {
      // The final delete: with the containers gone the pod object may go (preconditioned on uid).
      await this.opts.client.delete({ ...podsRef, namespace, name }, { gracePeriodSeconds: 0, preconditions: { uid: st.uid } });
    } catch (e) {
      if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
    }
  }

  private async stopContainers(st: PodState, pod: Pod, grace: number): Promise<void> {
    const rt = this.opts.runtime;
    const specs = new Map([...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => [c.name, c]));
    const podIP = st.sandbox?.podIP ?? '';
    const stops = [...st.containers].map(async ([name, slot]) => {
      const cur = slot.currentId ? rt.containerStatus(slot.currentId) : undefined;
      const c = specs.get(name);
      if (!cur || cur.state !== 'running' || !c) return;
      // Thousands of simulated pods are deleted at once in benchmarks: no per-container event there.
      if (rt.name !== 'simulated') this.event(pod, 'Normal', 'Killing', `Stopping container ${name}`);
      const left = await runPreStop({ runtime: rt, pod, container: c, containerId: cur.id, podIP }, grace, () => this.clock.now(), (msg) => this.event(pod, 'Warning', 'FailedPreStopHook', msg));
      await rt.stopContainer(cur.id, left);
    });
    await Promise.all(stops);
  }

  private async stopAll(st: PodState, grace: number): Promise<void> {
    const rt = this.opts.runtime;
    for (const slot of st.containers.values()) if (slot.currentId) await rt.stopContainer(slot.currentId, grace);
    // Volumes are unmounted first: the sandbox's removal deletes the pod's directory.
    await this.opts.configurer?.release(st.uid);
    if (st.sandbox) {
      await rt.removeSandbox(st.sandbox.id);
      this.nodes.get(st.node)?.ips.release(st.sandbox.podIP);
      st.sandbox = undefined;
    }
    if (st.timer !== undefined) this.clock.clearTimeout(st.timer);
  }

  private async teardown(key: string, st: PodState): Promise<void> {
    this.probes.removePod(st.uid);
    await this.stopAll(st, 0);
    this.states.delete(key);
    this.keyByUid.delete(st.uid);
  }

  /** The cached pods (for tests and diagnostics). */
  pods(): KubeObject[] {
    return this.informer.list();
  }
}
