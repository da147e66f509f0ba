/**
 * The Job controller (pkg/controller/job): informers on jobs and pods; handlers only enqueue the
 * job's `namespace/name` (and settle expectations); reconcile(key) runs planJobSync and then acts
 * in upstream's order: delete/create pods, flush the status with new uncounted pods, remove the
 * job-tracking finalizers, fold the uncounted pods into the counters, add the terminal condition,
 * record events. Finished jobs with ttlSecondsAfterFinished are deleted when the TTL passes.
 */
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { objectKey, splitKey } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../common/controller.js';
import { runWorkers, type ReconcileResult } from '../common/worker.js';
import { asJob, asPod, JOB_TRACKING_FINALIZER, type Job, type JobStatus, type Pod } from './types.js';
import { controllingJob, hasTrackingFinalizer, isReady } from './pods.js';
import { enactFinished, foldUncounted, normalizeStatus, planJobSync, type SyncPlan } from './sync.js';
import type { BackoffRecord } from './backoff.js';
import { JobExpectations } from './expectations.js';
import { podForJob } from './pod-template.js';
import { ttlRemainingMs } from './ttl.js';

const JOBS = { group: 'batch', version: 'v1', resource: 'jobs' } as const;
const PODS = { group: '', version: 'v1', resource: 'pods' } as const;
/** pods filed under the `namespace/name` of their controlling Job */
const BY_JOB = 'job-controller/byControllingJob';

const byControllingJob = (o: KubeObject): string[] => {
  const ref = controllingJob(asPod(o));
  return ref ? [`${o.metadata.namespace ?? ''}/${ref.name}`] : [];
};

/** Options beyond the shared context. */
export interface JobControllerOptions {
  workers?: number;
}

/** The running Job controller. */
export class JobController implements Controller {
  readonly name = 'job-controller';
  readonly queue: WorkQueue;
  private readonly jobs: Informer;
  private readonly pods: Informer;
  private readonly recorder: EventRecorder;
  private readonly expectations: JobExpectations;
  private readonly backoffs = new Map<string, BackoffRecord>();
  private workers: Promise<void> | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly opts: JobControllerOptions = {},
  ) {
    this.queue = new WorkQueue({ clock: ctx.clock });
    this.expectations = new JobExpectations(ctx.clock);
    this.recorder = ctx.recorder('job-controller');
    this.jobs = ctx.informers.informerFor(JOBS);
    this.pods = ctx.informers.informerFor(PODS, { [BY_JOB]: byControllingJob });
    this.jobs.addHandlers({
      onAdd: (j) => this.queue.add(objectKey(j)),
      onUpdate: (_o, j) => this.queue.add(objectKey(j)),
      onDelete: (j) => this.queue.add(objectKey(j)),
    });
    this.pods.addHandlers({
      onAdd: (p) => this.onPod(undefined, p),
      onUpdate: (o, p) => this.onPod(o, p),
      onDelete: (p) => this.onPodDeleted(p),
    });
  }

  private jobKeyOf(p: KubeObject): string | undefined {
    const ref = controllingJob(asPod(p));
    return ref ? `${p.metadata.namespace ?? ''}/${ref.name}` : undefined;
  }

  private onPod(old: KubeObject | undefined, p: KubeObject): void {
    const key = this.jobKeyOf(p);
    if (!key) return;
    if (!old) this.expectations.creationObserved(key);
    else if (!old.metadata.deletionTimestamp && p.metadata.deletionTimestamp) this.expectations.deletionObserved(key);
    if (!hasTrackingFinalizer(asPod(p)) && p.metadata.uid) this.expectations.removalObserved(key, p.metadata.uid);
    this.queue.add(key);
  }

  private onPodDeleted(p: KubeObject): void {
    const key = this.jobKeyOf(p);
    if (!key) return;
    if (!p.metadata.deletionTimestamp) this.expectations.deletionObserved(key);
    if (p.metadata.uid) this.expectations.removalObserved(key, p.metadata.uid);
    this.queue.add(key);
  }

  /** Starts the workers (informers are synced by the caller). */
  start(): void {
    this.workers = runWorkers(this.queue, (k) => this.reconcile(k), { workers: this.opts.workers ?? 5, name: this.name, log: this.ctx.log });
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  private now(): number {
    return this.ctx.now().getTime();
  }

  /** reconcile(namespace/name): the only place the controller acts. */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const related = this.pods.byIndex(BY_JOB, key).map(asPod);
    // The status is read from the API server, not the cache: counting from a status older than
    // our last write could create pods for completions already reached.
    const cached = this.jobs.get(key) ? await this.freshJob(key) : undefined;
    if (!cached) {
      this.expectations.delete(key);
      this.backoffs.delete(key);
      await this.releaseOrphans(key, related, undefined);
      return;
    }
    const job = asJob(cached);
    const uid = job.metadata?.uid ?? '';
    await this.releaseOrphans(key, related, uid);
    const pods = related.filter((p) => controllingJob(p)?.uid === uid);
    if (job.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')) {
      this.backoffs.delete(key);
      return this.expireTtl(job);
    }
    if (job.spec?.managedBy !== undefined && job.spec.managedBy !== 'kubernetes.io/job-controller') return;
    if (job.spec?.completionMode !== undefined && job.spec.completionMode !== 'NonIndexed' && job.spec.completionMode !== 'Indexed') {
      this.recorder.event(cached, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
      return;
    }
    const plan = planJobSync({
      job,
      pods,
      now: this.now(),
      backoff: this.backoffs.get(key) ?? { failuresAfterLastSuccess: 0 },
      expectedRmFinalizers: this.expectations.expectedRemovals(key),
      satisfiedExpectations: this.expectations.satisfied(key),
    });
    if (plan.alreadyFinished) return this.expireTtl(job);
    const manageErr = await this.managePods(key, job, plan);
    await this.trackStatus(key, cached, job, plan);
    if (manageErr) throw manageErr;
    return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined;
  }

  /** Deletes and creates pods; creation failures lower status.active, as upstream's counters. */
  private async managePods(key: string, job: Job, plan: SyncPlan): Promise<Error | undefined> {
    const ns = job.metadata?.namespace ?? '';
    const target = job as unknown as KubeObject;
    let err: Error | undefined;
    const deletes = [...plan.deleteKeepFinalizer.map((p) => ({ p, drop: false })), ...plan.deleteDropFinalizer.map((p) => ({ p, drop: true }))];
    if (deletes.length) this.expectations.expect(key, 0, deletes.length);
    await Promise.all(
      deletes.map(async ({ p, drop }) => {
        const name = p.metadata?.name ?? '';
        try {
          if (drop && hasTrackingFinalizer(p)) await this.removeFinalizer(ns, name);
          await this.ctx.client.delete({ ...PODS, namespace: ns, name });
          this.recorder.event(target, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
        } catch (e) {
          this.expectations.deletionObserved(key);
          if (isStatus(e, 404)) return;
          this.recorder.event(target, 'Warning', 'FailedDelete', `Error deleting: ${e instanceof Error ? e.message : String(e)}`);
          err = e instanceof Error ? e : new Error(String(e));
          // Not deleted: the pod is still active, and the job must not be declared finished.
          plan.status.active = (plan.status.active ?? 0) + 1;
          plan.terminating--;
          plan.status.terminating = plan.terminating;
          plan.finalCondition = undefined;
          if (isReady(p)) plan.status.ready = (plan.status.ready ?? 0) + 1;
        }
      }),
    );
    if (plan.create.length) this.expectations.expect(key, plan.create.length, 0);
    await Promise.all(
      plan.create.map(async ({ index }) => {
        try {
          const pod = await this.ctx.client.create({ ...PODS, namespace: ns }, podForJob(job, index));
          this.recorder.event(target, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`);
        } catch (e) {
          this.expectations.creationObserved(key);
          plan.status.active = Math.max(0, (plan.status.active ?? 0) - 1);
          this.recorder.event(target, 'Warning', 'FailedCreate', `Error creating: ${e instanceof Error ? e.message : String(e)}`);
          err = e instanceof Error ? e : new Error(String(e));
        }
      }),
    );
    normalizeStatus(plan.status);
    return err;
  }

  /** trackJobStatusAndRemoveFinalizers: flush, remove finalizers, fold counters, finish. */
  private async trackStatus(key: string, cached: KubeObject, job: Job, plan: SyncPlan): Promise<void> {
    const st = plan.status;
    let stored = cached;
    const write = async (): Promise<void> => {
      stored = await this.ctx.client.update({ ...JOBS, namespace: cached.metadata.namespace, name: cached.metadata.name, subresource: 'status' }, { ...stored, status: st });
    };
    if (plan.needsFlush || JSON.stringify(normalizeStatus(structuredClone<JobStatus>(job.status ?? {}))) !== JSON.stringify(st)) await write();
    this.backoffs.set(key, plan.backoff);
    const ns = cached.metadata.namespace ?? '';
    const uidsWithFinalizer = new Set(plan.uidsWithFinalizer);
    const uids = plan.removeFinalizers.map((p) => p.metadata?.uid ?? '');
    this.expectations.expectRemovals(key, uids);
    let rmErr: Error | undefined;
    await Promise.all(
      plan.removeFinalizers.map(async (p) => {
        const uid = p.metadata?.uid ?? '';
        try {
          await this.removeFinalizer(ns, p.metadata?.name ?? '');
          uidsWithFinalizer.delete(uid);
        } catch (e) {
          this.expectations.removalObserved(key, uid);
          if (isStatus(e, 404)) uidsWithFinalizer.delete(uid);
          else rmErr = e instanceof Error ? e : new Error(String(e));
        }
      }),
    );
    const before = JSON.stringify(st);
    foldUncounted(st, uidsWithFinalizer);
    const finished = !rmErr && enactFinished(st, plan.finalCondition, plan.terminating, this.now());
    normalizeStatus(st);
    if (JSON.stringify(st) !== before) await write();
    for (const ev of plan.events) this.recorder.event(stored, ev.type, ev.reason, ev.message);
    if (finished && plan.finalCondition) {
      if (plan.finalCondition.type === 'Complete') {
        const completions = job.spec?.completions;
        if (completions !== undefined && (st.succeeded ?? 0) > completions) {
          this.recorder.event(stored, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
        }
        this.recorder.event(stored, 'Normal', 'Completed', 'Job completed');
      } else this.recorder.event(stored, 'Warning', plan.finalCondition.reason ?? '', plan.finalCondition.message ?? '');
    }
    if (rmErr) throw rmErr;
  }

  private async freshJob(key: string): Promise<KubeObject | undefined> {
    try {
      return await this.ctx.client.get({ ...JOBS, ...splitKey(key) });
    } catch (e) {
      if (isStatus(e, 404)) return undefined;
      throw e;
    }
  }

  /** The strategic-merge patch upstream sends (removeTrackingFinalizerPatch). */
  private async removeFinalizer(namespace: string, name: string): Promise<void> {
    await this.ctx.client.patch({ ...PODS, namespace, name }, 'strategic', { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [JOB_TRACKING_FINALIZER] } });
  }

  /** Pods of a deleted (or replaced) job keep no tracking finalizer, so they can go away. */
  private async releaseOrphans(key: string, related: Pod[], uid: string | undefined): Promise<void> {
    const { namespace } = splitKey(key);
    const orphans = related.filter((p) => hasTrackingFinalizer(p) && controllingJob(p)?.uid !== uid);
    await Promise.all(
      orphans.map(async (p) => {
        try {
          await this.removeFinalizer(namespace, p.metadata?.name ?? '');
        } catch (e) {
          if (!isStatus(e, 404)) throw e;
        }
      }),
    );
  }

  /** ttlafterfinished: delete the expired job (Foreground, uid precondition), else check back then. */
  private async expireTtl(job: Job): Promise<ReconcileResult | void> {
    const remaining = ttlRemainingMs(job, this.now());
    if (remaining === undefined) return;
    if (remaining > 0) return { requeueAfterMs: remaining };
    try {
      await this.ctx.client.delete(
        { ...JOBS, namespace: job.metadata?.namespace, name: job.metadata?.name },
        { propagationPolicy: 'Foreground', preconditions: { uid: job.metadata?.uid } },
      );
    } catch (e) {
      if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
    }
  }
}
