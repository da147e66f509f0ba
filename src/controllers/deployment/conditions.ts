/**
 * The status a Deployment reports (pkg/controller/deployment/sync.go calculateStatus and
 * progress.go syncRolloutStatus), as pure functions: counts from its ReplicaSets, the Available
 * condition (MinimumReplicasAvailable / MinimumReplicasUnavailable) and the Progressing
 * condition's reasons, including ProgressDeadlineExceeded once no progress was seen for
 * progressDeadlineSeconds.
 */
import type { DeploymentCondition, DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import { availableReplicaCount, actualReplicaCount, maxUnavailable, readyReplicaCount, replicasOf, specReplicaCount, type DeploymentObj, type ReplicaSetObj } from './util.js';

export const NEW_RS_AVAILABLE = 'NewReplicaSetAvailable';
export const TIMED_OUT = 'ProgressDeadlineExceeded';
export const RS_UPDATED = 'ReplicaSetUpdated';
export const NEW_RS_CREATED = 'NewReplicaSetCreated';
export const FOUND_NEW_RS = 'FoundNewReplicaSet';
export const PAUSED = 'DeploymentPaused';
export const RESUMED = 'DeploymentResumed';
export const FAILED_RS_CREATE = 'FailedRSCreate';

/** metav1.Time as the API serialises it (seconds). */
export function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** NewDeploymentCondition */
export function newCondition(type: string, status: string, reason: string, message: string, now: Date): DeploymentCondition {
  const t = timestamp(now);
  return { type, status, reason, message, lastUpdateTime: t, lastTransitionTime: t };
}

export function getCondition(s: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return (s?.conditions ?? []).find((c) => c.type === type);
}

/**
 * SetDeploymentCondition: a condition with the same status and reason is left as it is; otherwise
 * it replaces the old one (keeping lastTransitionTime when the status did not flip) at the end.
 */
export function setCondition(s: DeploymentStatus, c: DeploymentCondition): void {
  const cur = getCondition(s, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  const next = { ...c };
  if (cur && cur.status === c.status) next.lastTransitionTime = cur.lastTransitionTime;
  s.conditions = [...(s.conditions ?? []).filter((x) => x.type !== c.type), next];
}

export function removeCondition(s: DeploymentStatus, type: string): void {
  const rest = (s.conditions ?? []).filter((x) => x.type !== type);
  if (rest.length) s.conditions = rest;
  else delete s.conditions;
}

/** calculateStatus */
export function calculateStatus(allRSs: (ReplicaSetObj | undefined)[], newRS: ReplicaSetObj | undefined, d: DeploymentObj, now: Date): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const unavailable = Math.max(0, specReplicaCount(allRSs) - available);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    ...(d.status?.conditions?.length ? { conditions: d.status.conditions.map((c) => ({ ...c })) } : {}),
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** HasProgressDeadline: set and not MaxInt32. */
export function hasProgressDeadline(d: DeploymentObj): boolean {
  const p = d.spec?.progressDeadlineSeconds;
  return p !== undefined && p !== 2147483647;
}

/** DeploymentComplete: every replica updated and available, at the current generation. */
export function deploymentComplete(d: DeploymentObj, s: DeploymentStatus): boolean {
  const r = replicasOf(d);
  return (s.updatedReplicas ?? 0) === r && (s.replicas ?? 0) === r && (s.availableReplicas ?? 0) === r && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, ready or available pods, or fewer old ones, than last time. */
export function deploymentProgressing(d: DeploymentObj, s: DeploymentStatus): boolean {
  const o = d.status ?? {};
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0);
}

/** DeploymentTimedOut: the Progressing condition was last updated more than the deadline ago. */
export function deploymentTimedOut(d: DeploymentObj, s: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, 'Progressing');
  if (!c || c.reason === NEW_RS_AVAILABLE) return false;
  if (c.reason === TIMED_OUT) return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < now.getTime();
}

/**
 * syncRolloutStatus' decision: the new status with the Progressing condition advanced
 * (NewReplicaSetAvailable, ReplicaSetUpdated or ProgressDeadlineExceeded) and the first
 * ReplicaFailure condition of the ReplicaSets carried over.
 */
export function rolloutStatus(allRSs: (ReplicaSetObj | undefined)[], newRS: ReplicaSetObj | undefined, d: DeploymentObj, now: Date): DeploymentStatus {
  const s = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(s, 'Progressing');
  const cur = getCondition(d.status, 'Progressing');
  const complete = s.replicas === s.updatedReplicas && cur?.reason === NEW_RS_AVAILABLE;
  if (hasProgressDeadline(d) && !complete) {
    const who = newRS ? `ReplicaSet "${newRS.metadata.name ?? ''}"` : `Deployment "${d.metadata.name ?? ''}"`;
    if (deploymentComplete(d, s)) {
      setCondition(s, newCondition('Progressing', 'True', NEW_RS_AVAILABLE, `${who} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, s)) {
      // Progress refreshes lastUpdateTime even with the same reason (the special case upstream handles by hand).
      const c = newCondition('Progressing', 'True', RS_UPDATED, `${who} is progressing.`, now);
      if (cur) {
        if (cur.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
        removeCondition(s, 'Progressing');
      }
      setCondition(s, c);
    } else if (deploymentTimedOut(d, s, now)) {
      setCondition(s, newCondition('Progressing', 'False', TIMED_OUT, `${who} has timed out progressing.`, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(s, failure);
  else removeCondition(s, 'ReplicaFailure');
  return s;
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure condition first, else an old one's. */
function replicaFailure(allRSs: (ReplicaSetObj | undefined)[], newRS: ReplicaSetObj | undefined): DeploymentCondition | undefined {
  const ordered = [newRS, ...allRSs.filter((r) => r !== newRS)];
  for (const rs of ordered) {
    const c = (rs?.status?.conditions ?? []).find((x) => x.type === 'ReplicaFailure');
    if (c) return { type: c.type, status: c.status, reason: c.reason, message: c.message, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime };
  }
  return undefined;
}

/**
 * requeueStuckDeployment: when nothing changed and a rollout is still under way, when to look
 * again to notice the deadline passing (undefined: no need).
 */
export function stuckRequeueMs(d: DeploymentObj, s: DeploymentStatus, now: Date): number | undefined {
  const cur = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !cur) return undefined;
  if (deploymentComplete(d, s) || cur.reason === TIMED_OUT) return undefined;
  const after = Date.parse(cur.lastUpdateTime ?? '') + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - now.getTime();
  if (Number.isNaN(after)) return undefined;
  return after < 1000 ? 1000 : after + 1000;
}
