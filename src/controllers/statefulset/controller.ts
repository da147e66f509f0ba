/**
 * The StatefulSet controller (upstream pkg/controller/statefulset): stable pods `<set>-<n>` with
 * their claims, created and removed in ordinal order (OrderedReady) or all at once (Parallel),
 * rolled to the update revision from the highest ordinal down to the partition. Handlers only
 * enqueue set keys (and note observed pod creations/deletions for the expectations, so a stale
 * cache never deletes a pod twice); reconcile(key) claims pods, settles the revisions, runs the
 * pure plan, executes its writes in order and stores the status.
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
import { claimObjects, controllerRefOf, NAMESPACE_INDEX, namespaceIndex, selectorMatches } from '../common/workload-helpers-ds-sts.js';
import { isMemberOf, replicasOf, stsSpec } from './identity.js';
import { completeRollingUpdate, planStatefulSet, statusChanged, type StsAction, type StsStatus } from './plan.js';
import { applyRevision, statefulSetRevisions, truncateHistory } from './revisions.js';
import { StatefulPodControl } from './podcontrol.js';

const STATEFULSETS = { group: 'apps', version: 'v1', resource: 'statefulsets' } as const;
const PODS = { group: '', version: 'v1', resource: 'pods' } as const;
const PVCS = { group: '', version: 'v1', resource: 'persistentvolumeclaims' } as const;

/** The running StatefulSet controller. */
export class StatefulSetController implements Controller {
  readonly name = 'statefulset';
  readonly queue: WorkQueue;
  private readonly setInf: Informer;
  private readonly podInf: Informer;
  private readonly revInf: Informer;
  private readonly pvcInf: Informer;
  private readonly expectations: Expectations;
  private readonly recorder: EventRecorder;
  private readonly control: StatefulPodControl;
  private workers: Promise<void> | undefined;

  constructor(private readonly ctx: ControllerContext, private readonly opts: { workers?: number } = {}) {
    this.queue = new WorkQueue({ clock: ctx.clock });
    this.expectations = new Expectations(ctx.clock);
    this.recorder = ctx.recorder('statefulset-controller');
    this.control = new StatefulPodControl(ctx.client, this.recorder);
    this.setInf = ctx.informers.informerFor(STATEFULSETS);
    this.podInf = ctx.informers.informerFor(PODS, { ownerUid: ownerUidIndex, [NAMESPACE_INDEX]: namespaceIndex });
    this.revInf = ctx.informers.informerFor(CONTROLLER_REVISIONS, { ownerUid: ownerUidIndex });
    this.pvcInf = ctx.informers.informerFor(PVCS);
    this.setInf.addHandlers({
      onAdd: (s) => this.queue.add(objectKey(s)),
      onUpdate: (_o, s) => this.queue.add(objectKey(s)),
      onDelete: (s) => this.queue.add(objectKey(s)),
    });
    this.podInf.addHandlers({
      onAdd: (pod) => (pod.metadata.deletionTimestamp ? this.podDeleted(pod) : this.podAdded(pod)),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
    this.revInf.addHandlers({
      onAdd: (r) => this.enqueueOwner(r),
      onDelete: (r) => this.enqueueOwner(r),
    });
    // Claims are read from the cache; a claim appearing or going may unblock a pass.
    this.pvcInf.addHandlers({
      onAdd: (c) => this.enqueueMatching(c),
      onUpdate: (_o, c) => this.enqueueMatching(c),
      onDelete: (c) => this.enqueueMatching(c),
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

  private ownerKey(o: KubeObject): string | undefined {
    return controllerKey(o, 'StatefulSet', this.setInf);
  }

  private enqueueOwner(o: KubeObject): void {
    const key = this.ownerKey(o);
    if (key) this.queue.add(key);
  }

  private enqueueMatching(o: KubeObject): void {
    for (const key of matchingOwnerKeys(o, this.setInf, (set, labels) => selectorMatches(stsSpec(set).selector, labels))) this.queue.add(key);
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
      const key = this.ownerKey(pod);
      if (key) this.expectations.deletionObserved(key, objectKey(pod));
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

  /** reconcile(namespace/name): sync → UpdateStatefulSet. */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const set = this.setInf.get(key);
    if (!set) {
      this.expectations.delete(key);
      return;
    }
    // The cache has not seen our last writes yet; their events bring the set back.
    if (!this.expectations.satisfied(key)) return;
    const pods = await this.claimPods(set);
    const revs = ownedRevisions(set, this.revInf.byIndex('ownerUid', set.metadata.uid ?? ''));
    const r = await statefulSetRevisions(this.ctx.client, set, revs);
    const updateSet = applyRevision(set, r.update);
    const plan = planStatefulSet({
      set,
      currentSet: applyRevision(set, r.current),
      updateSet,
      currentRevision: r.current.metadata.name ?? '',
      updateRevision: r.update.metadata.name ?? '',
      collisionCount: r.collisionCount,
      pods,
      claim: (name) => this.pvcInf.get(`${set.metadata.namespace ?? ''}/${name}`),
      now: this.ctx.now(),
    });
    let failure: Error | undefined;
    try {
      for (const a of plan.actions) await this.execute(key, set, updateSet, a);
    } catch (e) {
      failure = e instanceof Error ? e : new Error(String(e));
    }
    const status = completeRollingUpdate(set, plan.status);
    if (statusChanged(set, status)) await this.writeStatus(set, status);
    await truncateHistory(this.ctx.client, set, pods, revs, r);
    if (failure) throw failure;
    const minReady = stsSpec(set).minReadySeconds ?? 0;
    if (minReady > 0 && status.availableReplicas !== replicasOf(set)) return { requeueAfterMs: minReady * 1000 };
  }

  private async execute(key: string, set: KubeObject, updateSet: KubeObject, a: StsAction): Promise<void> {
    const ns = set.metadata.namespace ?? '';
    switch (a.type) {
      case 'create':
        this.expectations.expect(key, 1, []);
        try {
          await this.control.createPod(set, updateSet, a.pod, a.claims);
        } catch (e) {
          this.expectations.creationObserved(key);
          throw e;
        }
        return;
      case 'delete':
        if (a.reason === 'failed') this.recorder.event(set, 'Warning', 'RecreatingFailedPod', `StatefulSet ${ns}/${set.metadata.name ?? ''} is recreating failed Pod ${a.pod.metadata.name ?? ''}`);
        if (a.reason === 'succeeded') this.recorder.event(set, 'Normal', 'RecreatingTerminatedPod', `StatefulSet ${ns}/${set.metadata.name ?? ''} is recreating terminated Pod ${a.pod.metadata.name ?? ''}`);
        this.expectations.expect(key, 0, [objectKey(a.pod)]);
        try {
          await this.control.deletePod(set, a.pod);
        } catch (e) {
          this.expectations.deletionObserved(key, objectKey(a.pod));
          throw e;
        }
        return;
      case 'createClaims':
        await this.control.createClaims(set, a.pod, a.claims);
        return;
      case 'updateIdentity':
        await this.control.updateIdentity(updateSet, a.pod);
        return;
      case 'claimOwners':
        await this.control.setClaimOwners(a.claim, a.ownerReferences);
        return;
    }
  }

  /** getPodsForStatefulSet: members by name that match the selector, adopting and releasing as upstream. */
  private async claimPods(set: KubeObject): Promise<KubeObject[]> {
    const sel = stsSpec(set).selector;
    const candidates = this.podInf.byIndex(NAMESPACE_INDEX, set.metadata.namespace ?? '');
    const { owned, adopt: orphans, release: strays } = claimObjects(set, candidates, (p) => isMemberOf(set, p) && selectorMatches(sel, p.metadata.labels));
    for (const p of orphans) if (await adopt(this.ctx.client, PODS, set, 'apps/v1', 'StatefulSet', p)) owned.push(p);
    for (const p of strays) await release(this.ctx.client, PODS, set, p);
    return owned;
  }

  /** UpdateStatefulSetStatus: one retry against a fresh copy on conflict. */
  private async writeStatus(set: KubeObject, s: StsStatus): Promise<void> {
    const { namespace, name } = splitKey(objectKey(set));
    let cur = set;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.ctx.client.update({ ...STATEFULSETS, namespace, name, subresource: 'status' }, { ...cur, status: { ...((cur.status ?? {})), ...s } });
        return;
      } catch (e) {
        if (isStatus(e, 404)) return;
        if (!isStatus(e, 409) || attempt > 0) throw e;
        cur = await this.ctx.client.get({ ...STATEFULSETS, namespace, name });
      }
    }
  }
}
