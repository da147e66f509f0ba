/**
 * Job conditions as pkg/controller/job writes them: newCondition (probe and transition time both
 * now), ensureJobConditionStatus, and the finished test (Complete or Failed True).
 */
import type { Job, JobCondition } from './types.js';
import { rfc3339 } from './types.js';

/** newCondition */
export function newCondition(type: string, status: string, reason: string, message: string, now: number): JobCondition {
  const t = rfc3339(new Date(now));
  return { type, status, lastProbeTime: t, lastTransitionTime: t, reason, message };
}

/** The condition of a type that is True, if any. */
export function trueCondition(conds: readonly JobCondition[] | undefined, type: string): JobCondition | undefined {
  return (conds ?? []).find((c) => c.type === type && c.status === 'True');
}

/** IsJobFinished: a Complete or Failed condition is True. */
export function isJobFinished(job: Job): boolean {
  const conds = job.status?.conditions ?? [];
  return conds.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** The True Complete/Failed condition of a finished job. */
export function finishedCondition(job: Job): JobCondition | undefined {
  return (job.status?.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/**
 * ensureJobConditionStatus: an existing condition of the type is replaced when status, reason or
 * message differ; a missing one is added unless its status would be False. Returns whether it changed.
 */
export function ensureCondition(list: JobCondition[], type: string, status: string, reason: string, message: string, now: number): boolean {
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i]!;
    if (c.status === status && c.reason === reason && c.message === message) return false;
    list[i] = newCondition(type, status, reason, message, now);
    return true;
  }
  if (status === 'False') return false;
  list.push(newCondition(type, status, reason, message, now));
  return true;
}
