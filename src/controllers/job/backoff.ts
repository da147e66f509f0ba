/**
 * The pod-failure back-off of a Job (pkg/controller/job/backoff_utils.go): failures since the last
 * success delay the next pod creation by 10 s × 2^(failures−1), capped at six minutes as the Job
 * documentation states, measured from the latest failure's finish time.
 */

/** Upstream's DefaultJobPodFailureBackOff. */
export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
/** The documented cap of the back-off ("capped at six minutes"). */
export const MAX_POD_FAILURE_BACKOFF_MS = 360_000;

/** What the controller remembers per Job between syncs (in memory, as upstream). */
export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  /** ms since epoch of the latest failure, if any */
  lastFailureTime?: number;
}

/** A finished pod as the back-off sees it. */
export interface FinishedPod {
  succeeded: boolean;
  finishedAt: number;
}

/**
 * newBackoffRecord: newly finished pods in finish order; a success after the last failure resets
 * the count, each failure after it raises the count and moves the last failure time.
 */
export function nextBackoffRecord(prev: BackoffRecord, finished: FinishedPod[]): BackoffRecord {
  const out: BackoffRecord = { ...prev };
  for (const p of [...finished].sort((a, b) => a.finishedAt - b.finishedAt)) {
    if (p.succeeded) {
      if (out.lastFailureTime === undefined || p.finishedAt >= out.lastFailureTime) out.failuresAfterLastSuccess = 0;
    } else {
      out.failuresAfterLastSuccess++;
      out.lastFailureTime = Math.max(out.lastFailureTime ?? p.finishedAt, p.finishedAt);
    }
  }
  return out;
}

/** getRemainingTime: how long pod creation must still wait (0 when it may go ahead). */
export function remainingBackoffMs(r: BackoffRecord, now: number, baseMs = DEFAULT_POD_FAILURE_BACKOFF_MS, maxMs = MAX_POD_FAILURE_BACKOFF_MS): number {
  if (r.failuresAfterLastSuccess === 0 || r.lastFailureTime === undefined) return 0;
  const delay = Math.min(baseMs * 2 ** (r.failuresAfterLastSuccess - 1), maxMs);
  const elapsed = now - r.lastFailureTime;
  return elapsed >= delay ? 0 : delay - elapsed;
}
