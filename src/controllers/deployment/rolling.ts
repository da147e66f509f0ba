/**
 * The replica arithmetic of a rollout, pure (pkg/controller/deployment rolling.go, sync.go scale,
 * util NewRSNewReplicas/GetProportion): how far the new ReplicaSet may surge, how many old pods
 * may go without breaking maxUnavailable, and how a resize is spread over active ReplicaSets.
 * Each plan is a list of scale steps `{ rs, replicas }` applied in order.
 */
import {
  activeReplicaSets,
  availableReplicaCount,
  byCreation,
  bySizeNewer,
  bySizeOlder,
  desiredReplicasAnnotation,
  isRollingUpdate,
  maxReplicasAnnotation,
  maxSurge,
  maxUnavailable,
  replicasOf,
  specReplicaCount,
  type DeploymentObj,
  type ReplicaSetObj,
} from './util.js';

/** One scale operation of a plan. */
export interface ScaleStep {
  rs: ReplicaSetObj;
  replicas: number;
  /** also refresh the replica annotations when the size is unchanged (proportional scaling) */
  refresh?: boolean;
}

/** NewRSNewReplicas: the size the new ReplicaSet may grow to now. */
export function newRSNewReplicas(d: DeploymentObj, allRSs: ReplicaSetObj[], newRS: ReplicaSetObj): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const current = specReplicaCount(allRSs);
  const maxTotal = replicasOf(d) + maxSurge(d);
  if (current >= maxTotal) return replicasOf(newRS);
  const up = Math.min(maxTotal - current, replicasOf(d) - replicasOf(newRS));
  return replicasOf(newRS) + up;
}

/** reconcileNewReplicaSet: the new ReplicaSet's target size, or undefined when it is right. */
export function reconcileNewReplicaSet(d: DeploymentObj, allRSs: ReplicaSetObj[], newRS: ReplicaSetObj): number | undefined {
  const want = replicasOf(d);
  const have = replicasOf(newRS);
  if (have === want) return undefined;
  if (have > want) return want;
  const next = newRSNewReplicas(d, allRSs, newRS);
  return next === have ? undefined : next;
}

function withReplicas(rs: ReplicaSetObj, replicas: number): ReplicaSetObj {
  return { ...rs, spec: { ...(rs.spec ?? { selector: {} }), replicas } };
}

/**
 * reconcileOldReplicaSets: first scale down old ReplicaSets' unhealthy (unavailable) pods, up to
 * what the budget allows, then scale down available old pods while more than
 * replicas - maxUnavailable stay available.
 */
export function reconcileOldReplicaSets(d: DeploymentObj, allRSs: ReplicaSetObj[], oldRSs: ReplicaSetObj[], newRS: ReplicaSetObj): ScaleStep[] {
  const active = activeReplicaSets(oldRSs);
  if (specReplicaCount(active) === 0) return [];
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicaCount(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];
  const steps: ScaleStep[] = [];
  // cleanupUnhealthyReplicas
  const olds = [...active].sort(byCreation);
  let cleaned = 0;
  for (let i = 0; i < olds.length; i++) {
    const rs = olds[i]!;
    if (cleaned >= maxScaledDown) break;
    const spec = replicasOf(rs);
    const avail = rs.status?.availableReplicas ?? 0;
    if (spec === 0 || spec === avail) continue;
    const down = Math.min(maxScaledDown - cleaned, spec - avail);
    steps.push({ rs, replicas: spec - down });
    olds[i] = withReplicas(rs, spec - down);
    cleaned += down;
  }
  // scaleDownOldReplicaSetsForRollingUpdate
  const available = availableReplicaCount([...olds, newRS]);
  if (available > minAvailable) {
    const budget = available - minAvailable;
    let done = 0;
    for (const rs of olds) {
      if (done >= budget) break;
      const spec = replicasOf(rs);
      if (spec === 0) continue;
      const down = Math.min(spec, budget - done);
      steps.push({ rs, replicas: spec - down });
      done += down;
    }
  }
  return steps;
}

/** IsSaturated: the new ReplicaSet has every replica, desired by the current size, available. */
export function isSaturated(d: DeploymentObj, rs: ReplicaSetObj | undefined): boolean {
  if (!rs) return false;
  return replicasOf(rs) === replicasOf(d) && desiredReplicasAnnotation(rs) === replicasOf(d) && (rs.status?.availableReplicas ?? 0) === replicasOf(d);
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active. */
export function findActiveOrLatest(newRS: ReplicaSetObj | undefined, oldRSs: ReplicaSetObj[]): ReplicaSetObj | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** getReplicaSetFraction: this ReplicaSet's share of a resize, from the max-replicas annotation. */
function fraction(rs: ReplicaSetObj, d: DeploymentObj): number {
  if (replicasOf(d) === 0) return -replicasOf(rs);
  const newMax = replicasOf(d) + maxSurge(d);
  let before = maxReplicasAnnotation(rs);
  if (!before) {
    before = d.status?.replicas ?? 0;
    if (before === 0) return 0;
  }
  // integer.RoundToInt32 rounds half away from zero
  const x = (replicasOf(rs) * newMax) / before;
  return Math.sign(x) * Math.round(Math.abs(x)) - replicasOf(rs);
}

/** GetProportion, bounded by what is left to add (or remove). */
function proportion(rs: ReplicaSetObj, d: DeploymentObj, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const f = fraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(f, allowed) : Math.max(f, allowed);
}

/**
 * scale (a resize, or a paused Deployment): one active ReplicaSet takes the whole size; a
 * saturated new ReplicaSet means old ones go to zero; otherwise a rolling Deployment spreads the
 * difference proportionally, leftovers to the largest. Steps include unchanged sizes, because
 * scaleReplicaSet also refreshes the replica annotations.
 */
export function scalePlan(d: DeploymentObj, newRS: ReplicaSetObj | undefined, oldRSs: ReplicaSetObj[]): ScaleStep[] {
  const one = findActiveOrLatest(newRS, oldRSs);
  if (one) return replicasOf(one) === replicasOf(d) ? [] : [{ rs: one, replicas: replicasOf(d) }];
  if (isSaturated(d, newRS)) return activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
  if (!isRollingUpdate(d)) return [];
  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - specReplicaCount(all);
  if (toAdd > 0) all.sort(bySizeNewer);
  else if (toAdd < 0) all.sort(bySizeOlder);
  let added = 0;
  const sizes = all.map((rs) => {
    if (toAdd === 0) return replicasOf(rs);
    const p = proportion(rs, d, toAdd, added);
    added += p;
    return replicasOf(rs) + p;
  });
  if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, sizes[0]! + toAdd - added);
  return all.map((rs, i) => ({ rs, replicas: sizes[i]!, refresh: true }));
}
