/**
 * Pure facts about a Job's pods as pkg/controller/job reads them: active, terminating, ready,
 * failed (isPodFailed, with podReplacementPolicy), the completion index, the finish time used by
 * the pod-failure back-off, and the ranking of pods to remove first.
 */
import type { Job, Pod } from './types.js';
import { COMPLETION_INDEX, JOB_TRACKING_FINALIZER } from './types.js';

/** Phase Succeeded or Failed. */
export function isTerminal(p: Pod): boolean {
  const phase = p.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** controller.FilterActivePods: neither terminal nor being deleted. */
export function isActive(p: Pod): boolean {
  return !isTerminal(p) && !p.metadata?.deletionTimestamp;
}

/** controller.CountTerminatingPods' test: being deleted but not yet terminal. */
export function isTerminating(p: Pod): boolean {
  return !isTerminal(p) && !!p.metadata?.deletionTimestamp;
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isReady(p: Pod): boolean {
  return (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The pod still carries batch.kubernetes.io/job-tracking. */
export function hasTrackingFinalizer(p: Pod): boolean {
  return (p.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

/** onlyReplaceFailedPods: podReplacementPolicy Failed, or any podFailurePolicy. */
export function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy !== undefined;
}

/**
 * isPodFailed: phase Failed; or, unless only failed pods are replaced, a pod being deleted before
 * it succeeded (an orphan that will never reach the Failed phase counts as a failure).
 */
export function isPodFailed(p: Pod, job: Job): boolean {
  if (p.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded';
}

/** getCompletionIndex: the annotation as a non-negative integer, or -1 when absent or invalid. */
export function completionIndex(p: Pod): number {
  const v = p.metadata?.annotations?.[COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return -1;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : -1;
}

/**
 * getFinishedTime: the latest container finishedAt, else the Ready=False transition, else the
 * deletion timestamp, else `now` (when the controller first saw the pod finished).
 */
export function finishTime(p: Pod, now: number): number {
  let latest = NaN;
  for (const cs of [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])]) {
    const t = Date.parse(cs.state?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(t) && (Number.isNaN(latest) || t > latest)) latest = t;
  }
  if (!Number.isNaN(latest)) return latest;
  const ready = (p.status?.conditions ?? []).find((c) => c.type === 'Ready' && c.status === 'False');
  const rt = Date.parse(ready?.lastTransitionTime ?? '');
  if (!Number.isNaN(rt)) return rt;
  const dt = Date.parse(p.metadata?.deletionTimestamp ?? '');
  return Number.isNaN(dt) ? now : dt;
}

function phaseRank(p: Pod): number {
  switch (p.status?.phase) {
    case 'Pending':
      return 0;
    case 'Unknown':
      return 1;
    case 'Running':
      return 2;
    default:
      return 3;
  }
}

/**
 * controller.ActivePods ordering (the pods to delete first): unassigned before assigned, Pending
 * before Unknown before Running, not ready before ready, then the newest first.
 */
export function compareForRemoval(a: Pod, b: Pod): number {
  const na = a.spec?.nodeName ? 1 : 0;
  const nb = b.spec?.nodeName ? 1 : 0;
  if (na !== nb) return na - nb;
  const pa = phaseRank(a);
  const pb = phaseRank(b);
  if (pa !== pb) return pa - pb;
  const ra = isReady(a) ? 1 : 0;
  const rb = isReady(b) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  const ta = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  return tb - ta;
}

/** The key of the Job controlling a pod (its controller ownerReference), if any. */
export function controllingJob(p: Pod): { name: string; uid: string } | undefined {
  const ref = (p.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref || ref.kind !== 'Job' || !ref.apiVersion.startsWith('batch/')) return undefined;
  return { name: ref.name, uid: ref.uid };
}
