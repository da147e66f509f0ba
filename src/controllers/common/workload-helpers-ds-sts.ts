/**
 * Pod and selector helpers shared by the DaemonSet and StatefulSet controllers (upstream
 * pkg/api/v1/pod IsPodReady/IsPodAvailable, metav1.LabelSelectorAsSelector,
 * metav1.NewControllerRef and the controller-ref manager's claim rules), kept pure so both
 * controllers' decisions can be tested with plain objects.
 */
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { controllerRefOf } from './owners.js';

export { controllerRefOf };

/** metav1.LabelSelector as the workload specs carry it. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A pod condition as pod status carries it. */
export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

/** The parts of pod status the workload controllers read. */
export interface PodStatusView {
  phase?: string;
  conditions?: PodCondition[];
}

/** LabelSelectorAsSelector(...).Matches: one implementation for the API and the controllers. */
export { matchLabelSelector as selectorMatches } from '../../api/validation/selector.js';

/** True for a selector with neither labels nor expressions (upstream refuses to act on it: SelectingAll). */
export function selectorIsEmpty(sel: LabelSelector | undefined): boolean {
  return !!sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

function statusOf(pod: KubeObject): PodStatusView {
  return (pod.status ?? {});
}

/** The pod's phase ('' when the API server has not set one). */
export function podPhase(pod: KubeObject): string {
  return statusOf(pod).phase ?? '';
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return (statusOf(pod).conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * podutil.IsPodAvailable: ready, and ready for at least minReadySeconds (measured from the Ready
 * condition's lastTransitionTime) when minReadySeconds is set.
 */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const c = (statusOf(pod).conditions ?? []).find((x) => x.type === 'Ready');
  const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  if (Number.isNaN(t)) return false;
  return t + minReadySeconds * 1000 <= now.getTime();
}

/** The pod is being deleted (deletionTimestamp set). */
export function isTerminating(o: KubeObject): boolean {
  return !!o.metadata.deletionTimestamp;
}


/** metav1.NewControllerRef: controller and blockOwnerDeletion set, as every workload controller writes. */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/**
 * The controller-ref manager's split of candidate objects (ClaimObject): owned ones stay while
 * they match, orphans that match are adopted, owned ones that stopped matching are released;
 * objects controlled by someone else are never touched.
 */
export function claimObjects(owner: KubeObject, candidates: KubeObject[], matches: (o: KubeObject) => boolean): { owned: KubeObject[]; adopt: KubeObject[]; release: KubeObject[] } {
  const owned: KubeObject[] = [];
  const adopt: KubeObject[] = [];
  const release: KubeObject[] = [];
  const uid = owner.metadata.uid;
  for (const o of candidates) {
    const ref = controllerRefOf(o);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches(o)) owned.push(o);
      else release.push(o);
    } else if (matches(o) && !owner.metadata.deletionTimestamp && !o.metadata.deletionTimestamp) {
      adopt.push(o);
    }
  }
  return { owned, adopt, release };
}

/** A creation timestamp in ms (0 when absent), for the oldest-first orderings upstream uses. */
export function createdMs(o: KubeObject): number {
  const t = o.metadata.creationTimestamp ? Date.parse(String(o.metadata.creationTimestamp)) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** intstr.GetScaledValueFromIntOrPercent: an int, or a percentage of `total` rounded up or down. */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.endsWith('%')) {
    const p = Number(v.slice(0, -1));
    if (Number.isNaN(p)) return 0;
    const x = (p * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return 0;
}

/** An RFC 3339 time without fractional seconds, as metav1.Time serialises. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The namespace index name both controllers register on the pod informer (a name no one else uses). */
export const NAMESPACE_INDEX = 'ds-sts/namespace';
/** Indexes by metadata.namespace. */
export const namespaceIndex = (o: KubeObject): string[] => (o.metadata.namespace ? [o.metadata.namespace] : []);
