/**
 * The disruption controller (pkg/controller/disruption): keeps each PodDisruptionBudget's status
 * (currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed, disruptedPods,
 * observedGeneration, DisruptionAllowed) in step with the pods its selector matches, so the
 * eviction subresource can decide. Handlers enqueue PDB keys (a pod change enqueues the PDBs
 * selecting it); reconcile(key) reads the caches, looks up the pods' controllers' scale through
 * the client when a percentage or maxUnavailable needs it, and writes the status.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { KubeObject } from '../../api/object.js';
import { matchLabelSelector } from '../../api/validation/selector.js';
import type { Informer } from '../../client/informer.js';
import { objectKey } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { EventRecorder } from '../../client/events.js';
import type { Controller, ControllerContext } from '../common/controller.js';
import { runWorkers, type ReconcileResult } from '../common/worker.js';
import { countHealthyPods, disruptedPodMap, expectedPodCount, failSafeStatus, needsScale, pdbStatus } from './status.js';
import { expectedScale } from './scale.js';

const PDBS = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' } as const;
const PODS = { group: '', version: 'v1', resource: 'pods' } as const;
const BY_NAMESPACE = 'disruption/namespace';
const byNamespace = (o: KubeObject): string[] => [o.metadata.namespace ?? ''];

/** Options of the disruption controller. */
export interface DisruptionOptions {
  workers?: number;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The running controller. */
export class DisruptionController implements Controller {
  readonly name = 'disruption-controller';
  readonly queue: WorkQueue;
  private readonly pdbs: Informer;
  private readonly pods: Informer;
  private readonly recorder: EventRecorder;
  private workers: Promise<void> | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly opts: DisruptionOptions = {},
  ) {
    this.queue = new WorkQueue({ clock: ctx.clock });
    this.recorder = ctx.recorder('controllermanager');
    this.pdbs = ctx.informers.informerFor(PDBS, { [BY_NAMESPACE]: byNamespace });
    this.pods = ctx.informers.informerFor(PODS, { [BY_NAMESPACE]: byNamespace });
    this.pdbs.addHandlers({
      onAdd: (p) => this.queue.add(objectKey(p)),
      onUpdate: (_o, p) => this.queue.add(objectKey(p)),
      onDelete: (p) => this.queue.add(objectKey(p)),
    });
    this.pods.addHandlers({
      onAdd: (p) => this.enqueueFor(p),
      onUpdate: (old, p) => {
        this.enqueueFor(p);
        if (JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(p.metadata.labels ?? {})) this.enqueueFor(old);
      },
      onDelete: (p) => this.enqueueFor(p),
    });
  }

  /** Enqueues every PDB of the pod's namespace whose selector matches it. */
  private enqueueFor(pod: KubeObject): void {
    for (const pdb of this.pdbs.byIndex(BY_NAMESPACE, pod.metadata.namespace ?? '') as PodDisruptionBudget[]) {
      if (matchLabelSelector(pdb.spec?.selector, pod.metadata.labels)) this.queue.add(objectKey(pdb as KubeObject));
    }
  }

  /** Starts the workers. */
  start(): void {
    this.workers = runWorkers(this.queue, (k) => this.reconcile(k), { workers: this.opts.workers ?? 2, name: 'disruption', log: this.ctx.log });
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  /** The pods a PDB selects (policy/v1: an empty selector selects every pod of the namespace). */
  private podsFor(pdb: PodDisruptionBudget): Pod[] {
    return (this.pods.byIndex(BY_NAMESPACE, pdb.metadata?.namespace ?? '') as Pod[]).filter((p) => matchLabelSelector(pdb.spec?.selector, p.metadata?.labels));
  }

  /** reconcile(namespace/name): recompute and write the PDB's status. */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const pdb = this.pdbs.get(key) as PodDisruptionBudget | undefined;
    if (!pdb) return;
    const nowMs = this.ctx.clock.now();
    const nowIso = rfc3339(nowMs);
    const pods = this.podsFor(pdb);
    if (pods.length === 0) this.recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let status;
    let recheckMs: number | undefined;
    try {
      let scale = 0;
      if (needsScale(pdb)) {
        const r = await expectedScale(this.ctx.client, pods);
        scale = r.scale;
        if (r.unmanaged.length) {
          this.recorder.event(pdb, 'Warning', 'UnmanagedPods', `Pods selected by this PodDisruptionBudget (selector: ${JSON.stringify(pdb.spec?.selector ?? {})}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`);
        }
      }
      const { expectedCount, desiredHealthy } = expectedPodCount(pdb, pods.length, scale);
      const disrupted = disruptedPodMap(pods, pdb.status?.disruptedPods, nowMs);
      recheckMs = disrupted.recheckMs;
      for (const name of disrupted.overdue) {
        const pod = pods.find((p) => p.metadata?.name === name);
        if (pod) this.recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata?.namespace ?? ''}/${pdb.metadata?.name ?? ''} to be deleted but it wasn't`);
      }
      const currentHealthy = countHealthyPods(pods, disrupted.map, nowMs);
      status = pdbStatus(pdb, { currentHealthy, desiredHealthy, expectedCount, disruptedPods: disrupted.map }, nowIso);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${msg}`);
      status = failSafeStatus(pdb, msg, nowIso);
      await this.writeStatus(pdb, status);
      throw e;
    }
    if (status) await this.writeStatus(pdb, status);
    if (recheckMs !== undefined) return { requeueAfterMs: Math.max(1, recheckMs - nowMs + 1) };
  }

  private async writeStatus(pdb: PodDisruptionBudget, status: NonNullable<PodDisruptionBudget['status']>): Promise<void> {
    try {
      await this.ctx.client.update({ ...PDBS, namespace: pdb.metadata?.namespace, name: pdb.metadata?.name, subresource: 'status' }, { ...(pdb as KubeObject), status });
    } catch (e) {
      // Gone: nothing to do. A conflict (the eviction subresource wrote meanwhile) is retried with back-off.
      if (!isStatus(e, 404)) throw e;
    }
  }
}
