/**
 * Pod workers (kubelet's pod_workers + syncPod, reduced): every pod bound to one of this agent's
 * nodes is run through the runtime, and its full status is written through the status
 * subresource. Restarts follow restartPolicy with kubelet's crash back-off (10 s doubling to
 * 5 min, first restart immediate); a pod with a deletionTimestamp is stopped and then deleted
 * with gracePeriodSeconds=0, which lets the API server remove it.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { deepEqual, type KubeObject } from '../api/object.js';
import { Informer, objectKey, splitKey } from '../client/informer.js';
import { isStatus, type RestClient } from '../client/rest.js';
import { realClock, type Clock } from '../client/workqueue.js';
import { IpAllocator } from './ip-allocator.js';
import type { ContainerInfo, Runtime, SandboxInfo } from './runtime.js';
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
}

interface ContainerSlot {
  currentId?: string;
  previous?: ContainerInfo;
  restartCount: number;
  backoffUntil?: number;
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

  constructor(private readonly opts: PodWorkersOptions) {
    this.clock = opts.clock ?? realClock;
    for (const n of opts.nodes) this.nodes.set(n.name, { ...n, ips: new IpAllocator(n.podCIDR) });
    // One node: the API server filters (kubelet's spec.nodeName field selector). Many simulated
    // nodes share one watch of all pods instead of a watch per node.
    const only = opts.nodes.length === 1 ? opts.nodes[0] : undefined;
    this.informer = new Informer({ client: opts.client, resource: podsRef, fieldSelector: only ? `spec.nodeName=${only.name}` : undefined, log: opts.log });
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
  }

  /** Stops the watch and pending timers; containers are left as they are. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
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
        if (this.dirty.delete(key)) this.enqueue(key);
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
      st = { uid, node: node.name, startTime: this.clock.now(), containers: new Map() };
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
    if (!st.sandbox) st.sandbox = await rt.createSandbox(pod, node.ips.allocate());
    const policy = pod.spec?.restartPolicy ?? 'Always';
    for (const c of pod.spec?.containers ?? []) {
      let slot = st.containers.get(c.name);
      if (!slot) {
        slot = { restartCount: 0 };
        st.containers.set(c.name, slot);
      }
      const cur = slot.currentId ? rt.containerStatus(slot.currentId) : undefined;
      if (cur && cur.state !== 'exited') continue;
      if (cur) {
        const restart = policy === 'Always' || (policy === 'OnFailure' && cur.exitCode !== 0);
        if (!restart) continue;
        const now = this.clock.now();
        if (slot.backoffUntil === undefined) {
          const delay = slot.restartCount === 0 ? 0 : Math.min(backoffBaseMs * 2 ** (slot.restartCount - 1), backoffMaxMs);
          slot.backoffUntil = (cur.finishedAt ?? now) + delay;
        }
        if (now < slot.backoffUntil) {
          this.resyncAt(st, slot.backoffUntil - now);
          continue;
        }
        slot.previous = cur;
        slot.restartCount++;
        slot.backoffUntil = undefined;
        await rt.removeContainer(cur.id);
      }
      const created = await rt.createContainer(st.sandbox.id, pod, c);
      slot.currentId = created.id;
      await rt.startContainer(created.id);
    }
  }

  private resyncAt(st: PodState, ms: number): void {
    if (st.timer !== undefined) this.clock.clearTimeout(st.timer);
    st.timer = this.clock.setTimeout(() => {
      st.timer = undefined;
      const key = this.keyByUid.get(st.uid);
      if (key) this.enqueue(key);
    }, ms);
  }

  private observed(st: PodState, pod: Pod): ObservedContainer[] {
    const rt = this.opts.runtime;
    const now = this.clock.now();
    return (pod.spec?.containers ?? []).map((c) => {
      const slot = st.containers.get(c.name);
      const current = slot?.currentId ? rt.containerStatus(slot.currentId) : undefined;
      const backingOff = slot?.backoffUntil !== undefined && now < slot.backoffUntil && current?.state === 'exited';
      const o: ObservedContainer = { name: c.name, image: c.image ?? '', restartCount: slot?.restartCount ?? 0 };
      if (current) o.current = current;
      if (slot?.previous) o.previous = slot.previous;
      if (backingOff) {
        const ms = (slot.backoffUntil ?? now) - (current.finishedAt ?? now);
        o.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(ms / 1000)}s restarting failed container=${c.name} pod=${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${st.uid})` };
      }
      return o;
    });
  }

  private async writeStatus(st: PodState, pod: Pod, node: WorkerNode): Promise<void> {
    const status = computePodStatus({
      pod,
      now: this.clock.now(),
      hostIP: node.hostIP,
      podIP: st.sandbox?.podIP,
      startTime: st.startTime,
      sandboxReady: st.sandbox !== undefined,
      containers: this.observed(st, pod),
    });
    const cmp = JSON.parse(JSON.stringify(status)) as unknown;
    if (deepEqual(cmp, st.lastWritten) || deepEqual(cmp, pod.status)) return;
    const { namespace, name } = splitKey(this.keyByUid.get(st.uid) ?? '');
    await this.opts.client.patch({ ...podsRef, namespace, name, subresource: 'status' }, 'merge', { status });
    st.lastWritten = cmp;
  }

  private async terminate(key: string, st: PodState, pod: Pod): Promise<void> {
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    await this.stopAll(st, grace);
    const { namespace, name } = splitKey(key);
    try {
      // The final delete: with the containers gone the pod object may go (preconditioned on uid).
      await this.opts.client.delete({ ...podsRef, namespace, name }, { gracePeriodSeconds: 0, preconditions: { uid: st.uid } });
    } catch (e) {
      if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
    }
  }

  private async stopAll(st: PodState, grace: number): Promise<void> {
    const rt = this.opts.runtime;
    for (const slot of st.containers.values()) if (slot.currentId) await rt.stopContainer(slot.currentId, grace);
    if (st.sandbox) {
      await rt.removeSandbox(st.sandbox.id);
      this.nodes.get(st.node)?.ips.release(st.sandbox.podIP);
      st.sandbox = undefined;
    }
    if (st.timer !== undefined) this.clock.clearTimeout(st.timer);
  }

  private async teardown(key: string, st: PodState): Promise<void> {
    await this.stopAll(st, 0);
    this.states.delete(key);
    this.keyByUid.delete(st.uid);
  }

  /** The cached pods (for tests and diagnostics). */
  pods(): KubeObject[] {
    return this.informer.list();
  }
}
