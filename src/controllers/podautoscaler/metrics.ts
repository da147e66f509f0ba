/**
 * Reading resource metrics the way the HPA's metrics client does (metrics/client.go
 * resourceMetricsClient): list PodMetrics of the selector from metrics.k8s.io/v1beta1 and sum each
 * pod's containers in milli-units; a pod with no containers, or one lacking the resource, is missing.
 */
import type { RestClient } from '../../client/rest.js';
import { parseQuantity } from '../../api/validation/quantity.js';
import type { PodMetricsInfo } from './replica-calculator.js';
import { CalculationError } from './replica-calculator.js';

const POD_METRICS = { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods' };

interface PodMetricsItem {
  metadata: { name?: string };
  timestamp?: string;
  window?: string;
  containers?: { name: string; usage?: Record<string, string> }[];
}

/** Go duration ("15s", "1m0s", "500ms") to milliseconds. */
export function parseGoDuration(s: string | undefined): number {
  if (!s) return 0;
  let total = 0;
  const re = /([0-9.]+)(h|ms|m|s|us|µs|ns)/g;
  for (const m of s.matchAll(re)) {
    const v = Number(m[1]);
    const unit = m[2];
    total += unit === 'h' ? v * 3_600_000 : unit === 'm' ? v * 60_000 : unit === 's' ? v * 1000 : unit === 'ms' ? v : unit === 'ns' ? v / 1e6 : v / 1000;
  }
  return total;
}

/** getPodMetrics: pod name → summed usage of `resource` (milli-units). */
export function podMetricsInfo(items: PodMetricsItem[], resource: string, container = ''): PodMetricsInfo {
  const out: PodMetricsInfo = new Map();
  for (const m of items) {
    const cs = (m.containers ?? []).filter((c) => !container || c.name === container);
    let missing = cs.length === 0;
    let sum = 0;
    for (const c of cs) {
      const q = c.usage?.[resource];
      if (q === undefined) {
        missing = true;
        break;
      }
      sum += Math.round((parseQuantity(q) ?? 0) * 1000);
    }
    if (!missing) out.set(m.metadata.name ?? '', { value: sum, timestamp: m.timestamp ? Date.parse(m.timestamp) : 0, window: parseGoDuration(m.window) });
  }
  return out;
}

/** GetResourceMetric over the API. */
export async function fetchResourceMetric(client: RestClient, namespace: string, selector: string, resource: string): Promise<PodMetricsInfo> {
  let items: PodMetricsItem[];
  try {
    const l = await client.list({ ...POD_METRICS, namespace }, { labelSelector: selector });
    items = l.items;
  } catch (e) {
    throw new CalculationError(`unable to get metrics for resource ${resource}: unable to fetch metrics from resource metrics API: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (items.length === 0) throw new CalculationError(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
  return podMetricsInfo(items, resource);
}
