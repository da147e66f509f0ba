/**
 * The pure decisions of syncCronJob (pkg/controller/cronjob/cronjob_controllerv2.go): reconciling
 * status.active with the CronJob's jobs, what to do at the current time (wait, report a missed
 * start, skip for Forbid, replace, create), the Job built from the template, and which finished
 * jobs the history limits remove.
 */
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';
import { jobNameFor, nextScheduleDelayMs, nextScheduleTime, rfc1123z, rfc3339InZone, type ScheduleView, type ZonedSchedule } from './schedule.js';

/** The annotation recording a job's nominal start (batchv1.CronJobScheduledTimestampAnnotation). */
export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** A Job as the CronJob controller reads it. */
export interface JobView {
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string };
  status?: { conditions?: { type: string; status: string }[]; completionTime?: string; startTime?: string };
}

/** An event to record on the CronJob. */
export interface CronEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** The writable part of CronJobStatus. */
export interface CronJobStatus {
  active?: ObjectReference[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

/** getFinishedStatus: Complete or Failed when such a condition is True. */
export function finishedType(j: JobView): 'Complete' | 'Failed' | undefined {
  const c = (j.status?.conditions ?? []).find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c ? (c.type as 'Complete' | 'Failed') : undefined;
}

/** The ObjectReference kept in status.active. */
export function jobRef(j: JobView): ObjectReference {
  return { kind: 'Job', namespace: j.metadata.namespace, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion };
}

/** First half of syncCronJob: finished jobs leave the active list, successes move lastSuccessfulTime. */
export function reconcileActive(status: CronJobStatus, jobs: JobView[]): { events: CronEvent[]; changed: boolean; unknownRefs: ObjectReference[] } {
  const events: CronEvent[] = [];
  let changed = false;
  const active = (status.active ??= []);
  const children = new Set(jobs.map((j) => j.metadata.uid));
  for (const j of jobs) {
    const i = active.findIndex((r) => r.uid === j.metadata.uid);
    const fin = finishedType(j);
    if (i < 0 && !fin) {
      events.push({ type: 'Warning', reason: 'UnexpectedJob', message: `Saw a job that the controller did not create or forgot: ${j.metadata.name ?? ''}` });
    } else if (i >= 0 && fin) {
      active.splice(i, 1);
      events.push({ type: 'Normal', reason: 'SawCompletedJob', message: `Saw completed job: ${j.metadata.name ?? ''}, status: ${fin}` });
      changed = true;
    } else if (fin === 'Complete') {
      const ct = j.status?.completionTime;
      if (ct && (!status.lastSuccessfulTime || Date.parse(ct) > Date.parse(status.lastSuccessfulTime))) {
        status.lastSuccessfulTime = ct;
        changed = true;
      }
    }
  }
  return { events, changed, unknownRefs: active.filter((r) => !children.has(r.uid)) };
}

/** What to do at `now`. */
export type ScheduleDecision =
  | { action: 'wait'; requeueAfterMs?: number; events: CronEvent[] }
  | { action: 'run'; scheduledTime: Date; replace: boolean; requeueAfterMs?: number; events: CronEvent[] };

/** Second half of syncCronJob: the schedule decision for a CronJob that is neither deleted nor suspended. */
export function decideSchedule(cj: CronJob, status: CronJobStatus, now: Date, z: ZonedSchedule): ScheduleDecision {
  const view: ScheduleView = {
    creationTimestamp: cj.metadata?.creationTimestamp,
    lastScheduleTime: status.lastScheduleTime,
    startingDeadlineSeconds: cj.spec?.startingDeadlineSeconds,
    timeZone: cj.spec?.timeZone,
  };
  const events: CronEvent[] = [];
  const requeueAfterMs = (): number | undefined => nextScheduleDelayMs(view, now, z);
  let scheduled: Date | undefined;
  try {
    const r = nextScheduleTime(view, now, z);
    scheduled = r.time;
    if (r.tooManyMissed) {
      events.push({ type: 'Warning', reason: 'TooManyMissedTimes', message: 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew' });
    }
  } catch (e) {
    events.push({ type: 'Warning', reason: 'InvalidSchedule', message: `invalid schedule: ${cj.spec?.schedule ?? ''} : ${e instanceof Error ? e.message : String(e)}` });
    return { action: 'wait', events };
  }
  if (!scheduled) return { action: 'wait', requeueAfterMs: requeueAfterMs(), events };
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (deadline !== undefined && scheduled.getTime() + deadline * 1000 < now.getTime()) {
    events.push({ type: 'Warning', reason: 'MissSchedule', message: `Missed scheduled time to start a job: ${rfc1123z(scheduled)}` });
    return { action: 'wait', requeueAfterMs: requeueAfterMs(), events };
  }
  const name = jobNameFor(cj.metadata?.name ?? '', scheduled);
  const active = status.active ?? [];
  if (active.some((r) => r.name === name) || (status.lastScheduleTime !== undefined && Date.parse(status.lastScheduleTime) === scheduled.getTime())) {
    return { action: 'wait', requeueAfterMs: requeueAfterMs(), events };
  }
  const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && active.length > 0) {
    events.push({ type: 'Normal', reason: 'JobAlreadyActive', message: 'Not starting job because prior execution is running and concurrency policy is Forbid' });
    return { action: 'wait', requeueAfterMs: requeueAfterMs(), events };
  }
  // The requeue is computed as if the run is recorded (lastScheduleTime = scheduled).
  const after = nextScheduleDelayMs({ ...view, lastScheduleTime: scheduled.toISOString() }, now, z);
  return { action: 'run', scheduledTime: scheduled, replace: policy === 'Replace', events, ...(after !== undefined ? { requeueAfterMs: after } : {}) };
}

/** getJobFromTemplate2: the Job for one scheduled time. */
export function jobFromTemplate(cj: CronJob, scheduled: Date): KubeObject {
  const tmpl = cj.spec?.jobTemplate;
  const annotations: Record<string, string> = { ...(tmpl?.metadata?.annotations ?? {}) };
  annotations[SCHEDULED_TIMESTAMP] = rfc3339InZone(scheduled, cj.spec?.timeZone);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj.metadata?.name ?? '', scheduled),
      namespace: cj.metadata?.namespace,
      labels: { ...(tmpl?.metadata?.labels ?? {}) },
      annotations,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata?.name ?? '', uid: cj.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone(tmpl?.spec ?? {}),
  };
}

/** byJobStartTime: started jobs oldest first (then by name), never-started ones last. */
function byStartTime(a: JobView, b: JobView): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (!sa && sb) return 1;
  if (sa && !sb) return -1;
  if (sa && sb && sa !== sb) return Date.parse(sa) - Date.parse(sb);
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** cleanupFinishedJobs: the oldest finished jobs beyond successful/failedJobsHistoryLimit. */
export function jobsBeyondHistory(cj: CronJob, jobs: JobView[]): JobView[] {
  const out: JobView[] = [];
  const limits: ['Complete' | 'Failed', number | undefined][] = [
    ['Complete', cj.spec?.successfulJobsHistoryLimit],
    ['Failed', cj.spec?.failedJobsHistoryLimit],
  ];
  for (const [type, limit] of limits) {
    if (limit === undefined || limit === null) continue;
    const done = jobs.filter((j) => finishedType(j) === type).sort(byStartTime);
    out.push(...done.slice(0, Math.max(0, done.length - limit)));
  }
  return out;
}
