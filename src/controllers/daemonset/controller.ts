/**
 * The DaemonSet controller (upstream pkg/controller/daemon): one pod per eligible node. Handlers
 * only enqueue DaemonSet keys (and note observed creations/deletions for the expectations);
 * reconcile(key) builds the history, claims pods, runs the pure plans (manage, then the rolling
 * update once nothing is pending) and writes the status. Pods are created unbound with the node
 * affinity `metadata.name In [node]`; placing them is the scheduler's job, as upstream.
 */
import { controllerKey, matchingOwnerKeys } from '../common/owners.js';
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { objectKey, ownerUidIndex, splitKey } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { EventRecorder } from '../../client/events.js';
import type { Controller, ControllerContext } from '../common/controller.js';
import { runWorkers, type ReconcileResult } from '../common/worker.js';
import { Expectations } from '../common/expectations-ds-sts.js';
import { CONTROLLER_REVISIONS, ownedRevisions } from '../common/history-ds-sts.js';
import { adopt, release } from '../common/claims-ds-sts.js';
import { claimObjects, controllerRefOf, NAMESPACE_INDEX, namespaceIndex, selectorIsEmpty, selectorMatches } from '../common/workload-helpers-ds-sts.js';
import { cleanupHistory, constructHistory } from './history.js';
import { computeStatus, groupByNode, planManage, planRollingUpdate, type DaemonCounts, type DaemonPlan } from './plan.js';
import { FailedPodBackoff } from './backoff.js';
import { createDaemonPods, deleteDaemonPods } from './podcontrol.js';
import { dsSpec, nodeShouldRunDaemonPod, REVISION_HASH_LABEL } from './util.js';

const DAEMONSETS = { group: 'apps', version: 'v1', resource: 'daemonsets' } as const;
const PODS = { group: '', version: 'v1', resource: 'pods' } as const;
const NODES = { group: '', version: 'v1', resource: 'nodes' } as const;

/** The running DaemonSet controller. */
export class DaemonSetsController implements Controller {
  readonly name = 'daemonset';
  readonly queue: WorkQueue;
  private readonly dsInf: Informer;
  private readonly podInf: Informer;
  private readonly nodeInf: Informer;
  private readonly revInf: Informer;
  private readonly expectations: Expectations;
  private readonly recorder: EventRecorder;
  private readonly backoff: FailedPodBackoff;
  private workers: Promise<void> | undefined;

  constructor(private readonly ctx: ControllerContext, private readonly opts: { workers?: number } = {}) {
    this.queue = new WorkQueue({ clock: ctx.clock });
    this.expectations = new Expectations(ctx.clock);
    this.backoff = new FailedPodBackoff(ctx.clock);
    this.recorder = ctx.recorder('daemonset-controller');
    this.dsInf = ctx.informers.informerFor(DAEMONSETS);
    this.podInf = ctx.informers.informerFor(PODS, { ownerUid: ownerUidIndex, [NAMESPACE_INDEX]: namespaceIndex });
    this.nodeInf = ctx.informers.informerFor(NODES);
    this.revInf = ctx.informers.informerFor(CONTROLLER_REVISIONS, { ownerUid: ownerUidIndex });
    this.dsInf.addHandlers({
      onAdd: (ds) => this.queue.add(objectKey(ds)),
      onUpdate: (_o, ds) => this.queue.add(objectKey(ds)),
      onDelete: (ds) => this.queue.add(objectKey(ds)),
    });
    this.podInf.addHandlers({
      onAdd: (pod) => (pod.metadata.deletionTimestamp ? this.podDeleted(pod) : this.podAdded(pod)),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
    this.nodeInf.addHandlers({
      onAdd: (node) => this.nodeChanged(undefined, node),
      onUpdate: (old, node) => this.nodeChanged(old, node),
      onDelete: () => this.enqueueAll(),
    });
    this.revInf.addHandlers({
      onAdd: (r) => this.enqueueOwner(r),
      onUpdate: (_o, r) => this.enqueueOwner(r),
      onDelete: (r) => this.enqueueOwner(r),
    });
  }

  /** Starts the workers (informers are synced by the caller). */
  start(): void {
    this.workers = runWorkers(this.queue, (k) => this.reconcile(k), { workers: this.opts.workers ?? 2, name: this.name, log: this.ctx.log });
  }

  /** Stops the workers after their current item. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
    await this.recorder.flush();
  }

  /** The DaemonSet a controller reference points at, if it still exists with that uid. */
  private ownerKey(o: KubeObject): string | undefined {
    return controllerKey(o, 'DaemonSet', this.dsInf);
  }

  private enqueueOwner(o: KubeObject): void {
    const key = this.ownerKey(o);
    if (key) this.queue.add(key);
  }

  /** Orphans wake every DaemonSet of the namespace whose selector matches them (adoption). */
  private enqueueMatching(pod: KubeObject): void {
    for (const key of matchingOwnerKeys(pod, this.dsInf, (ds, labels) => selectorMatches(dsSpec(ds).selector, labels))) this.queue.add(key);
  }

  private podAdded(pod: KubeObject): void {
    const key = this.ownerKey(pod);
    if (key) {
      this.expectations.creationObserved(key);
      this.queue.add(key);
    } else if (!controllerRefOf(pod)) this.enqueueMatching(pod);
  }

  private podUpdated(old: KubeObject, pod: KubeObject): void {
    if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) {
      this.podDeleted(pod);
      return;
    }
    const oldKey = this.ownerKey(old);
    const key = this.ownerKey(pod);
    if (oldKey && oldKey !== key) this.queue.add(oldKey);
    if (key) this.queue.add(key);
    else if (!controllerRefOf(pod)) this.enqueueMatching(pod);
  }

  private podDeleted(pod: KubeObject): void {
    const key = this.ownerKey(pod);
    if (!key) return;
    this.expectations.deletionObserved(key, objectKey(pod));
    this.queue.add(key);
  }

  /** A node added or changed wakes the DaemonSets whose verdict on it may have changed. */
  private nodeChanged(old: KubeObject | undefined, node: KubeObject): void {
    for (const ds of this.dsInf.list()) {
      const now = nodeShouldRunDaemonPod(node, ds);
      const before = old ? nodeShouldRunDaemonPod(old, ds) : { shouldRun: false, shouldContinueRunning: false };
      if (now.shouldRun !== before.shouldRun || now.shouldContinueRunning !== before.shouldContinueRunning) this.queue.add(objectKey(ds));
    }
  }

  private enqueueAll(): void {
    for (const ds of this.dsInf.list()) this.queue.add(objectKey(ds));
  }

  /** reconcile(namespace/name): syncDaemonSet. */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const ds = this.dsInf.get(key);
    if (!ds) {
      this.expectations.delete(key);
      return;
    }
    if (selectorIsEmpty(dsSpec(ds).selector)) {
      this.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    if (ds.metadata.deletionTimestamp) return;
    const nodes = this.nodeInf.list();
    const revs = ownedRevisions(ds, this.revInf.byIndex('ownerUid', ds.metadata.uid ?? ''));
    const { cur, old } = await constructHistory(this.ctx.client, ds, revs);
    const hash = cur.metadata.labels?.[REVISION_HASH_LABEL] ?? '';
    const pods = await this.claimPods(ds);
    const input = { ds, nodes, byNode: groupByNode(pods), hash, now: this.ctx.now(), backoffRemainingMs: (n: string) => this.backoff.remainingMs(`${ds.metadata.uid ?? ''}/${n}`) };
    if (!this.expectations.satisfied(key)) {
      // Only the status: observedGeneration does not move, as this generation was not acted on.
      await this.writeStatus(ds, computeStatus(input), false);
      return;
    }
    let plan: DaemonPlan = planManage(input);
    let acted = plan.nodesNeedingPods.length + plan.podsToDelete.length > 0;
    if (!acted && dsSpec(ds).updateStrategy?.type === 'RollingUpdate') {
      plan = { ...planRollingUpdate(input), requeueAfterMs: plan.requeueAfterMs };
      acted = plan.nodesNeedingPods.length + plan.podsToDelete.length > 0;
    }
    for (const msg of plan.failedPodMessages) this.recorder.event(ds, 'Warning', 'FailedDaemonPod', msg);
    for (const n of plan.backoffNodes) this.backoff.next(`${ds.metadata.uid ?? ''}/${n}`);
    let syncError: Error | undefined;
    if (acted) {
      try {
        await this.syncNodes(ds, plan, hash);
      } catch (e) {
        syncError = e instanceof Error ? e : new Error(String(e));
      }
    }
    await cleanupHistory(this.ctx.client, ds, old, pods);
    const counts = computeStatus(input);
    await this.writeStatus(ds, counts, true);
    if (syncError) throw syncError;
    // Resync after minReadySeconds so pods turning available are counted without another event.
    const minReady = dsSpec(ds).minReadySeconds ?? 0;
    const waits = [plan.requeueAfterMs, minReady > 0 && counts.numberReady !== counts.numberAvailable ? minReady * 1000 : undefined].filter((x): x is number => x !== undefined);
    return waits.length ? { requeueAfterMs: Math.min(...waits) } : undefined;
  }

  /** getDaemonPods: owned pods that still match, after adopting orphans and releasing strays. */
  private async claimPods(ds: KubeObject): Promise<KubeObject[]> {
    const candidates = this.podInf.byIndex(NAMESPACE_INDEX, ds.metadata.namespace ?? '');
    const sel = dsSpec(ds).selector;
    const { owned, adopt: orphans, release: strays } = claimObjects(ds, candidates, (p) => selectorMatches(sel, p.metadata.labels));
    for (const p of orphans) if (await adopt(this.ctx.client, PODS, ds, 'apps/v1', 'DaemonSet', p)) owned.push(p);
    for (const p of strays) await release(this.ctx.client, PODS, ds, p);
    return owned;
  }

  /** syncNodes: expectations first, then the creates (slow start) and deletes. */
  private async syncNodes(ds: KubeObject, plan: DaemonPlan, hash: string): Promise<void> {
    const key = objectKey(ds);
    const ns = ds.metadata.namespace ?? '';
    this.expectations.expect(key, plan.nodesNeedingPods.length, plan.podsToDelete.map((n) => `${ns}/${n}`));
    const errors = [
      ...(await createDaemonPods(this.ctx.client, this.recorder, ds, plan.nodesNeedingPods, hash, () => this.expectations.creationObserved(key))),
      ...(await deleteDaemonPods(this.ctx.client, this.recorder, ds, plan.podsToDelete, (n) => this.expectations.deletionObserved(key, `${ns}/${n}`))),
    ];
    if (errors.length) throw new Error(errors.join('; '));
  }

  /** storeDaemonSetStatus: skip when unchanged; one retry against a fresh copy on conflict. */
  private async writeStatus(ds: KubeObject, c: DaemonCounts, updateObservedGen: boolean): Promise<void> {
    const { namespace, name } = splitKey(objectKey(ds));
    let cur = ds;
    for (let attempt = 0; attempt < 2; attempt++) {
      const status = (cur.status ?? {}) as Record<string, unknown>;
      const gen = cur.metadata.generation ?? 0;
      const observed = Number(status.observedGeneration ?? 0);
      const same = (Object.keys(c) as (keyof DaemonCounts)[]).every((k) => Number(status[k] ?? 0) === c[k]);
      // Without observedGeneration to raise, an unchanged status is not rewritten (no self-triggered loop).
      if (same && (observed >= gen || !updateObservedGen)) return;
      const next = { ...status, ...c, ...(updateObservedGen ? { observedGeneration: gen } : {}) };
      try {
        await this.ctx.client.update({ ...DAEMONSETS, namespace, name, subresource: 'status' }, { ...cur, status: next });
        return;
      } catch (e) {
        if (isStatus(e, 404)) return;
        if (!isStatus(e, 409) || attempt > 0) throw e;
        cur = await this.ctx.client.get({ ...DAEMONSETS, namespace, name });
      }
    }
  }
}
