/**
 * The ReplicaSet controller (pkg/controller/replicaset): keeps spec.replicas active pods that
 * match the selector. Handlers only record expectations and enqueue `namespace/name` keys;
 * reconcile(key) claims pods (adopt orphans, release mismatches), creates or deletes pods when
 * the informer has caught up with earlier writes, and reports status.
 */
import type { KubeObject } from '../../api/object.js';
import { matchLabelSelector } from '../../api/validation/selector.js';
import { objectKey, ownerUidIndex, splitKey, type Informer } from '../../client/informer.js';
import { isStatus, type ResourceRef } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../common/controller.js';
import { runWorkers, type ReconcileResult } from '../common/worker.js';
import { claimObjects, controllerRefOf, type ClaimOwner } from '../common/controller-ref-replicaset.js';
import { Expectations } from './expectations.js';
import { isPodActive, isPodAvailable, isPodReady, podFromTemplate, readyCondition, type PodObj } from './pods.js';
import { podsToDelete } from './ranking.js';
import { calculateStatus, replicaDiff, statusChanged, type ReplicaSetObj } from './status.js';

const RS = { group: 'apps', version: 'v1', resource: 'replicasets' } as const;
const PODS = { group: '', version: 'v1', resource: 'pods' } as const;
/** Index names shared with the deployment controller (same functions, so the informer accepts both). */
export const OWNER_UID = 'ownerUid';
const ORPHANS = 'replicaset:orphansByNamespace';

/** Objects without a controller, filed by namespace: the candidates for adoption. */
const orphansByNamespace = (o: KubeObject): string[] => (controllerRefOf(o) ? [] : [o.metadata.namespace ?? '']);

/** Upstream's ConcurrentRSSyncs default. */
const WORKERS = 5;

function ownerOf(rs: ReplicaSetObj): ClaimOwner {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: rs.metadata };
}

/** The ReplicaSet controller on shared informers. */
export class ReplicaSetController implements Controller {
  readonly name = 'replicaset';
  readonly queue: WorkQueue;
  readonly expectations: Expectations;
  private readonly rsInformer: Informer;
  private readonly podInformer: Informer;
  private readonly recorder: EventRecorder;
  private workers: Promise<void> | undefined;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue({ clock: ctx.clock });
    this.expectations = new Expectations(() => ctx.clock.now());
    this.recorder = ctx.recorder('replicaset-controller');
    this.rsInformer = ctx.informers.informerFor(RS, { [OWNER_UID]: ownerUidIndex });
    this.podInformer = ctx.informers.informerFor(PODS, { [OWNER_UID]: ownerUidIndex, [ORPHANS]: orphansByNamespace });
    this.rsInformer.addHandlers({
      onAdd: (rs) => this.queue.add(objectKey(rs)),
      onUpdate: (_old, rs) => this.queue.add(objectKey(rs)),
      onDelete: (rs) => {
        this.expectations.delete(objectKey(rs));
        this.queue.add(objectKey(rs));
      },
    });
    this.podInformer.addHandlers({
      onAdd: (p) => this.onPodAdd(p),
      onUpdate: (o, p) => this.onPodUpdate(o, p),
      onDelete: (p) => this.onPodDelete(p),
    });
  }

  start(): void {
    this.workers = runWorkers(this.queue, (k) => this.reconcile(k), { workers: WORKERS, name: this.name, log: this.ctx.log });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
    await this.recorder.flush();
  }

  /** The ReplicaSet a controller reference points at, if it is cached with the same uid. */
  private resolve(namespace: string | undefined, ref: ReturnType<typeof controllerRefOf>): ReplicaSetObj | undefined {
    if (!ref || ref.kind !== 'ReplicaSet' || !ref.apiVersion.startsWith('apps/')) return undefined;
    const rs = this.rsInformer.get(`${namespace ?? ''}/${ref.name}`);
    return rs && rs.metadata.uid === ref.uid ? rs : undefined;
  }

  /** getPodReplicaSets: every ReplicaSet of the namespace whose selector matches the pod. */
  private matchingReplicaSets(pod: KubeObject): ReplicaSetObj[] {
    return (this.rsInformer.list() as ReplicaSetObj[]).filter(
      (rs) => rs.metadata.namespace === pod.metadata.namespace && matchLabelSelector(rs.spec?.selector, pod.metadata.labels),
    );
  }

  private onPodAdd(pod: PodObj): void {
    if (pod.metadata.deletionTimestamp) return this.onPodDelete(pod);
    const ref = controllerRefOf(pod);
    if (ref) {
      const rs = this.resolve(pod.metadata.namespace, ref);
      if (!rs) return;
      this.expectations.creationObserved(objectKey(rs));
      this.queue.add(objectKey(rs));
      return;
    }
    for (const rs of this.matchingReplicaSets(pod)) this.queue.add(objectKey(rs));
  }

  private onPodUpdate(old: PodObj, cur: PodObj): void {
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
    if (cur.metadata.deletionTimestamp) {
      // A graceful delete is observed as soon as the deletionTimestamp appears.
      this.onPodDelete(cur);
      if (labelsChanged) this.onPodDelete(old);
      return;
    }
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = curRef?.uid !== oldRef?.uid;
    if (refChanged && oldRef) {
      const prev = this.resolve(old.metadata.namespace, oldRef);
      if (prev) this.queue.add(objectKey(prev));
    }
    if (curRef) {
      const rs = this.resolve(cur.metadata.namespace, curRef);
      if (!rs) return;
      this.queue.add(objectKey(rs));
      const minReady = rs.spec?.minReadySeconds ?? 0;
      // A pod that just became ready turns available minReadySeconds later: look again then.
      if (minReady > 0 && !isPodReady(old) && isPodReady(cur)) this.queue.addAfter(objectKey(rs), minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.matchingReplicaSets(cur)) this.queue.add(objectKey(rs));
  }

  private onPodDelete(pod: PodObj): void {
    const rs = this.resolve(pod.metadata.namespace, controllerRefOf(pod));
    if (!rs) return;
    this.expectations.deletionObserved(objectKey(rs), objectKey(pod));
    this.queue.add(objectKey(rs));
  }

  /** Active pods this ReplicaSet controls or may adopt (owned via index, orphans of the namespace). */
  private candidates(rs: ReplicaSetObj): PodObj[] {
    const seen = new Map<string, PodObj>();
    for (const p of [...this.podInformer.byIndex(OWNER_UID, rs.metadata.uid ?? ''), ...this.podInformer.byIndex(ORPHANS, rs.metadata.namespace ?? '')]) {
      if (isPodActive(p)) seen.set(objectKey(p), p);
    }
    return [...seen.values()];
  }

  /** getIndirectlyRelatedPods: active pods of every ReplicaSet with the same controller (for ranking). */
  private relatedPods(rs: ReplicaSetObj, own: PodObj[]): PodObj[] {
    const ref = controllerRefOf(rs);
    if (!ref) return own;
    const out = new Map<string, PodObj>();
    for (const sib of this.rsInformer.byIndex(OWNER_UID, ref.uid)) {
      if (controllerRefOf(sib)?.uid !== ref.uid) continue;
      for (const p of this.podInformer.byIndex(OWNER_UID, sib.metadata.uid ?? '')) {
        if (isPodActive(p) && controllerRefOf(p)?.uid === sib.metadata.uid) out.set(objectKey(p), p);
      }
    }
    return [...out.values()];
  }

  /** syncReplicaSet */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const rs: ReplicaSetObj | undefined = this.rsInformer.get(key);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    const { namespace, name } = splitKey(key);
    const needsSync = this.expectations.satisfied(key);
    const selector = rs.spec?.selector;
    const podRef = (p: KubeObject): ResourceRef => ({ ...PODS, namespace: p.metadata.namespace, name: p.metadata.name });
    const pods = (await claimObjects(this.ctx.client, podRef, ownerOf(rs), this.candidates(rs), (p) => matchLabelSelector(selector, p.metadata.labels), async () => {
      const fresh = await this.ctx.client.get({ ...RS, namespace, name });
      return fresh.metadata.uid === rs.metadata.uid && !fresh.metadata.deletionTimestamp;
    })) as PodObj[];
    let manageError: { error: Error; creating: boolean } | undefined;
    if (needsSync && !rs.metadata.deletionTimestamp) manageError = await this.manageReplicas(key, rs, pods);
    const now = this.ctx.now();
    const status = calculateStatus(rs, pods, manageError, now);
    await this.writeStatus(rs, status);
    if (manageError) throw manageError.error;
    return this.availabilityRecheck(rs, pods, now);
  }

  /** When a ready pod will have been ready for minReadySeconds (so availableReplicas grows then). */
  private availabilityRecheck(rs: ReplicaSetObj, pods: PodObj[], now: Date): ReconcileResult | void {
    const minReady = rs.spec?.minReadySeconds ?? 0;
    if (minReady <= 0) return;
    let soonest = Infinity;
    for (const p of pods) {
      if (!isPodReady(p) || isPodAvailable(p, minReady, now)) continue;
      const t = Date.parse(readyCondition(p)?.lastTransitionTime ?? '');
      if (!Number.isNaN(t)) soonest = Math.min(soonest, t + minReady * 1000 - now.getTime() + 1);
    }
    if (soonest !== Infinity) return { requeueAfterMs: Math.max(soonest, 1) };
  }

  /** manageReplicas: slow-start creates or ranked deletes; returns the first failure. */
  private async manageReplicas(key: string, rs: ReplicaSetObj, pods: PodObj[]): Promise<{ error: Error; creating: boolean } | undefined> {
    const diff = replicaDiff(pods.length, rs.spec?.replicas ?? 1);
    const namespace = rs.metadata.namespace ?? '';
    if (diff.create > 0) {
      this.expectations.expectCreations(key, diff.create);
      const owner = ownerOf(rs);
      const { failed, skipped } = await slowStartBatch(diff.create, async () => {
        try {
          const pod = await this.ctx.client.create({ ...PODS, namespace }, podFromTemplate(rs.spec?.template, owner, namespace));
          this.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`);
        } catch (e) {
          // The informer will never see this pod: lower the expectation now.
          this.expectations.creationObserved(key);
          this.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${errText(e)}`);
          throw e;
        }
      });
      for (let i = 0; i < skipped; i++) this.expectations.creationObserved(key);
      return failed ? { error: failed, creating: true } : undefined;
    }
    if (diff.delete > 0) {
      const victims = podsToDelete(pods, this.relatedPods(rs, pods), diff.delete, this.ctx.now());
      this.expectations.expectDeletions(key, victims.map((p) => objectKey(p)));
      const errors = await Promise.all(
        victims.map(async (p) => {
          try {
            await this.ctx.client.delete({ ...PODS, namespace, name: p.metadata.name });
            this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name ?? ''}`);
            return undefined;
          } catch (e) {
            this.expectations.deletionObserved(key, objectKey(p));
            if (isStatus(e, 404)) return undefined;
            this.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${errText(e)}`);
            return e instanceof Error ? e : new Error(String(e));
          }
        }),
      );
      const failed = errors.find((e) => e !== undefined);
      return failed ? { error: failed, creating: false } : undefined;
    }
    return undefined;
  }

  /** updateReplicaSetStatus: skip when nothing changed; one retry on a conflict with a fresh read. */
  private async writeStatus(rs: ReplicaSetObj, status: ReturnType<typeof calculateStatus>): Promise<void> {
    if (!statusChanged(rs.status, status)) return;
    const ref = { ...RS, namespace: rs.metadata.namespace, name: rs.metadata.name, subresource: 'status' };
    try {
      await this.ctx.client.update(ref, { ...rs, status });
    } catch (e) {
      if (isStatus(e, 404)) return;
      if (!isStatus(e, 409)) throw e;
      const fresh = (await this.ctx.client.get({ ...ref, subresource: undefined })) as ReplicaSetObj;
      await this.ctx.client.update(ref, { ...fresh, status: { ...status, observedGeneration: rs.metadata.generation ?? 0 } });
    }
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * slowStartBatch: runs `count` calls in batches of 1, 2, 4 … so a template that always fails
 * costs one call, not hundreds; stops after the first batch with a failure.
 */
export async function slowStartBatch(count: number, fn: () => Promise<void>): Promise<{ done: number; failed?: Error; skipped: number }> {
  let remaining = count;
  let batch = 1;
  let done = 0;
  while (remaining > 0) {
    const n = Math.min(batch, remaining);
    const results = await Promise.allSettled(Array.from({ length: n }, () => fn()));
    const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    done += results.filter((r) => r.status === 'fulfilled').length;
    remaining -= n;
    if (bad) return { done, failed: bad.reason instanceof Error ? bad.reason : new Error(String(bad.reason)), skipped: remaining };
    batch *= 2;
  }
  return { done, skipped: 0 };
}

/** Builds the ReplicaSet controller (the ControllerConstructor). */
export function newReplicaSetController(ctx: ControllerContext): ReplicaSetController {
  return new ReplicaSetController(ctx);
}
