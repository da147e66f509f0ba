/**
 * The pod garbage collector (pkg/controller/podgc): every gcCheckPeriod (20 s) it force-deletes
 * terminated pods beyond --terminated-pod-gc-threshold, terminating pods on out-of-service
 * nodes, pods bound to nodes that stayed missing through a 40 s quarantine (confirmed with a
 * GET of the node, marked Failed with a DisruptionTarget condition first), and terminating pods
 * that were never scheduled. It acts on the whole cache, so its queue carries one key.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Informer } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerConstructor, ControllerContext } from '../common/controller.js';
import { runWorkers, type ReconcileResult } from '../common/worker.js';
import {
  DEFAULT_TERMINATED_POD_GC_THRESHOLD,
  GC_CHECK_PERIOD_MS,
  NodeQuarantine,
  ORPHAN_CONDITION,
  QUARANTINE_MS,
  isPodTerminated,
  missingNodes,
  orphanedPods,
  terminatedPodsToDelete,
  terminatingOnOutOfServiceNodes,
  unscheduledTerminatingPods,
} from './decide.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const NODES = { group: '', version: 'v1', resource: 'nodes' };
const GC_KEY = 'podgc';

/** Options with upstream defaults: threshold 12500, period 20 s, quarantine 40 s. */
export interface PodGCOptions {
  terminatedPodGCThreshold?: number;
  gcPeriodMs?: number;
  quarantineMs?: number;
}

/** The running pod garbage collector. */
export class PodGCController implements Controller {
  readonly name = 'podgc';
  readonly queue: WorkQueue;
  private readonly pods: Informer;
  private readonly nodes: Informer;
  private readonly quarantine: NodeQuarantine;
  private readonly threshold: number;
  private readonly periodMs: number;
  private workers: Promise<void> | undefined;

  constructor(private readonly ctx: ControllerContext, opts: PodGCOptions = {}) {
    this.queue = new WorkQueue({ clock: ctx.clock });
    this.pods = ctx.informers.informerFor(PODS);
    this.nodes = ctx.informers.informerFor(NODES);
    this.quarantine = new NodeQuarantine(opts.quarantineMs ?? QUARANTINE_MS);
    this.threshold = opts.terminatedPodGCThreshold ?? DEFAULT_TERMINATED_POD_GC_THRESHOLD;
    this.periodMs = opts.gcPeriodMs ?? GC_CHECK_PERIOD_MS;
  }

  /** Starts the periodic pass (the first one at once). */
  start(): void {
    this.queue.add(GC_KEY);
    this.workers = runWorkers(this.queue, () => this.reconcile(), { workers: 1, name: this.name, log: this.ctx.log });
  }

  /** Stops the loop. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  /** One gc() pass; asks to run again after the period, or sooner when a quarantine ends. */
  async reconcile(): Promise<ReconcileResult> {
    const pods = this.pods.list() as unknown as Pod[];
    const nodes = this.nodes.list() as unknown as Node[];
    for (const p of terminatedPodsToDelete(pods, this.threshold)) await this.forceDelete(p);
    for (const p of terminatingOnOutOfServiceNodes(pods, nodes)) await this.markFailedAndDelete(p);
    await this.gcOrphaned(pods);
    for (const p of unscheduledTerminatingPods(pods)) await this.markFailedAndDelete(p);
    const now = this.ctx.clock.now();
    const due = this.quarantine.nextDueIn(now);
    return { requeueAfterMs: due === undefined ? this.periodMs : Math.min(this.periodMs, Math.max(due, 1)) };
  }

  private async gcOrphaned(pods: Pod[]): Promise<void> {
    const missing = missingNodes(pods, (n) => this.nodes.get(n) !== undefined);
    const deleted = new Set<string>();
    for (const node of this.quarantine.observe(missing, this.ctx.clock.now())) {
      this.quarantine.checked(node);
      // The cache may lag: only a 404 from the API server proves the node is gone.
      if (!(await this.nodeExists(node))) deleted.add(node);
    }
    for (const p of orphanedPods(pods, deleted)) {
      this.ctx.log?.('deleting orphaned pod', { controller: this.name, pod: `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`, node: p.spec?.nodeName });
      await this.markFailedAndDelete(p, ORPHAN_CONDITION);
    }
  }

  private async nodeExists(name: string): Promise<boolean> {
    try {
      await this.ctx.client.get({ ...NODES, name });
      return true;
    } catch (e) {
      if (isStatus(e, 404)) return false;
      throw e;
    }
  }

  /** markFailedAndDeletePodWithCondition: phase Failed (plus the condition) unless already terminal, then delete. */
  private async markFailedAndDelete(pod: Pod, condition?: typeof ORPHAN_CONDITION): Promise<void> {
    const ns = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    if (!isPodTerminated(pod)) {
      const status: Record<string, unknown> = { phase: 'Failed' };
      if (condition) status.conditions = [{ ...condition, lastTransitionTime: this.ctx.now().toISOString().replace(/\.\d+Z$/, 'Z') }];
      try {
        await this.ctx.client.patch({ ...PODS, namespace: ns, name, subresource: 'status' }, 'strategic', { status }, { fieldManager: 'PodGC' });
      } catch (e) {
        if (isStatus(e, 404)) return;
        throw e;
      }
    }
    await this.forceDelete(pod);
  }

  /** DeletePod with gracePeriodSeconds 0, guarded by the uid so a recreated pod of the same name survives. */
  private async forceDelete(pod: Pod): Promise<void> {
    try {
      await this.ctx.client.delete({ ...PODS, namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '' }, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } });
    } catch (e) {
      if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
    }
  }
}

/** Builds the pod GC with options (threshold, period, quarantine). */
export function podGCControllerWith(opts: PodGCOptions): ControllerConstructor {
  return (ctx) => new PodGCController(ctx, opts);
}
