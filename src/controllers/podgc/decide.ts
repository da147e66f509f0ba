/**
 * The pure decisions of the pod garbage collector (pkg/controller/podgc/gc_controller.go): which
 * terminated pods exceed --terminated-pod-gc-threshold (evicted first, then oldest), which pods
 * are bound to nodes that do not exist, which terminating pods were never scheduled, and which
 * terminating pods sit on NotReady nodes tainted node.kubernetes.io/out-of-service.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';

/** --terminated-pod-gc-threshold default. */
export const DEFAULT_TERMINATED_POD_GC_THRESHOLD = 12500;
/** gcCheckPeriod: how often the collector runs. */
export const GC_CHECK_PERIOD_MS = 20_000;
/** quarantineTime: how long a node must stay missing before its pods are collected. */
export const QUARANTINE_MS = 40_000;
/** v1.TaintNodeOutOfService */
export const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service';

/** The DisruptionTarget condition written on pods of vanished nodes before deletion. */
export const ORPHAN_CONDITION = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' } as const;

/** Succeeded or Failed (the phases after which nothing of the pod runs again). */
export function isPodTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** eviction.PodIsEvicted: Failed with reason Evicted. */
export function isPodEvicted(pod: Pod): boolean {
  return pod.status?.phase === 'Failed' && pod.status.reason === 'Evicted';
}

function created(p: Pod): number {
  const t = p.metadata?.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** byEvictionAndCreationTimestamp: evicted pods first, then oldest, names breaking ties. */
function byEvictionAndCreation(a: Pod, b: Pod): number {
  const ea = isPodEvicted(a);
  const eb = isPodEvicted(b);
  if (ea !== eb) return ea ? -1 : 1;
  const d = created(a) - created(b);
  if (d !== 0) return d;
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** gcTerminated: the terminated pods beyond `threshold` (none when the threshold is 0 or less). */
export function terminatedPodsToDelete(pods: Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const terminated = pods.filter(isPodTerminated);
  const excess = terminated.length - threshold;
  if (excess <= 0) return [];
  return terminated.sort(byEvictionAndCreation).slice(0, excess);
}

/** The node names pods are bound to that the node cache does not hold (candidates for quarantine). */
export function missingNodes(pods: Pod[], nodeExists: (name: string) => boolean): Set<string> {
  const out = new Set<string>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (n && !nodeExists(n)) out.add(n);
  }
  return out;
}

/** gcOrphaned: pods bound to nodes confirmed deleted, oldest first. */
export function orphanedPods(pods: Pod[], deletedNodes: Set<string>): Pod[] {
  return pods.filter((p) => !!p.spec?.nodeName && deletedNodes.has(p.spec.nodeName)).sort(byEvictionAndCreation);
}

/** gcUnscheduledTerminating: pods being deleted that no node will ever confirm. */
export function unscheduledTerminatingPods(pods: Pod[]): Pod[] {
  return pods.filter((p) => !!p.metadata?.deletionTimestamp && !p.spec?.nodeName).sort(byEvictionAndCreation);
}

function nodeReady(n: Node): boolean {
  return (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** gcTerminating: terminating pods on NotReady nodes an operator marked out of service. */
export function terminatingOnOutOfServiceNodes(pods: Pod[], nodes: Node[]): Pod[] {
  const out = new Set(nodes.filter((n) => !nodeReady(n) && (n.spec?.taints ?? []).some((t) => t.key === OUT_OF_SERVICE_TAINT)).map((n) => n.metadata?.name ?? ''));
  return pods.filter((p) => !!p.metadata?.deletionTimestamp && !!p.spec?.nodeName && out.has(p.spec.nodeName)).sort(byEvictionAndCreation);
}

/**
 * The node quarantine: a node first seen missing at time t is checked against the API only from
 * t + QUARANTINE_MS, so a pod bound just before its Node object shows up in the cache is spared.
 */
export class NodeQuarantine {
  private readonly since = new Map<string, number>();

  constructor(private readonly quarantineMs = QUARANTINE_MS) {}

  /** Records the nodes missing now; forgets those that reappeared. Returns the names due for a check. */
  observe(missing: Set<string>, now: number): string[] {
    for (const n of [...this.since.keys()]) if (!missing.has(n)) this.since.delete(n);
    const due: string[] = [];
    for (const n of missing) {
      const t = this.since.get(n);
      if (t === undefined) this.since.set(n, now);
      else if (now - t >= this.quarantineMs) due.push(n);
    }
    return due;
  }

  /** A checked node starts a fresh quarantine if it is still missing later (nodeQueue.Done). */
  checked(name: string): void {
    this.since.delete(name);
  }

  /** Milliseconds until the next node falls due, if any is quarantined. */
  nextDueIn(now: number): number | undefined {
    let min: number | undefined;
    for (const t of this.since.values()) {
      const d = Math.max(0, t + this.quarantineMs - now);
      if (min === undefined || d < min) min = d;
    }
    return min;
  }
}
