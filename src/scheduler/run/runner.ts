/**
 * The scheduler against the API server (kube-scheduler's main loop): informers feed the
 * SchedulerCache and the SchedulingQueue, one loop pops the highest-priority pod and runs the
 * scheduling cycle synchronously, and the binding cycle (POST pods/<name>/binding) runs in the
 * background so the next pod is scheduled while the previous binds — the assumed pod keeps the
 * cache right meanwhile. Failures set PodScheduled=False and emit FailedScheduling; preemption
 * nominates the node and deletes the victims gracefully.
 */
import type { Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { SharedInformerFactory } from '../../client/factory.js';
import type { Informer, InformerHandlers } from '../../client/informer.js';
import { EventRecorder } from '../../client/events.js';
import { RestEventSink } from '../../client/event-sink.js';
import { isStatus, resourcePath, type RestClient } from '../../client/rest.js';
import { realClock, type Clock } from '../../client/workqueue.js';
import { Scheduler, type Decision } from '../scheduler.js';
import { SchedulingQueue, type ClusterEvent } from '../queue.js';
import type { Explanation } from '../explain.js';
import type { SchedulerConfiguration } from '../profile.js';
import { bindingFor, nodeSchedulingFacts, podKey, podSchedulingFacts, preemptedPatch, unschedulablePatch } from './updates.js';

type Log = (msg: string, fields?: Record<string, unknown>) => void;

/** Options of startScheduler. */
export interface SchedulerRunOptions {
  client: RestClient;
  /** Shared informers of the process; a private factory is made (and stopped) otherwise. */
  informers?: SharedInformerFactory;
  clock?: Clock;
  now?: () => Date;
  log?: Log;
  /** KubeSchedulerConfiguration-style profiles and weights. */
  config?: SchedulerConfiguration;
  random?: () => number;
}

/** A running scheduler. */
export interface RunningScheduler {
  readonly scheduler: Scheduler;
  /** The account of the last decision about a pod, if this scheduler made one. */
  explainPod(namespace: string, name: string): Explanation | undefined;
  /** Queue sizes and counters, for tests and metrics. */
  stats(): { scheduled: number; failed: number; bindErrors: number; queue: ReturnType<SchedulingQueue['stats']> };
  /** Stops the loop, waits for bindings in flight, then stops informers it owns. */
  stop(): Promise<void>;
}

const core = (resource: string) => ({ group: '', version: 'v1', resource });
/** Plugins whose verdict may change when a pod is bound or relabelled somewhere. */
const POD_SENSITIVE = new Set(['InterPodAffinity', 'PodTopologySpread']);
/** Unschedulable pods are flushed at least this often (upstream's 30 s flushUnschedulablePodsLeftover). */
const IDLE_MAX_MS = 30_000;

/** Starts the scheduler; resolves once its informers have synced and the loop runs. */
export async function startScheduler(o: SchedulerRunOptions): Promise<RunningScheduler> {
  const r = new SchedulerRunner(o);
  await r.start();
  return r;
}

class SchedulerRunner implements RunningScheduler {
  readonly scheduler: Scheduler;
  private readonly queue: SchedulingQueue;
  private readonly clock: Clock;
  private readonly now: () => Date;
  private readonly factory: SharedInformerFactory;
  private readonly ownFactory: boolean;
  private readonly recorder: EventRecorder;
  /** Per parked pod: the plugins that rejected it, to move it only on events that may help. */
  private readonly rejectedBy = new Map<string, ReadonlySet<string>>();
  private readonly bindings = new Set<Promise<void>>();
  /**
   * Pods that preempted and wait for their victims to go, by nominated node. They are held as
   * assumed on that node, so other pods do not take the room they freed (upstream adds nominated
   * pods of equal or higher priority when filtering, RunFilterPluginsWithNominatedPods).
   */
  private readonly nominated = new Map<string, string>();
  private podInformer!: Informer;
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private counters = { scheduled: 0, failed: 0, bindErrors: 0 };

  constructor(private readonly o: SchedulerRunOptions) {
    this.clock = o.clock ?? realClock;
    this.now = o.now ?? (() => new Date(this.clock.now()));
    this.scheduler = new Scheduler({ config: o.config, now: this.now, random: o.random });
    this.queue = new SchedulingQueue({ clock: this.clock });
    this.ownFactory = !o.informers;
    this.factory = o.informers ?? new SharedInformerFactory({ client: o.client, clock: this.clock, log: o.log });
    this.recorder = new EventRecorder(new RestEventSink(o.client), { component: 'default-scheduler', now: this.now, log: o.log });
  }

  private log(msg: string, fields?: Record<string, unknown>): void {
    this.o.log?.(msg, fields);
  }

  private inform<T>(resource: string, group: string, version: string, h: { upsert(o: T, old?: T): void; remove(o: T): void }): Informer {
    const inf = this.factory.informerFor({ group, version, resource });
    const handlers: InformerHandlers = {
      onAdd: (obj) => h.upsert(obj as T),
      onUpdate: (old, obj) => h.upsert(obj as T, old as T),
      onDelete: (obj) => h.remove(obj as T),
    };
    inf.addHandlers(handlers);
    return inf;
  }

  async start(): Promise<void> {
    const cache = this.scheduler.cache;
    this.inform<Node>('nodes', '', 'v1', {
      upsert: (n, old) => {
        if (old && nodeSchedulingFacts(old) === nodeSchedulingFacts(n)) return; // a heartbeat
        cache.upsertNode(n);
        this.event(old ? 'NodeUpdate' : 'NodeAdd');
      },
      remove: (n) => cache.removeNode(n.metadata?.name ?? ''),
    });
    this.inform<Namespace>('namespaces', '', 'v1', {
      upsert: (ns, old) => {
        cache.upsertNamespace(ns);
        if (old && JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(ns.metadata?.labels ?? {})) this.event('NamespaceUpdate');
      },
      remove: (ns) => cache.removeNamespace(ns.metadata?.name ?? ''),
    });
    this.inform<PersistentVolumeClaim>('persistentvolumeclaims', '', 'v1', {
      upsert: (c) => {
        cache.upsertPVC(c);
        this.event('PVCAdd');
      },
      remove: (c) => cache.removePVC(c.metadata?.namespace ?? 'default', c.metadata?.name ?? ''),
    });
    this.inform<PersistentVolume>('persistentvolumes', '', 'v1', {
      upsert: (pv) => {
        cache.upsertPV(pv);
        this.event('PVCAdd');
      },
      remove: (pv) => cache.removePV(pv.metadata?.name ?? ''),
    });
    this.inform<PodDisruptionBudget>('poddisruptionbudgets', 'policy', 'v1', {
      upsert: (b) => cache.upsertPDB(b),
      remove: (b) => cache.removePDB(b.metadata?.namespace ?? 'default', b.metadata?.name ?? ''),
    });
    this.podInformer = this.inform<Pod>('pods', '', 'v1', {
      upsert: (p, old) => this.onPod(p, old),
      remove: (p) => this.onPodDelete(p),
    });
    this.factory.start();
    await this.factory.waitForSync();
    this.running = true;
    this.loopDone = this.loop().catch((e: unknown) => this.log('scheduler loop failed', { error: e instanceof Error ? e.stack : String(e) }));
  }

  private event(e: ClusterEvent): void {
    // MoveAllToActiveOrBackoffQueue: every parked pod leaves parking, so no rejection is pending.
    this.queue.onEvent(e);
    this.rejectedBy.clear();
    this.wake();
  }

  private onPod(pod: Pod, old?: Pod): void {
    const key = podKey(pod);
    const cache = this.scheduler.cache;
    if (pod.spec?.nodeName) {
      const labelsChanged = !old || !old.spec?.nodeName || JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(pod.metadata?.labels ?? {});
      cache.upsertPod(pod);
      this.queue.delete(key);
      this.rejectedBy.delete(key);
      // AssignedPodAdd / label change: only pods rejected by affinity or spreading may now fit.
      if (labelsChanged) this.movePodSensitive();
      return;
    }
    // An unbound pod we assumed is binding right now: the informer has not seen the Binding yet.
    if (cache.isAssumed(key) && !this.nominated.has(key)) return;
    if (!this.scheduler.responsibleFor(pod)) {
      this.queue.delete(key);
      return;
    }
    // Our own status writes (the PodScheduled condition) are not a reason to retry.
    if (old && podSchedulingFacts(old) === podSchedulingFacts(pod)) return;
    this.rejectedBy.delete(key);
    this.queue.add(key, pod.spec?.priority ?? 0);
    this.wake();
  }

  private movePodSensitive(): void {
    let moved = false;
    for (const [k, plugins] of this.rejectedBy) {
      if (![...plugins].some((p) => POD_SENSITIVE.has(p))) continue;
      const obj = this.podInformer.get(k) as Pod | undefined;
      this.rejectedBy.delete(k);
      if (!obj) continue;
      // add() on a parked pod moves it to the active or back-off queue.
      this.queue.add(k, obj.spec?.priority ?? 0);
      moved = true;
    }
    if (moved) this.wake();
  }

  private onPodDelete(pod: Pod): void {
    const key = podKey(pod);
    const wasPlaced = this.scheduler.cache.podNode(key) !== undefined;
    this.scheduler.cache.removePod(key);
    this.nominated.delete(key);
    this.queue.delete(key);
    this.rejectedBy.delete(key);
    this.scheduler.dropDecision(key);
    if (wasPlaced) this.event('PodDelete');
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  /** Waits for new work: a queue change, the next back-off expiry, or the periodic flush. */
  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      const next = this.queue.nextBackoffExpiry();
      const delay = next === undefined ? IDLE_MAX_MS : Math.max(1, Math.min(IDLE_MAX_MS, next - this.clock.now()));
      const timer = this.clock.setTimeout(() => this.wake(), delay);
      this.wakeUp = () => {
        this.clock.clearTimeout(timer);
        resolve();
      };
    });
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const key = this.queue.pop();
      if (key === undefined) {
        await this.idle();
        continue;
      }
      this.scheduleKey(key);
      // Let watch events and binding responses in between cycles.
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** The scheduling cycle of one pod (synchronous), then the binding cycle in the background. */
  private scheduleKey(key: string): void {
    const obj = this.podInformer.get(key) as Pod | undefined;
    if (!obj) {
      this.queue.done(key);
      return;
    }
    // spec.priority was set by the Priority admission plugin at create.
    const pod = obj;
    const held = this.nominated.get(key);
    if (!this.scheduler.responsibleFor(pod) || (this.scheduler.cache.isAssumed(key) && !held)) {
      this.queue.done(key);
      return;
    }
    // A nominated pod does not compete with its own reservation.
    if (held) this.scheduler.forget(key);
    this.nominated.delete(key);
    let d: Decision;
    try {
      d = this.scheduler.scheduleOne(pod);
    } catch (e) {
      this.log('scheduling cycle failed', { pod: key, error: e instanceof Error ? e.stack : String(e) });
      this.queue.failed(key, 'Error');
      return;
    }
    if (!d.nodeName) {
      // Keep (or move) the reservation: a new nomination, else the one the pod already has.
      const node = d.nominatedNodeName ?? held;
      if (node && this.scheduler.cache.nodeInfo(node)) {
        this.scheduler.cache.assumePod(d.pod, node);
        this.nominated.set(key, node);
      }
    }
    if (d.nodeName) {
      this.track(this.bind(pod, key, d.nodeName));
      return;
    }
    this.counters.failed++;
    const code = d.failure?.code === 'Error' ? 'Error' : 'Unschedulable';
    this.rejectedBy.set(key, d.diagnosis.unschedulablePlugins);
    this.queue.failed(key, code);
    const message = d.failure?.message ?? 'scheduling failed';
    this.track(this.reportFailure(pod, code === 'Error' ? 'SchedulerError' : 'Unschedulable', message, d));
  }

  private track(p: Promise<void>): void {
    const t = p.catch((e: unknown) => this.log('scheduler write failed', { error: e instanceof Error ? e.message : String(e) }));
    this.bindings.add(t);
    void t.finally(() => this.bindings.delete(t));
  }

  /** The default binder: POST the Binding; on failure forget the assumption and back off. */
  private async bind(pod: Pod, key: string, nodeName: string): Promise<void> {
    const ns = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    // RestClient.create drops the name from the path, so the subresource POST is built here.
    const path = resourcePath({ ...core('pods'), namespace: ns, name, subresource: 'binding' });
    try {
      await this.o.client.json('POST', path, { body: bindingFor(pod, nodeName) });
    } catch (e) {
      this.scheduler.forget(key);
      this.counters.bindErrors++;
      if (isStatus(e, 404)) {
        this.queue.done(key);
        return;
      }
      this.queue.failed(key, 'Error');
      const msg = `binding rejected: ${e instanceof Error ? e.message : String(e)}`;
      this.log('binding failed', { pod: key, node: nodeName, error: msg });
      if (!isStatus(e, 409)) this.recorder.event(pod, 'Warning', 'FailedScheduling', msg);
      this.wake();
      return;
    }
    this.counters.scheduled++;
    this.queue.done(key);
    this.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${nodeName}`);
  }

  /** FailedScheduling event, PodScheduled=False, and on preemption the nomination and victims. */
  private async reportFailure(pod: Pod, reason: string, message: string, d: Decision): Promise<void> {
    const ns = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    this.recorder.event(pod, 'Warning', 'FailedScheduling', message);
    if (d.nominatedNodeName) await this.preempt(pod, d.nominatedNodeName, d);
    const patch = unschedulablePatch(pod, reason, message, this.now(), d.nominatedNodeName);
    if (!patch) return;
    try {
      await this.o.client.patch({ ...core('pods'), namespace: ns, name, subresource: 'status' }, 'strategic', patch);
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
  }

  /** prepareCandidate: mark and delete the victims (graceful), telling them why. */
  private async preempt(pod: Pod, node: string, d: Decision): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    await Promise.all(
      (d.victims ?? []).map(async (v) => {
        const ref = { ...core('pods'), namespace: v.namespace, name: v.name };
        this.recorder.event(v.pod, 'Normal', 'Preempted', `Preempted by pod ${uid} on node ${node}`);
        try {
          await this.o.client.patch({ ...ref, subresource: 'status' }, 'strategic', preemptedPatch(d.schedulerName, this.now()));
          await this.o.client.delete(ref, v.uid && v.pod.metadata?.uid ? { preconditions: { uid: v.uid } } : {});
        } catch (e) {
          if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
        }
      }),
    );
  }

  explainPod(namespace: string, name: string): Explanation | undefined {
    return this.scheduler.explain(`${namespace}/${name}`);
  }

  stats(): { scheduled: number; failed: number; bindErrors: number; queue: ReturnType<SchedulingQueue['stats']> } {
    return { ...this.counters, queue: this.queue.stats() };
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loopDone;
    await Promise.all([...this.bindings]);
    if (this.ownFactory) await this.factory.stop();
  }
}
