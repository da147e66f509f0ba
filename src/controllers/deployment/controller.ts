/**
 * The Deployment controller (pkg/controller/deployment): drives a Deployment's ReplicaSets —
 * RollingUpdate within maxSurge/maxUnavailable or Recreate, pause/resume, resizes, revision
 * history cleanup — and reports rollout status. Handlers only enqueue `namespace/name` keys of
 * Deployments; reconcile(key) (syncDeployment) is the only place that acts.
 */
import type { KubeObject } from '../../api/object.js';
import { matchLabelSelector } from '../../api/validation/selector.js';
import { objectKey, ownerUidIndex, type Informer } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../common/controller.js';
import { runWorkers, type ReconcileResult } from '../common/worker.js';
import { claimObjects, controllerRefOf } from '../common/controller-ref-replicaset.js';
import { PAUSED, RESUMED, TIMED_OUT, deploymentComplete, getCondition, hasProgressDeadline, newCondition, setCondition } from './conditions.js';
import { reconcileNewReplicaSet, reconcileOldReplicaSets, scalePlan } from './rolling.js';
import { DeploymentSync } from './sync.js';
import { activeReplicaSets, actualReplicaCount, desiredReplicasAnnotation, isRollingUpdate, replicasOf, type DeploymentObj, type ReplicaSetObj } from './util.js';

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' } as const;
const RS = { group: 'apps', version: 'v1', resource: 'replicasets' } as const;
const PODS = { group: '', version: 'v1', resource: 'pods' } as const;
/** The same index (name and function) the ReplicaSet controller files objects under. */
const OWNER_UID = 'ownerUid';
const ORPHAN_RS = 'deployment:orphansByNamespace';
const orphansByNamespace = (o: KubeObject): string[] => (controllerRefOf(o) ? [] : [o.metadata.namespace ?? '']);
/** Upstream's ConcurrentDeploymentSyncs default. */
const WORKERS = 5;

/** The Deployment controller on shared informers. */
export class DeploymentController implements Controller {
  readonly name = 'deployment';
  readonly queue: WorkQueue;
  private readonly dInformer: Informer;
  private readonly rsInformer: Informer;
  private readonly podInformer: Informer;
  private readonly recorder: EventRecorder;
  private workers: Promise<void> | undefined;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue({ clock: ctx.clock });
    this.recorder = ctx.recorder('deployment-controller');
    this.dInformer = ctx.informers.informerFor(DEPLOYMENTS);
    this.rsInformer = ctx.informers.informerFor(RS, { [OWNER_UID]: ownerUidIndex, [ORPHAN_RS]: orphansByNamespace });
    this.podInformer = ctx.informers.informerFor(PODS, { [OWNER_UID]: ownerUidIndex });
    const enqueue = (d: KubeObject): void => this.queue.add(objectKey(d));
    this.dInformer.addHandlers({ onAdd: enqueue, onUpdate: (_o, d) => enqueue(d), onDelete: enqueue });
    this.rsInformer.addHandlers({
      onAdd: (rs) => this.onReplicaSet(undefined, rs),
      onUpdate: (old, rs) => this.onReplicaSet(old, rs),
      onDelete: (rs) => this.enqueueOwner(rs),
    });
    this.podInformer.addHandlers({ onDelete: (p) => this.onPodDelete(p) });
  }

  start(): void {
    this.workers = runWorkers(this.queue, (k) => this.reconcile(k), { workers: WORKERS, name: this.name, log: this.ctx.log });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
    await this.recorder.flush();
  }

  /** The Deployment a controller reference names, if cached with that uid. */
  private resolve(namespace: string | undefined, ref: ReturnType<typeof controllerRefOf>): DeploymentObj | undefined {
    if (!ref || ref.kind !== 'Deployment' || !ref.apiVersion.startsWith('apps/')) return undefined;
    const d = this.dInformer.get(`${namespace ?? ''}/${ref.name}`);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  private enqueueOwner(rs: KubeObject): void {
    const d = this.resolve(rs.metadata.namespace, controllerRefOf(rs));
    if (d) this.queue.add(objectKey(d));
  }

  /** add/updateReplicaSet: the owner, the previous owner, or (for orphans) every matching Deployment. */
  private onReplicaSet(old: KubeObject | undefined, rs: KubeObject): void {
    if (old && controllerRefOf(old)?.uid !== controllerRefOf(rs)?.uid) this.enqueueOwner(old);
    if (controllerRefOf(rs)) return this.enqueueOwner(rs);
    const labelsChanged = !old || JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(rs.metadata.labels ?? {});
    if (!labelsChanged && controllerRefOf(old) === undefined) return;
    for (const d of this.dInformer.list() as DeploymentObj[]) {
      if (d.metadata.namespace === rs.metadata.namespace && matchLabelSelector(d.spec?.selector, rs.metadata.labels)) this.queue.add(objectKey(d));
    }
  }

  /** deletePod: a Recreate rollout waits for old pods to go. */
  private onPodDelete(pod: KubeObject): void {
    const rsRef = controllerRefOf(pod);
    if (!rsRef || rsRef.kind !== 'ReplicaSet') return;
    const rs = this.rsInformer.get(`${pod.metadata.namespace ?? ''}/${rsRef.name}`);
    if (!rs || rs.metadata.uid !== rsRef.uid) return;
    const d = this.resolve(rs.metadata.namespace, controllerRefOf(rs));
    if (d && !isRollingUpdate(d)) this.queue.add(objectKey(d));
  }

  /** getReplicaSetsForDeployment: owned ReplicaSets plus adopted orphans, minus released ones. */
  private async replicaSetsFor(d: DeploymentObj): Promise<ReplicaSetObj[]> {
    const ns = d.metadata.namespace ?? '';
    const seen = new Map<string, KubeObject>();
    for (const rs of [...this.rsInformer.byIndex(OWNER_UID, d.metadata.uid ?? ''), ...this.rsInformer.byIndex(ORPHAN_RS, ns)]) seen.set(objectKey(rs), rs);
    const owner = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: d.metadata };
    return (await claimObjects(this.ctx.client, (o) => ({ ...RS, namespace: ns, name: o.metadata.name }), owner, [...seen.values()], (rs) => matchLabelSelector(d.spec?.selector, rs.metadata.labels), async () => {
      const fresh = await this.ctx.client.get({ ...DEPLOYMENTS, namespace: ns, name: d.metadata.name });
      return fresh.metadata.uid === d.metadata.uid && !fresh.metadata.deletionTimestamp;
    }));
  }

  /** syncDeployment */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.dInformer.get(key);
    if (!cached) return;
    const d = structuredClone(cached);
    const sync = new DeploymentSync({ client: this.ctx.client, recorder: this.recorder, now: this.ctx.now }, d);
    try {
      return await this.syncDeployment(d, sync);
    } catch (e) {
      // A conflict or a vanished object is routine: the change that caused it enqueues again.
      if (isStatus(e, 404)) return;
      throw e;
    }
  }

  private async syncDeployment(d: DeploymentObj, sync: DeploymentSync): Promise<ReconcileResult | void> {
    const sel = d.spec?.selector;
    if (sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
      this.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status = { ...(d.status ?? {}), observedGeneration: d.metadata.generation ?? 0 };
        await sync.writeStatus();
      }
      return;
    }
    const rsList = await this.replicaSetsFor(d);
    if (d.metadata.deletionTimestamp) {
      const { newRS, oldRSs } = await sync.split(rsList, false);
      return void (await sync.syncStatus([...oldRSs, newRS], newRS));
    }
    await this.checkPausedConditions(d, sync);
    if (d.spec?.paused) return this.scaleSync(d, sync, rsList);
    if (await this.isScalingEvent(d, sync, rsList)) return this.scaleSync(d, sync, rsList);
    return isRollingUpdate(d) ? this.rolloutRolling(sync, rsList) : this.rolloutRecreate(d, sync, rsList);
  }

  /** checkPausedConditions: Progressing Unknown with DeploymentPaused / DeploymentResumed. */
  private async checkPausedConditions(d: DeploymentObj, sync: DeploymentSync): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === TIMED_OUT) return;
    const pausedExists = cond?.reason === PAUSED;
    const now = this.ctx.now();
    if (d.spec?.paused && !pausedExists) setCondition((d.status ??= {}), newCondition('Progressing', 'Unknown', PAUSED, 'Deployment is paused', now));
    else if (!d.spec?.paused && pausedExists) setCondition((d.status ??= {}), newCondition('Progressing', 'Unknown', RESUMED, 'Deployment is resumed', now));
    else return;
    await sync.writeStatus();
  }

  /** isScalingEvent: an active ReplicaSet's desired-replicas annotation differs from spec.replicas. */
  private async isScalingEvent(d: DeploymentObj, sync: DeploymentSync, rsList: ReplicaSetObj[]): Promise<boolean> {
    const { newRS, oldRSs } = await sync.split(rsList, false);
    return activeReplicaSets([...oldRSs, newRS]).some((rs) => {
      const desired = desiredReplicasAnnotation(rs);
      return desired !== undefined && desired !== replicasOf(d);
    });
  }

  /** sync: resize (proportionally when rolling), clean up history when paused, report status. */
  private async scaleSync(d: DeploymentObj, sync: DeploymentSync, rsList: ReplicaSetObj[]): Promise<void> {
    const { newRS, oldRSs } = await sync.split(rsList, false);
    const all = [...oldRSs, ...(newRS ? [newRS] : [])];
    await sync.apply(scalePlan(d, newRS, oldRSs), all);
    const fresh = newRS ? all.find((r) => r.metadata.uid === newRS.metadata.uid) : undefined;
    const olds = all.filter((r) => r !== fresh);
    if (d.spec?.paused) await sync.cleanup(olds);
    await sync.syncStatus(all, fresh);
  }

  /** rolloutRolling: surge the new ReplicaSet, then retire old pods within maxUnavailable. */
  private async rolloutRolling(sync: DeploymentSync, rsList: ReplicaSetObj[]): Promise<ReconcileResult | void> {
    const d = sync.d;
    const split = await sync.split(rsList, true);
    const newRS = split.newRS!;
    const all = [...split.oldRSs, newRS];
    const target = reconcileNewReplicaSet(d, all, newRS);
    if (target !== undefined && (await sync.apply([{ rs: newRS, replicas: target }], all))) return this.requeue(await sync.syncRolloutStatus(all, all.at(-1)));
    const curNew = all.at(-1)!;
    const olds = all.slice(0, -1);
    if (await sync.apply(reconcileOldReplicaSets(d, all, olds, curNew), all)) return this.requeue(await sync.syncRolloutStatus(all, curNew));
    if (deploymentComplete(d, d.status ?? {})) await sync.cleanup(olds);
    return this.requeue(await sync.syncRolloutStatus(all, curNew));
  }

  /** rolloutRecreate: old ReplicaSets to zero, wait for their pods to go, then the new one at full size. */
  private async rolloutRecreate(d: DeploymentObj, sync: DeploymentSync, rsList: ReplicaSetObj[]): Promise<ReconcileResult | void> {
    let { newRS, oldRSs } = await sync.split(rsList, false);
    const all: ReplicaSetObj[] = [...oldRSs, ...(newRS ? [newRS] : [])];
    const downs = activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
    if (await sync.apply(downs, all)) return this.requeue(await sync.syncRolloutStatus(all, newRS));
    if (this.oldPodsRunning(newRS, oldRSs)) return this.requeue(await sync.syncRolloutStatus(all, newRS));
    if (!newRS) {
      ({ newRS, oldRSs } = await sync.split(rsList, true));
      all.push(newRS!);
    }
    await sync.apply([{ rs: newRS!, replicas: replicasOf(d) }], all);
    const curNew = all.find((r) => r.metadata.uid === newRS!.metadata.uid);
    if (deploymentComplete(d, d.status ?? {})) await sync.cleanup(oldRSs);
    return this.requeue(await sync.syncRolloutStatus(all, curNew));
  }

  /** oldPodsRunning: old ReplicaSets still report pods, or a non-terminal pod of one is cached. */
  private oldPodsRunning(newRS: ReplicaSetObj | undefined, oldRSs: ReplicaSetObj[]): boolean {
    if (actualReplicaCount(oldRSs) > 0) return true;
    for (const rs of oldRSs) {
      for (const p of this.podInformer.byIndex(OWNER_UID, rs.metadata.uid ?? '')) {
        if (controllerRefOf(p)?.uid !== rs.metadata.uid || rs.metadata.uid === newRS?.metadata.uid) continue;
        const phase = (p.status as { phase?: string } | undefined)?.phase;
        if (phase !== 'Failed' && phase !== 'Succeeded') return true;
      }
    }
    return false;
  }

  private requeue(ms: number | undefined): ReconcileResult | void {
    if (ms !== undefined) return { requeueAfterMs: ms };
  }
}

/** Builds the Deployment controller. */
export function newDeploymentController(ctx: ControllerContext): DeploymentController {
  return new DeploymentController(ctx);
}
