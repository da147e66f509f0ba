/**
 * Which pods a ReplicaSet deletes first when scaling down (pkg/controller ActivePodsWithRanks
 * with LogarithmicScaleDown, the default since 1.22): the cheapest pods to lose go first.
 */
import { isPodReady, maxContainerRestarts, readyCondition, type PodObj } from './pods.js';

const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

/** Position in the pod-phase order: Pending < Unknown < Running (others as Pending). */
function phaseRank(p: PodObj): number {
  switch (p.status?.phase) {
    case 'Running':
      return 2;
    case 'Unknown':
      return 1;
    default:
      return 0;
  }
}

function deletionCost(p: PodObj): number {
  const v = Number(p.metadata.annotations?.[DELETION_COST] ?? '0');
  return Number.isFinite(v) ? v : 0;
}

/** floor(log2(nanoseconds since t)), -1 for a time not in the past (logarithmicRankDiff). */
function logRank(t: number, now: number): number {
  const d = (now - t) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/**
 * Compares two timestamps where a later one (or a missing one) sorts first; with LogarithmicScaleDown
 * times in the same power-of-two bucket tie and fall back to the uid, so a scale-down does not
 * always hit the very newest pods.
 */
function compareTimes(ti: string | undefined, tj: string | undefined, ui: string, uj: string, now: number): number | undefined {
  if (ti === tj) return undefined;
  const a = ti ? Date.parse(ti) : NaN;
  const b = tj ? Date.parse(tj) : NaN;
  if (Number.isNaN(a) || Number.isNaN(b) || now === 0) {
    // afterOrZero: a zero time sorts first, otherwise the later time first
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) === Number.isNaN(b) ? 0 : Number.isNaN(a) ? -1 : 1;
    return b - a;
  }
  const diff = logRank(a, now) - logRank(b, now);
  if (diff === 0) return ui < uj ? -1 : ui > uj ? 1 : 0;
  return diff;
}

/**
 * The Less of ActivePodsWithRanks as a comparator (negative: i is deleted before j). `rank` is
 * how many related pods share the pod's node (pods doubled up on a node go first).
 */
export function comparePodsForDeletion(pi: PodObj, pj: PodObj, ri: number, rj: number, now: Date): number {
  // 1. Unassigned < assigned
  const ai = !!pi.spec?.nodeName;
  const aj = !!pj.spec?.nodeName;
  if (ai !== aj) return ai ? 1 : -1;
  // 2. Pending < Unknown < Running
  const phi = phaseRank(pi);
  const phj = phaseRank(pj);
  if (phi !== phj) return phi - phj;
  // 3. Not ready < ready
  const rdi = isPodReady(pi);
  const rdj = isPodReady(pj);
  if (rdi !== rdj) return rdi ? 1 : -1;
  // 4. Lower pod-deletion-cost first
  const ci = deletionCost(pi);
  const cj = deletionCost(pj);
  if (ci !== cj) return ci - cj;
  // 5. Doubled up on a node first
  if (ri !== rj) return rj - ri;
  const ui = pi.metadata.uid ?? '';
  const uj = pj.metadata.uid ?? '';
  // 6. Ready for less time first
  if (rdi && rdj) {
    const r = compareTimes(readyCondition(pi)?.lastTransitionTime, readyCondition(pj)?.lastTransitionTime, ui, uj, now.getTime());
    if (r !== undefined && r !== 0) return r;
  }
  // 7. More container restarts first
  const mi = maxContainerRestarts(pi);
  const mj = maxContainerRestarts(pj);
  if (mi !== mj) return mj - mi;
  // 8. Newer first
  return compareTimes(pi.metadata.creationTimestamp, pj.metadata.creationTimestamp, ui, uj, now.getTime()) ?? 0;
}

/**
 * getPodsToDelete: the `diff` pods to delete out of `pods`. `related` are the active pods of all
 * ReplicaSets of the same owner (for the co-location rank), as upstream passes them.
 */
export function podsToDelete(pods: PodObj[], related: PodObj[], diff: number, now: Date): PodObj[] {
  if (diff >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) {
    const n = p.spec?.nodeName;
    if (n) onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  const ranked = pods.map((p) => ({ p, rank: p.spec?.nodeName ? (onNode.get(p.spec.nodeName) ?? 0) : 0 }));
  ranked.sort((a, b) => comparePodsForDeletion(a.p, b.p, a.rank, b.rank, now));
  return ranked.slice(0, diff).map((x) => x.p);
}
