/**
 * NodeResourcesFit: the pod's requests (init-container rule, sidecars and overhead included) must
 * fit the node's allocatable minus what its pods request; scoring strategies LeastAllocated
 * (default), MostAllocated and RequestedToCapacityRatio over weighted resources.
 */
import type { NodeInfo } from '../../nodeinfo.js';
import type { PodInfo } from '../../podinfo.js';
import type { Resource } from '../../resources.js';
import { MAX_NODE_SCORE, unresolvable, unschedulable, type FilterPlugin, type ScorePlugin, type Status } from '../../types.js';

/** A resource and its weight in the score (ResourceSpec). */
export interface ResourceSpec {
  name: string;
  weight: number;
}

/** A point of RequestedToCapacityRatio's shape: utilisation 0..100 → score 0..10. */
export interface UtilizationShapePoint {
  utilization: number;
  score: number;
}

/** NodeResourcesFitArgs (the subset the scheduler honours). */
export interface FitArgs {
  ignoredResources?: string[];
  ignoredResourceGroups?: string[];
  scoringStrategy?: {
    type?: 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';
    resources?: ResourceSpec[];
    requestedToCapacityRatio?: { shape: UtilizationShapePoint[] };
  };
}

const DEFAULT_RESOURCES: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/** Reads one resource amount out of a Resource. */
export function resourceAmount(r: Resource, name: string): number {
  switch (name) {
    case 'cpu':
      return r.milliCPU;
    case 'memory':
      return r.memory;
    case 'ephemeral-storage':
      return r.ephemeralStorage;
    case 'pods':
      return r.allowedPodNumber;
    default:
      return r.scalar[name] ?? 0;
  }
}

/** What the node would request with the pod on it, for scoring: non-zero cpu/memory defaults, exact otherwise. */
export function requestedWithPod(pod: PodInfo, node: NodeInfo, name: string, nonZero: boolean): number {
  if (nonZero && name === 'cpu') return node.nonZeroRequested.milliCPU + pod.nonZero.milliCPU;
  if (nonZero && name === 'memory') return node.nonZeroRequested.memory + pod.nonZero.memory;
  return resourceAmount(node.requested, name) + resourceAmount(pod.requests, name);
}

/** One insufficient resource, as Fits() reports it. */
export interface InsufficientResource {
  resource: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
  /** The pod asks more than the node's whole allocatable: no eviction can help. */
  unresolvable: boolean;
}

/** fitsRequest: every resource the node is short of, with upstream's reasons ("Insufficient cpu", "Too many pods"). */
export function insufficientResources(pod: PodInfo, node: NodeInfo, ignored: ReadonlySet<string> = new Set(), ignoredGroups: readonly string[] = []): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const a = node.allocatable;
  const used = node.requested;
  const req = pod.requests;
  if (node.pods.length + 1 > a.allowedPodNumber) {
    out.push({ resource: 'pods', reason: 'Too many pods', requested: 1, used: node.pods.length, capacity: a.allowedPodNumber, unresolvable: a.allowedPodNumber < 1 });
  }
  const check = (name: string, want: number, have: number, capacity: number) => {
    if (want > 0 && capacity < want + have) out.push({ resource: name, reason: `Insufficient ${name}`, requested: want, used: have, capacity, unresolvable: want > capacity });
  };
  check('cpu', req.milliCPU, used.milliCPU, a.milliCPU);
  check('memory', req.memory, used.memory, a.memory);
  check('ephemeral-storage', req.ephemeralStorage, used.ephemeralStorage, a.ephemeralStorage);
  for (const name in req.scalar) {
    if (ignored.has(name)) continue;
    const slash = name.indexOf('/');
    if (slash > 0 && ignoredGroups.includes(name.slice(0, slash))) continue;
    check(name, req.scalar[name] ?? 0, used.scalar[name] ?? 0, a.scalar[name] ?? 0);
  }
  return out;
}

/** Piecewise-linear score of RequestedToCapacityRatio (shape scores 0..10 scaled to 0..100). */
function brokenLinear(shape: UtilizationShapePoint[], u: number): number {
  if (shape.length === 0) return 0;
  const first = shape[0]!;
  if (u <= first.utilization) return first.score * 10;
  for (let i = 1; i < shape.length; i++) {
    const p = shape[i]!;
    const q = shape[i - 1]!;
    if (u <= p.utilization) return (q.score + ((p.score - q.score) * (u - q.utilization)) / (p.utilization - q.utilization)) * 10;
  }
  return shape[shape.length - 1]!.score * 10;
}

/** The NodeResourcesFit filter and score plugin. */
export class NodeResourcesFit implements FilterPlugin, ScorePlugin {
  readonly name = 'NodeResourcesFit';
  private readonly ignored: Set<string>;
  private readonly ignoredGroups: string[];
  private readonly strategy: 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';
  private readonly resources: ResourceSpec[];
  private readonly shape: UtilizationShapePoint[];

  constructor(args: FitArgs = {}) {
    this.ignored = new Set(args.ignoredResources ?? []);
    this.ignoredGroups = args.ignoredResourceGroups ?? [];
    this.strategy = args.scoringStrategy?.type ?? 'LeastAllocated';
    this.resources = args.scoringStrategy?.resources?.length ? args.scoringStrategy.resources : DEFAULT_RESOURCES;
    this.shape = [...(args.scoringStrategy?.requestedToCapacityRatio?.shape ?? [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }])].sort((x, y) => x.utilization - y.utilization);
  }

  /** Rejects with one reason per insufficient resource (all of them, as upstream). */
  filter(pod: PodInfo, node: NodeInfo): Status | null {
    const a = node.allocatable;
    const r = pod.requests;
    // Fast path: enough of everything the pod asks for.
    if (
      node.pods.length + 1 <= a.allowedPodNumber &&
      r.milliCPU + node.requested.milliCPU <= a.milliCPU &&
      r.memory + node.requested.memory <= a.memory &&
      r.ephemeralStorage + node.requested.ephemeralStorage <= a.ephemeralStorage &&
      Object.keys(r.scalar).length === 0
    )
      return null;
    const miss = insufficientResources(pod, node, this.ignored, this.ignoredGroups);
    if (miss.length === 0) return null;
    // Upstream marks the verdict unresolvable when some request exceeds the node's allocatable
    // outright, so preemption reports "Preemption is not helpful for scheduling" there.
    const reasons = miss.map((m) => m.reason);
    return miss.some((m) => m.unresolvable) ? unresolvable(...reasons) : unschedulable(...reasons);
  }

  /** The configured strategy's weighted average over the scored resources. */
  score(pod: PodInfo, node: NodeInfo): number {
    let total = 0;
    let weights = 0;
    for (const { name, weight } of this.resources) {
      const alloc = resourceAmount(node.allocatable, name);
      if (alloc === 0) continue;
      const req = requestedWithPod(pod, node, name, true);
      let s: number;
      switch (this.strategy) {
        case 'MostAllocated':
          s = Math.trunc((Math.min(req, alloc) * MAX_NODE_SCORE) / alloc);
          break;
        case 'RequestedToCapacityRatio':
          s = Math.round(brokenLinear(this.shape, Math.min(100, (req * 100) / alloc)));
          break;
        default:
          s = req > alloc ? 0 : Math.trunc(((alloc - req) * MAX_NODE_SCORE) / alloc);
      }
      total += s * weight;
      weights += weight;
    }
    if (weights === 0) return 0;
    return this.strategy === 'RequestedToCapacityRatio' ? Math.round(total / weights) : Math.trunc(total / weights);
  }
}
