/**
 * ttlSecondsAfterFinished (pkg/controller/ttlafterfinished): a finished Job is deleted once its
 * TTL has passed since the finish time (the Complete/Failed condition's transition time).
 */
import type { Job } from './types.js';
import { finishedCondition } from './conditions.js';

/** Milliseconds until the job expires (≤ 0: delete now); undefined when no TTL applies. */
export function ttlRemainingMs(job: Job, now: number): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || job.metadata?.deletionTimestamp) return undefined;
  const cond = finishedCondition(job);
  if (!cond) return undefined;
  const finishedAt = Date.parse(cond.lastTransitionTime ?? job.status?.completionTime ?? '');
  if (Number.isNaN(finishedAt)) return undefined;
  return finishedAt + ttl * 1000 - now;
}
