/**
 * The HPA's replica calculation for resource metrics (pkg/controller/podautoscaler/
 * replica_calculator.go), pure: pods are grouped into ready / unready / missing-metric / ignored;
 * the usage ratio is taken over the ready pods with metrics; within the 0.1 tolerance nothing
 * changes; otherwise, when pods are unready or missing, the ratio is recomputed with unready pods
 * at 0 (scale-up only) and missing pods at 0 (scale-up) or at 100% of request / the target
 * (scale-down), and a change of direction is refused. Values are in milli-units (MilliValue).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../api/validation/quantity.js';

/** One pod's metric: milli-units, sampled at `timestamp` over `window` (ms). */
export interface PodMetric {
  value: number;
  timestamp: number;
  window: number;
}

/** Pod name → metric (PodMetricsInfo). */
export type PodMetricsInfo = Map<string, PodMetric>;

/** Tunables with upstream defaults (kube-controller-manager flags). */
export interface CalculatorOptions {
  /** --horizontal-pod-autoscaler-tolerance (0.1) */
  tolerance: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period (5 min) */
  cpuInitializationPeriodMs: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay (30 s) */
  delayOfInitialReadinessStatusMs: number;
}

export const defaultCalculatorOptions: CalculatorOptions = { tolerance: 0.1, cpuInitializationPeriodMs: 300_000, delayOfInitialReadinessStatusMs: 30_000 };

/** The outcome of a calculation. */
export interface ReplicaProposal {
  replicas: number;
  /** Utilization targets: the current utilization percentage (of requests) */
  utilization?: number;
  /** the current average value (milli-units) */
  rawAverage: number;
  timestamp: number;
}

/** An error message as upstream words it; the caller wraps it ("failed to get cpu utilization: ..."). */
export class CalculationError extends Error {}

const ms = (t: string | undefined): number | undefined => (t ? Date.parse(t) : undefined);

/** groupPods: which pods count, which are unready (cpu), which lack metrics, which are ignored. */
export function groupPods(pods: Pod[], metrics: PodMetricsInfo, resource: string, now: number, o: CalculatorOptions): { readyPodCount: number; unready: Set<string>; missing: Set<string>; ignored: Set<string> } {
  const unready = new Set<string>();
  const missing = new Set<string>();
  const ignored = new Set<string>();
  let readyPodCount = 0;
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Failed') {
      ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const cond = pod.status?.conditions?.find((c) => c.type === 'Ready');
      const start = ms(pod.status?.startTime);
      let isUnready: boolean;
      if (!cond || start === undefined) isUnready = true;
      else {
        const transition = ms(cond.lastTransitionTime) ?? 0;
        if (start + o.cpuInitializationPeriodMs > now) {
          // Within the initialization period: unready, or no full metric window since it became ready.
          isUnready = cond.status === 'False' || metric.timestamp < transition + metric.window;
        } else {
          // Afterwards only a pod that never became ready (within the initial readiness delay) is skipped.
          isUnready = cond.status === 'False' && start + o.delayOfInitialReadinessStatusMs > transition;
        }
      }
      if (isUnready) {
        unready.add(name);
        continue;
      }
    }
    readyPodCount++;
  }
  return { readyPodCount, unready, missing, ignored };
}

/** calculateRequests: per pod, the sum of its containers' requests (milli-units); a container without one is an error. */
export function calculateRequests(pods: Pod[], resource: string, container = ''): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    for (const c of containers) {
      if (container && c.name !== container) continue;
      const q = c.resources?.requests?.[resource];
      if (q === undefined) throw new CalculationError(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name ?? ''}`);
      sum += Math.round((parseQuantity(q) ?? 0) * 1000);
    }
    out.set(pod.metadata?.name ?? '', sum);
  }
  return out;
}

/** GetResourceUtilizationRatio: metrics over requests of the pods having both. */
export function resourceUtilizationRatio(metrics: PodMetricsInfo, requests: Map<string, number>, targetUtilization: number): { ratio: number; utilization: number; rawAverage: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let n = 0;
  for (const [name, m] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += r;
    n++;
  }
  if (requestsTotal === 0) throw new CalculationError('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(metricsTotal / n) };
}

/** GetMetricUsageRatio: the average value over the target. */
export function metricUsageRatio(metrics: PodMetricsInfo, targetUsage: number): { ratio: number; usage: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / targetUsage, usage };
}

function latest(metrics: PodMetricsInfo): number {
  let t = 0;
  for (const m of metrics.values()) t = Math.max(t, m.timestamp);
  return t;
}

/** The target of a resource metric: a Utilization percentage or an AverageValue in milli-units. */
export type ResourceTarget = { utilization: number } | { averageValue: number };

/** Input of a resource replica calculation. */
export interface ResourceCalcInput {
  currentReplicas: number;
  target: ResourceTarget;
  resource: string;
  /** the pods matching the target's selector */
  pods: Pod[];
  /** their metrics (ownership: this function modifies a copy) */
  metrics: PodMetricsInfo;
  now: number;
  options?: CalculatorOptions;
}

/** GetResourceReplicas (Utilization) and GetRawResourceReplicas (AverageValue). */
export function resourceReplicas(input: ResourceCalcInput): ReplicaProposal {
  const o = input.options ?? defaultCalculatorOptions;
  const { currentReplicas, pods, resource } = input;
  const metrics: PodMetricsInfo = new Map(input.metrics);
  const timestamp = latest(metrics);
  if (pods.length === 0) throw new CalculationError('no pods returned by selector while calculating replica count');
  const { readyPodCount, unready, missing, ignored } = groupPods(pods, metrics, resource, input.now, o);
  for (const n of ignored) metrics.delete(n);
  for (const n of unready) metrics.delete(n);
  if (metrics.size === 0) throw new CalculationError('did not receive metrics for targeted pods (pods might be unready)');

  const util = 'utilization' in input.target ? input.target.utilization : undefined;
  const requests = util !== undefined ? calculateRequests(pods, resource) : undefined;
  const ratioOf = (m: PodMetricsInfo): { ratio: number; utilization?: number; raw: number } => {
    if (util !== undefined && requests) {
      const r = resourceUtilizationRatio(m, requests, util);
      return { ratio: r.ratio, utilization: r.utilization, raw: r.rawAverage };
    }
    const r = metricUsageRatio(m, (input.target as { averageValue: number }).averageValue);
    return { ratio: r.ratio, raw: r.usage };
  };
  const first = ratioOf(metrics);
  const result = (replicas: number): ReplicaProposal => ({ replicas, utilization: first.utilization, rawAverage: first.raw, timestamp });
  const usageRatio = first.ratio;
  const scaleUpWithUnready = unready.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && missing.size === 0) {
    if (Math.abs(1.0 - usageRatio) <= o.tolerance) return result(currentReplicas);
    return result(Math.ceil(usageRatio * readyPodCount));
  }
  if (missing.size > 0) {
    if (usageRatio < 1.0) {
      // Scale-down: a pod without metrics counts as using 100% of its request (or the target, if higher).
      for (const n of missing) {
        const value = util !== undefined && requests ? Math.trunc(((requests.get(n) ?? 0) * Math.max(100, util)) / 100) : (input.target as { averageValue: number }).averageValue;
        metrics.set(n, { value, timestamp: 0, window: 0 });
      }
    } else if (usageRatio > 1.0) {
      // Scale-up: a pod without metrics counts as using nothing.
      for (const n of missing) metrics.set(n, { value: 0, timestamp: 0, window: 0 });
    }
  }
  if (scaleUpWithUnready) for (const n of unready) metrics.set(n, { value: 0, timestamp: 0, window: 0 });
  const newRatio = ratioOf(metrics).ratio;
  if (Math.abs(1.0 - newRatio) <= o.tolerance || (usageRatio < 1.0 && newRatio > 1.0) || (usageRatio > 1.0 && newRatio < 1.0)) return result(currentReplicas);
  const newReplicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1.0 && newReplicas > currentReplicas) || (newRatio > 1.0 && newReplicas < currentReplicas)) return result(currentReplicas);
  return result(newReplicas);
}
