/**
 * Taints and tolerations as the node lifecycle controller and its NoExecute taint manager read
 * them (k8s.io/api/core/v1 toleration.go and pkg/controller/tainteviction): which tolerations
 * match a taint, how long a pod may stay on a node with NoExecute taints, and the taints the
 * controller owns (TaintNodesByCondition and the not-ready/unreachable NoExecute pair).
 */
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

/** Toleration.ToleratesTaint: key (empty = any), operator Exists/Equal (default Equal), effect (empty = any). */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator || 'Equal';
  if (op === 'Exists') return true;
  if (op === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

/** A node's NoExecute taints. */
export function noExecuteTaints(taints: readonly Taint[] | undefined): Taint[] {
  return (taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/**
 * How long a pod may stay (tainteviction's getMinTolerationTime over the tolerations used):
 * `'now'` when some NoExecute taint is not tolerated, `'forever'` when every matching toleration
 * has no tolerationSeconds, else the smallest tolerationSeconds (negative counts as 0) in ms.
 */
export function minTolerationTime(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): 'now' | 'forever' | number {
  const tols = tolerations ?? [];
  const used: Toleration[] = [];
  for (const taint of taints) {
    const matching = tols.filter((t) => toleratesTaint(t, taint));
    if (matching.length === 0) return 'now';
    used.push(...matching);
  }
  let min: number | undefined;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    const ms = Math.max(0, t.tolerationSeconds) * 1000;
    if (min === undefined || ms < min) min = ms;
  }
  return min === undefined ? 'forever' : min;
}

/** What the taint manager does with one pod on a NoExecute-tainted node at `nowMs`. */
export type TaintEvictionDecision = { action: 'none' } | { action: 'evict' } | { action: 'wait'; afterMs: number };

/**
 * The taint manager's decision for a pod (processPodOnNode): no NoExecute taints or tolerated
 * forever → nothing; an untolerated taint → delete at once; otherwise delete once the smallest
 * tolerationSeconds has passed since the pod was first seen under the taints (`sinceMs`).
 */
export function decideTaintEviction(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, sinceMs: number, nowMs: number): TaintEvictionDecision {
  const ne = noExecuteTaints(taints);
  if (ne.length === 0) return { action: 'none' };
  const min = minTolerationTime(ne, tolerations);
  if (min === 'forever') return { action: 'none' };
  if (min === 'now') return { action: 'evict' };
  const due = sinceMs + min;
  return due <= nowMs ? { action: 'evict' } : { action: 'wait', afterMs: due - nowMs };
}

/** Same key and effect (taint identity, as Taint.MatchTaint). */
export function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

/** Keys of the NoSchedule taints TaintNodesByCondition owns. */
const NO_SCHEDULE_OWNED = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, TAINT_MEMORY_PRESSURE, TAINT_DISK_PRESSURE, TAINT_PID_PRESSURE, TAINT_NETWORK_UNAVAILABLE]);
/** Keys of the NoExecute taints the controller owns. */
const NO_EXECUTE_OWNED = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE]);

/** True when the controller manages this taint (others — user taints — are never touched). */
export function controllerOwned(t: Taint): boolean {
  if (t.effect === 'NoSchedule') return NO_SCHEDULE_OWNED.has(t.key);
  if (t.effect === 'NoExecute') return NO_EXECUTE_OWNED.has(t.key);
  return false;
}

/**
 * Replaces the controller-owned taints of `current` by `desired`, keeping user taints and the
 * timeAdded of taints already present; new NoExecute taints get timeAdded = now (as upstream's
 * SwapNodeControllerTaint). Returns undefined when nothing changes.
 */
export function reconcileTaints(current: readonly Taint[] | undefined, desired: readonly Taint[], nowIso: string): Taint[] | undefined {
  const cur = current ?? [];
  const kept = cur.filter((t) => !controllerOwned(t));
  const out: Taint[] = [...kept];
  for (const d of desired) {
    const existing = cur.find((t) => sameTaint(t, d));
    if (existing) out.push(existing);
    else out.push(d.effect === 'NoExecute' ? { ...d, timeAdded: nowIso } : { ...d });
  }
  const owned = cur.filter(controllerOwned);
  const same = owned.length === desired.length && desired.every((d) => owned.some((t) => sameTaint(t, d)));
  return same ? undefined : out;
}
