/**
 * The pure part of syncJob (pkg/controller/job): from a Job, its pods and the controller's memory
 * (back-off record, expected finalizer removals, whether expectations are met) it decides which
 * pods to delete or create, the status to flush before finalizers are removed (new
 * uncountedTerminatedPods UIDs, completedIndexes, the interim FailureTarget / SuccessCriteriaMet
 * conditions of 1.31+), which pods lose the job-tracking finalizer, and the terminal condition to
 * add once every pod is counted and none is terminating.
 */
import type { Job, JobCondition, JobStatus, Pod } from './types.js';
import { rfc3339 } from './types.js';
import { compareForRemoval, completionIndex, finishTime, hasTrackingFinalizer, isActive, isPodFailed, isReady, isTerminating, onlyReplaceFailedPods } from './pods.js';
import { matchPodFailurePolicy } from './policy.js';
import { nextBackoffRecord, remainingBackoffMs, type BackoffRecord } from './backoff.js';
import { firstPendingIndexes, formatIndexes, parseIndexes } from './indexes.js';
import { ensureCondition, isJobFinished, newCondition, trueCondition } from './conditions.js';

/** What the planner reads besides the Job and its pods. */
export interface SyncInput {
  job: Job;
  /** pods controlled by this job (controller ownerReference uid) */
  pods: Pod[];
  now: number;
  backoff: BackoffRecord;
  /** UIDs whose finalizer removal was sent but not yet seen in the cache */
  expectedRmFinalizers: Set<string>;
  /** no pod creation/deletion of an earlier sync is still unobserved */
  satisfiedExpectations: boolean;
}

/** An event to record on the Job. */
export interface JobEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** The decision of one sync. */
export interface SyncPlan {
  /** already finished before this sync: nothing to do but TTL */
  alreadyFinished: boolean;
  /** active pods deleted with their finalizer kept (the job is finishing: they are counted as failed) */
  deleteKeepFinalizer: Pod[];
  /** pods whose finalizer is removed before deletion (suspend, too many active): never counted */
  deleteDropFinalizer: Pod[];
  /** pods to create; `index` for Indexed jobs */
  create: { index?: number }[];
  /** the status before finalizers are removed */
  status: JobStatus;
  /** the status differs from the stored one */
  needsFlush: boolean;
  /** pods that lose the job-tracking finalizer after the flush */
  removeFinalizers: Pod[];
  /** UIDs still carrying the finalizer (minus expected removals) before removals */
  uidsWithFinalizer: Set<string>;
  /** Complete or Failed, added once nothing is uncounted and nothing terminating */
  finalCondition?: JobCondition;
  terminating: number;
  events: JobEvent[];
  requeueAfterMs?: number;
  backoff: BackoffRecord;
}

const uidOf = (p: Pod): string => p.metadata?.uid ?? '';

/** pastBackoffLimitOnFailure: container restarts of running pods count with restartPolicy OnFailure. */
function pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
  if (job.spec?.template.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const cs of [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])]) restarts += cs.restartCount;
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/** getFailJobMessage: the first failed pod matching a FailJob rule. */
function failJobMessage(job: Job, pods: Pod[]): string | undefined {
  if (!job.spec?.podFailurePolicy) return undefined;
  for (const p of pods) {
    if (!isPodFailed(p, job)) continue;
    const m = matchPodFailurePolicy(job.spec.podFailurePolicy, p);
    if (m.failJobMessage) return m.failJobMessage;
  }
  return undefined;
}

/** activePodsForRemoval: for Indexed jobs, out-of-range and duplicate indexes first; then by rank. */
export function activePodsForRemoval(job: Job, pods: Pod[], rmAtLeast: number): Pod[] {
  const rm: Pod[] = [];
  let left = pods;
  if (job.spec?.completionMode === 'Indexed') {
    const completions = job.spec.completions ?? 0;
    left = [];
    const byIndex = new Map<number, Pod[]>();
    for (const p of pods) {
      const ix = completionIndex(p);
      if (ix < 0 || ix >= completions) rm.push(p);
      else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
    }
    for (const group of byIndex.values()) {
      const sorted = [...group].sort(compareForRemoval);
      rm.push(...sorted.slice(0, -1));
      left.push(sorted[sorted.length - 1]!);
    }
  }
  if (rm.length < rmAtLeast) rm.push(...[...left].sort(compareForRemoval).slice(0, rmAtLeast - rm.length));
  return rm;
}

/** cleanUncountedPodsWithoutFinalizers: uncounted UIDs whose finalizer is gone move into the counters. */
export function foldUncounted(st: JobStatus, uidsWithFinalizer: Set<string>): boolean {
  const unc = (st.uncountedTerminatedPods ??= {});
  let changed = false;
  for (const k of ['succeeded', 'failed'] as const) {
    const list = unc[k] ?? [];
    const keep = list.filter((u) => uidsWithFinalizer.has(u));
    if (keep.length !== list.length) {
      changed = true;
      st[k] = (st[k] ?? 0) + list.length - keep.length;
      if (keep.length) unc[k] = keep;
      else delete unc[k];
    }
  }
  return changed;
}

/**
 * enactJobFinished: the terminal condition is added (with completionTime for Complete) only when
 * nothing is uncounted and no pod is terminating. Returns whether the job is now finished.
 */
export function enactFinished(st: JobStatus, cond: JobCondition | undefined, terminating: number, now: number): boolean {
  if (!cond) return false;
  const unc = st.uncountedTerminatedPods;
  if ((unc?.succeeded?.length ?? 0) + (unc?.failed?.length ?? 0) > 0) return false;
  if (terminating > 0) return false;
  st.conditions ??= [];
  ensureCondition(st.conditions, cond.type, cond.status, cond.reason ?? '', cond.message ?? '', now);
  if (cond.type === 'Complete') st.completionTime = st.conditions.find((c) => c.type === 'Complete')?.lastTransitionTime ?? rfc3339(new Date(now));
  return true;
}

/** Zero counters are omitted, as Go's omitempty int32 fields are. */
export function normalizeStatus(st: JobStatus): JobStatus {
  for (const k of ['active', 'succeeded', 'failed'] as const) if (!st[k]) delete st[k];
  if (st.completedIndexes === '') delete st.completedIndexes;
  return st;
}

/** Plans one sync of a Job. */
export function planJobSync(inp: SyncInput): SyncPlan {
  const { job, pods, now } = inp;
  const spec = job.spec!;
  const st = structuredClone<JobStatus>(job.status ?? {});
  const base: SyncPlan = {
    alreadyFinished: false,
    deleteKeepFinalizer: [],
    deleteDropFinalizer: [],
    create: [],
    status: st,
    needsFlush: false,
    removeFinalizers: [],
    uidsWithFinalizer: new Set(),
    terminating: 0,
    events: [],
    backoff: inp.backoff,
  };
  if (isJobFinished(job)) return { ...base, alreadyFinished: true };
  st.uncountedTerminatedPods ??= {};
  st.conditions ??= [];
  const unc = { succeeded: new Set(st.uncountedTerminatedPods.succeeded ?? []), failed: new Set(st.uncountedTerminatedPods.failed ?? []) };
  const indexed = spec.completionMode === 'Indexed';
  const completions = spec.completions ?? undefined;
  const parallelism = spec.parallelism ?? 1;
  const suspended = spec.suspend === true;
  const expected = inp.expectedRmFinalizers;
  const validIndex = (p: Pod): boolean => {
    const ix = completionIndex(p);
    return ix >= 0 && ix < (completions ?? 0);
  };

  const active = pods.filter(isActive);
  let terminating = pods.filter(isTerminating).length;
  let ready = active.filter(isReady).length;

  // getNewFinishedPods: pods still tracked by the finalizer and not yet in uncounted.
  const tracked = (p: Pod): boolean => hasTrackingFinalizer(p) && !expected.has(uidOf(p)) && (!indexed || validIndex(p));
  const newSucceeded = pods.filter((p) => tracked(p) && !unc.succeeded.has(uidOf(p)) && p.status?.phase === 'Succeeded');
  const newFailed = pods.filter((p) => tracked(p) && !unc.failed.has(uidOf(p)) && isPodFailed(p, job));
  let succeeded = (st.succeeded ?? 0) + newSucceeded.length + unc.succeeded.size;
  const counted = newFailed.filter((p) => matchPodFailurePolicy(spec.podFailurePolicy, p).countFailed).length;
  const failed = (st.failed ?? 0) + counted + unc.failed.size;

  if (!st.startTime && !suspended) st.startTime = rfc3339(new Date(now));
  const backoff = nextBackoffRecord(inp.backoff, [
    ...newSucceeded.map((p) => ({ succeeded: true, finishedAt: finishTime(p, now) })),
    ...newFailed.map((p) => ({ succeeded: false, finishedAt: finishTime(p, now) })),
  ]);

  let requeue: number | undefined;
  const requeueAt = (ms: number): void => {
    requeue = requeue === undefined ? ms : Math.min(requeue, ms);
  };
  let finished: JobCondition | undefined = trueCondition(st.conditions, 'SuccessCriteriaMet');
  if (!finished) {
    const target = trueCondition(st.conditions, 'FailureTarget');
    if (target) finished = newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', now);
    else {
      const msg = failJobMessage(job, pods);
      if (msg) finished = newCondition('FailureTarget', 'True', 'PodFailurePolicy', msg, now);
    }
  }
  if (!finished) {
    const startMs = Date.parse(st.startTime ?? '');
    const deadline = spec.activeDeadlineSeconds;
    if (failed > (spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods)) {
      finished = newCondition('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now);
    } else if (deadline !== undefined && !suspended && !Number.isNaN(startMs) && now - startMs >= deadline * 1000) {
      finished = newCondition('FailureTarget', 'True', 'DeadlineExceeded', 'Job was active longer than specified deadline', now);
    } else if (deadline !== undefined && !suspended && !Number.isNaN(startMs)) {
      requeueAt(startMs + deadline * 1000 - now);
    }
  }

  let prevIndexes = new Set<number>();
  let succeededIndexes = new Set<number>();
  if (indexed) {
    prevIndexes = parseIndexes(st.completedIndexes, completions ?? 0);
    succeededIndexes = new Set(prevIndexes);
    for (const p of pods) if (p.status?.phase === 'Succeeded' && validIndex(p) && hasTrackingFinalizer(p)) succeededIndexes.add(completionIndex(p));
    succeeded = succeededIndexes.size;
  }

  const plan: SyncPlan = { ...base, backoff };
  let activeCount = active.length;
  let needsFlush = false;
  const removeActive = (list: Pod[]): void => {
    activeCount -= list.length;
    terminating += list.length;
    ready -= list.filter(isReady).length;
  };
  if (finished) {
    // Finishing: every active pod is deleted; the terminal condition waits for them.
    plan.deleteKeepFinalizer = active;
    removeActive(active);
    if (!inp.satisfiedExpectations) finished = undefined;
  } else {
    let manageCalled = false;
    if (inp.satisfiedExpectations && !job.metadata?.deletionTimestamp) {
      manageCalled = true;
      if (suspended) {
        plan.deleteDropFinalizer = active;
        removeActive(active);
      } else {
        let wantActive: number;
        if (completions === undefined) wantActive = succeeded > 0 ? activeCount : parallelism;
        else wantActive = Math.max(0, Math.min(completions - succeeded, parallelism));
        const toDelete = activePodsForRemoval(job, active, Math.max(0, activeCount - wantActive));
        if (toDelete.length) {
          plan.deleteDropFinalizer = toDelete;
          removeActive(toDelete);
        } else {
          const diff = wantActive - (onlyReplaceFailedPods(job) ? terminating : 0) - activeCount;
          if (diff > 0) {
            const wait = remainingBackoffMs(backoff, now);
            if (wait > 0) requeueAt(wait);
            else if (indexed) {
              const activeIdx = new Set(active.map(completionIndex));
              plan.create = firstPendingIndexes(diff, completions ?? 0, succeededIndexes, activeIdx).map((index) => ({ index }));
            } else plan.create = Array.from({ length: diff }, () => ({}));
            activeCount += plan.create.length;
          }
        }
      }
    }
    const complete = completions === undefined ? succeeded > 0 && activeCount === 0 : succeeded >= completions && activeCount === 0;
    if (complete) {
      finished = newCondition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
    } else if (manageCalled) {
      if (suspended) {
        if (ensureCondition(st.conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now)) {
          needsFlush = true;
          plan.events.push({ type: 'Normal', reason: 'Suspended', message: 'Job suspended' });
        }
      } else if (ensureCondition(st.conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', now)) {
        needsFlush = true;
        plan.events.push({ type: 'Normal', reason: 'Resumed', message: 'Job resumed' });
        // activeDeadlineSeconds counts continuous activity: resuming restarts the clock.
        st.startTime = rfc3339(new Date(now));
      }
    }
  }

  if (activeCount !== (st.active ?? 0) || ready !== st.ready || terminating !== st.terminating) needsFlush = true;
  if (!job.status?.startTime && st.startTime) needsFlush = true;
  st.active = activeCount;
  st.ready = ready;
  st.terminating = terminating;

  // trackJobStatusAndRemoveFinalizers, first half.
  const uidsWithFinalizer = new Set(pods.filter((p) => hasTrackingFinalizer(p) && !expected.has(uidOf(p))).map(uidOf));
  if (foldUncounted(st, uidsWithFinalizer)) needsFlush = true;
  const uncSucc = (st.uncountedTerminatedPods.succeeded ??= []);
  const uncFail = (st.uncountedTerminatedPods.failed ??= []);
  const ordered = indexed ? [...pods].sort((a, b) => completionIndex(a) - completionIndex(b)) : pods;
  for (const p of ordered) {
    const uid = uidOf(p);
    if (!hasTrackingFinalizer(p) || expected.has(uid)) continue;
    const considerFailed = isPodFailed(p, job);
    if (!(job.metadata?.deletionTimestamp || finished || p.status?.phase === 'Succeeded' || considerFailed)) continue;
    plan.removeFinalizers.push(p);
    if (p.status?.phase === 'Succeeded' && !unc.failed.has(uid)) {
      if (indexed) {
        if (validIndex(p) && !prevIndexes.has(completionIndex(p))) needsFlush = true;
      } else if (!unc.succeeded.has(uid)) {
        uncSucc.push(uid);
        needsFlush = true;
      }
    } else if (considerFailed || (finished && finished.type !== 'SuccessCriteriaMet')) {
      // Once the job is finishing, every pod not yet succeeded counts as failed.
      if (!unc.failed.has(uid) && (!indexed || validIndex(p)) && matchPodFailurePolicy(spec.podFailurePolicy, p).countFailed) {
        uncFail.push(uid);
        needsFlush = true;
      }
    }
  }
  if (!uncSucc.length) delete st.uncountedTerminatedPods.succeeded;
  if (!uncFail.length) delete st.uncountedTerminatedPods.failed;
  if (indexed) {
    const s = formatIndexes(succeededIndexes);
    if (s !== (st.completedIndexes ?? '')) needsFlush = true;
    st.completedIndexes = s;
    st.succeeded = succeededIndexes.size;
  }
  if (finished?.type === 'FailureTarget') {
    st.conditions.push(finished);
    needsFlush = true;
    plan.finalCondition = newCondition('Failed', 'True', finished.reason ?? '', finished.message ?? '', now);
  } else if (finished?.type === 'SuccessCriteriaMet') {
    if (!trueCondition(st.conditions, 'SuccessCriteriaMet')) {
      st.conditions.push(finished);
      needsFlush = true;
    }
    plan.finalCondition = newCondition('Complete', 'True', finished.reason ?? '', finished.message ?? '', now);
  } else if (finished) plan.finalCondition = finished;
  if (!st.conditions.length) delete st.conditions;
  normalizeStatus(st);
  return { ...plan, status: st, needsFlush, uidsWithFinalizer, terminating, ...(requeue !== undefined ? { requeueAfterMs: Math.max(requeue, 0) } : {}) };
}
