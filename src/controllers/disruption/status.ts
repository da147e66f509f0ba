/**
 * The pure arithmetic of the disruption controller (pkg/controller/disruption): expected and
 * desired healthy pod counts from minAvailable/maxUnavailable (ints, or percentages of the
 * controllers' scale rounded up), the healthy count (Ready pods not being deleted nor recently
 * evicted), the disruptedPods bookkeeping with its 2-minute DeletionTimeout, and the resulting
 * status with the DisruptionAllowed condition.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from 'kubernetes-types/policy/v1.js';
import type { Condition } from 'kubernetes-types/meta/v1.js';

/** How long an evicted pod is assumed to be on its way out (upstream's DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

type IntOrString = number | string;

/** True when the PDB needs the scale of the pods' controllers (maxUnavailable, or a percentage minAvailable). */
export function needsScale(pdb: PodDisruptionBudget): boolean {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) return true;
  return typeof spec.minAvailable === 'string';
}

/** intstr.GetScaledValueFromIntOrPercent with roundUp=true. */
export function scaledValue(v: IntOrString, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  return Math.ceil((Number(m[1]) * total) / 100);
}

/** getExpectedPodCount: expectedCount and desiredHealthy; `scale` is the controllers' total replicas when needsScale. */
export function expectedPodCount(pdb: PodDisruptionBudget, podCount: number, scale: number): { expectedCount: number; desiredHealthy: number } {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const maxUnavailable = scaledValue(spec.maxUnavailable, scale);
    return { expectedCount: scale, desiredHealthy: Math.max(0, scale - maxUnavailable) };
  }
  if (typeof spec.minAvailable === 'number') return { expectedCount: podCount, desiredHealthy: spec.minAvailable };
  if (typeof spec.minAvailable === 'string') return { expectedCount: scale, desiredHealthy: scaledValue(spec.minAvailable, scale) };
  return { expectedCount: 0, desiredHealthy: 0 };
}

/** podutil.IsPodReady. */
export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * buildDisruptedPodMap: keeps the entries of pods still present, not yet being deleted, and
 * evicted less than DeletionTimeout ago; `recheckMs` is when the earliest kept entry expires,
 * `overdue` the pods that should have been deleted by now (upstream's NotDeleted event).
 */
export function disruptedPodMap(pods: readonly Pod[], disrupted: Record<string, string> | undefined, nowMs: number): { map: Record<string, string>; recheckMs?: number; overdue: string[] } {
  const map: Record<string, string> = {};
  const overdue: string[] = [];
  let recheckMs: number | undefined;
  if (!disrupted) return { map, overdue };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp) continue;
    const at = disrupted[name];
    if (at === undefined) continue;
    const expected = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expected < nowMs) overdue.push(name);
    else {
      map[name] = at;
      if (recheckMs === undefined || expected < recheckMs) recheckMs = expected;
    }
  }
  return { map, recheckMs, overdue };
}

/** countHealthyPods: Ready pods that are neither being deleted nor recently evicted. */
export function countHealthyPods(pods: readonly Pod[], disrupted: Record<string, string>, nowMs: number): number {
  let n = 0;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const at = disrupted[pod.metadata?.name ?? ''];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > nowMs) continue;
    if (isPodReady(pod)) n++;
  }
  return n;
}

/** meta.SetStatusCondition: replaces the condition of the same type, moving lastTransitionTime only on a status change. */
export function setCondition(conds: readonly Condition[] | undefined, c: Omit<Condition, 'lastTransitionTime'>, nowIso: string): Condition[] {
  const out = [...(conds ?? [])];
  const i = out.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? out[i] : undefined;
  const next: Condition = { ...c, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : nowIso };
  if (i >= 0) out[i] = next;
  else out.push(next);
  return out;
}

/** UpdateDisruptionAllowedCondition: SufficientPods (True) when disruptions are allowed, else InsufficientPods (False). */
export function withDisruptionAllowedCondition(status: PodDisruptionBudgetStatus, nowIso: string): PodDisruptionBudgetStatus {
  const allowed = status.disruptionsAllowed > 0;
  const cond = { type: 'DisruptionAllowed', status: allowed ? 'True' : 'False', reason: allowed ? 'SufficientPods' : 'InsufficientPods', message: '', observedGeneration: status.observedGeneration ?? 0 };
  return { ...status, conditions: setCondition(status.conditions, cond, nowIso) };
}

/** The counts one sync computed. */
export interface PdbCounts {
  currentHealthy: number;
  desiredHealthy: number;
  expectedCount: number;
  disruptedPods: Record<string, string>;
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b).length && ak.every((k) => a?.[k] === b[k]);
}

/**
 * updatePdbStatus: disruptionsAllowed = currentHealthy − desiredHealthy (0 when negative or when no
 * pods are expected); undefined when nothing changed (counts, disruptedPods, observedGeneration).
 */
export function pdbStatus(pdb: PodDisruptionBudget, c: PdbCounts, nowIso: string): PodDisruptionBudgetStatus | undefined {
  let allowed = c.currentHealthy - c.desiredHealthy;
  if (c.expectedCount <= 0 || allowed <= 0) allowed = 0;
  const cur = pdb.status;
  const generation = pdb.metadata?.generation ?? 0;
  if (
    cur &&
    cur.currentHealthy === c.currentHealthy &&
    cur.desiredHealthy === c.desiredHealthy &&
    cur.expectedPods === c.expectedCount &&
    cur.disruptionsAllowed === allowed &&
    (cur.observedGeneration ?? 0) === generation &&
    sameMap(cur.disruptedPods, c.disruptedPods) &&
    (cur.conditions ?? []).some((x) => x.type === 'DisruptionAllowed')
  ) {
    return undefined;
  }
  const next: PodDisruptionBudgetStatus = {
    currentHealthy: c.currentHealthy,
    desiredHealthy: c.desiredHealthy,
    expectedPods: c.expectedCount,
    disruptionsAllowed: allowed,
    observedGeneration: generation,
    ...(Object.keys(c.disruptedPods).length ? { disruptedPods: c.disruptedPods } : {}),
    conditions: cur?.conditions ?? [],
  };
  return withDisruptionAllowedCondition(next, nowIso);
}

/** failSafe: when the counts cannot be computed, no disruption is allowed (condition SyncFailed with the error). */
export function failSafeStatus(pdb: PodDisruptionBudget, message: string, nowIso: string): PodDisruptionBudgetStatus {
  const cur = pdb.status ?? { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0 };
  const conditions = setCondition(cur.conditions, { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message, observedGeneration: pdb.metadata?.generation ?? 0 }, nowIso);
  return { ...cur, disruptionsAllowed: 0, observedGeneration: pdb.metadata?.generation ?? 0, conditions };
}
