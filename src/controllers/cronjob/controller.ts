/**
 * The CronJob controller (pkg/controller/cronjob, ControllerV2): informers on cronjobs and jobs;
 * handlers only enqueue the CronJob's `namespace/name`; reconcile(key) reconciles status.active
 * with the jobs it controls, creates the Job of the most recent unmet schedule time (honouring
 * suspend, timeZone, startingDeadlineSeconds and concurrencyPolicy), removes finished jobs beyond
 * the history limits, writes the status and asks to be queued again just after the next activation.
 */
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import type { KubeObject } from '../../api/object.js';
import { loadLocationError } from '../../api/registry/batch/cron.js';
import type { Informer } from '../../client/informer.js';
import { objectKey, splitKey } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../common/controller.js';
import { runWorkers, type ReconcileResult } from '../common/worker.js';
import { decideSchedule, jobFromTemplate, jobRef, jobsBeyondHistory, reconcileActive, type CronEvent, type CronJobStatus, type JobView } from './decide.js';
import { parseZoned, type ZonedSchedule } from './schedule.js';

const CRONJOBS = { group: 'batch', version: 'v1', resource: 'cronjobs' } as const;
const JOBS = { group: 'batch', version: 'v1', resource: 'jobs' } as const;
/** jobs filed under the uid of their controlling CronJob */
const BY_CRONJOB = 'cronjob-controller/byControllingCronJob';

function controllingCronJob(o: KubeObject): { name: string; uid: string } | undefined {
  const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  return ref && ref.kind === 'CronJob' && ref.apiVersion.startsWith('batch/') ? { name: ref.name, uid: ref.uid } : undefined;
}

const byControllingCronJob = (o: KubeObject): string[] => {
  const ref = controllingCronJob(o);
  return ref ? [ref.uid] : [];
};

/** Options beyond the shared context. */
export interface CronJobControllerOptions {
  workers?: number;
}

/** The running CronJob controller. */
export class CronJobController implements Controller {
  readonly name = 'cronjob-controller';
  readonly queue: WorkQueue;
  private readonly cronjobs: Informer;
  private readonly jobs: Informer;
  private readonly recorder: EventRecorder;
  private workers: Promise<void> | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly opts: CronJobControllerOptions = {},
  ) {
    this.queue = new WorkQueue({ clock: ctx.clock });
    this.recorder = ctx.recorder('cronjob-controller');
    this.cronjobs = ctx.informers.informerFor(CRONJOBS);
    this.jobs = ctx.informers.informerFor(JOBS, { [BY_CRONJOB]: byControllingCronJob });
    this.cronjobs.addHandlers({
      onAdd: (cj) => this.queue.add(objectKey(cj)),
      onUpdate: (_o, cj) => this.queue.add(objectKey(cj)),
    });
    const onJob = (j: KubeObject): void => {
      const ref = controllingCronJob(j);
      if (ref) this.queue.add(`${j.metadata.namespace ?? ''}/${ref.name}`);
    };
    this.jobs.addHandlers({ onAdd: onJob, onUpdate: (_o, j) => onJob(j), onDelete: onJob });
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

  private async fresh(ref: { namespace: string; name: string }, res: typeof CRONJOBS | typeof JOBS): Promise<KubeObject | undefined> {
    try {
      return await this.ctx.client.get({ ...res, ...ref });
    } catch (e) {
      if (isStatus(e, 404)) return undefined;
      throw e;
    }
  }

  /** reconcile(namespace/name): the only place the controller acts. */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    if (!this.cronjobs.get(key)) return;
    // Read the CronJob itself, not the cache: the active list must include our last write.
    const obj = await this.fresh(splitKey(key), CRONJOBS);
    if (!obj) return;
    const cj = obj as unknown as CronJob;
    const status = structuredClone((obj.status ?? {}) as CronJobStatus);
    const before = JSON.stringify(normalize(structuredClone(status)));
    const emit = (evs: CronEvent[]): void => evs.forEach((e) => this.recorder.event(obj, e.type, e.reason, e.message));
    const jobs = this.jobs.byIndex(BY_CRONJOB, obj.metadata.uid ?? '') as unknown as JobView[];

    const r = reconcileActive(status, jobs);
    emit(r.events);
    for (const ref of r.unknownRefs) {
      // The cache may lag behind the API server: only a 404 means the job is really gone.
      if (await this.fresh({ namespace: ref.namespace ?? '', name: ref.name ?? '' }, JOBS)) continue;
      this.recorder.event(obj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name ?? ''}`);
      status.active = (status.active ?? []).filter((a) => a.uid !== ref.uid);
    }

    const result = await this.schedule(obj, cj, status, emit);
    if (!obj.metadata.deletionTimestamp) await this.cleanupHistory(obj, cj, status, jobs);
    normalize(status);
    if (JSON.stringify(status) !== before) {
      await this.ctx.client.update({ ...CRONJOBS, namespace: obj.metadata.namespace, name: obj.metadata.name, subresource: 'status' }, { ...obj, status });
    }
    return result;
  }

  /** The scheduling half of syncCronJob; mutates `status`. */
  private async schedule(obj: KubeObject, cj: CronJob, status: CronJobStatus, emit: (e: CronEvent[]) => void): Promise<ReconcileResult | void> {
    if (obj.metadata.deletionTimestamp) return;
    const tz = cj.spec?.timeZone;
    if (tz !== undefined && tz !== null) {
      const err = loadLocationError(tz);
      if (err) {
        this.recorder.event(obj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: ${err}`);
        return;
      }
    }
    if (cj.spec?.suspend === true) return;
    const schedule = cj.spec?.schedule ?? '';
    if (schedule.includes('TZ')) {
      this.recorder.event(
        obj,
        'Warning',
        'UnsupportedSchedule',
        `CRON_TZ or TZ used in schedule ${JSON.stringify(schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`,
      );
    }
    let z: ZonedSchedule;
    try {
      z = parseZoned(schedule, tz ?? undefined);
    } catch (e) {
      this.recorder.event(obj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(schedule)} : ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const d = decideSchedule(cj, status, this.ctx.now(), z);
    emit(d.events);
    const requeue = d.requeueAfterMs !== undefined ? { requeueAfterMs: Math.max(0, d.requeueAfterMs) } : undefined;
    if (d.action === 'wait') return requeue;
    const ns = obj.metadata.namespace ?? '';
    if (d.replace) {
      for (const ref of [...(status.active ?? [])]) {
        const job = await this.fresh({ namespace: ref.namespace ?? ns, name: ref.name ?? '' }, JOBS);
        if (!job) throw new Error(`could not replace job ${ns}/${ref.name ?? ''}: not found`);
        await this.deleteJob(obj, status, job);
      }
    }
    const manifest = jobFromTemplate(cj, d.scheduledTime);
    let created: KubeObject;
    try {
      created = await this.ctx.client.create({ ...JOBS, namespace: ns }, manifest);
      this.recorder.event(obj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name ?? ''}`);
    } catch (e) {
      if (!isStatus(e, 409)) {
        this.recorder.event(obj, 'Warning', 'FailedCreate', `Error creating job: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      }
      // Created earlier but the status write was lost: adopt it if it is ours.
      const existing = await this.fresh({ namespace: ns, name: manifest.metadata.name ?? '' }, JOBS);
      if (!existing || controllingCronJob(existing)?.uid !== obj.metadata.uid) return requeue;
      if ((status.active ?? []).some((r) => r.uid === existing.metadata.uid)) return requeue;
      created = existing;
    }
    status.active = [...(status.active ?? []), jobRef(created)];
    status.lastScheduleTime = d.scheduledTime.toISOString().replace(/\.\d+Z$/, 'Z');
    return requeue;
  }

  /** deleteJob: Background propagation, then out of the active list. */
  private async deleteJob(obj: KubeObject, status: CronJobStatus, job: KubeObject | JobView): Promise<boolean> {
    try {
      await this.ctx.client.delete({ ...JOBS, namespace: job.metadata.namespace, name: job.metadata.name }, { propagationPolicy: 'Background' });
    } catch (e) {
      if (!isStatus(e, 404)) {
        this.recorder.event(obj, 'Warning', 'FailedDelete', `Deleted job: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
    }
    status.active = (status.active ?? []).filter((r) => r.uid !== job.metadata.uid);
    this.recorder.event(obj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name ?? ''}`);
    return true;
  }

  private async cleanupHistory(obj: KubeObject, cj: CronJob, status: CronJobStatus, jobs: JobView[]): Promise<void> {
    for (const j of jobsBeyondHistory(cj, jobs)) await this.deleteJob(obj, status, j);
  }
}

/** An empty active list is omitted, as Go's omitempty slice. */
function normalize(st: CronJobStatus): CronJobStatus {
  if (st.active && st.active.length === 0) delete st.active;
  return st;
}
