/**
 * The metrics.k8s.io/v1beta1 resources metrics-server serves: PodMetrics (namespaced) and
 * NodeMetrics (cluster-scoped), read-only (get, list; upstream serves no watch). They have no
 * storage of their own: like the scheduler's explanation API they are served from the pods' and
 * nodes' storage through the ResourceDef conversion hook, so label and field selectors, namespaces,
 * RBAC and discovery behave as for pods and nodes, and each object's usage comes from a
 * MetricsSource. A pod or node without a sample is served with no containers / zero usage, since the
 * hook cannot drop list items (upstream omits them; the HPA treats "no containers" as missing).
 */
import type { KubeObject } from '../api/object.js';
import type { ResourceDef, TableColumn } from '../api/resource.js';
import { errors } from '../api/errors.js';
import { nameColumn } from '../api/registry/printers.js';
import { DEFAULT_WINDOW_MS, type MetricsSource, type Usage } from './source.js';
import { formatCpuNanoCores, formatGoDuration, formatMemoryBytes, rfc3339Seconds } from './quantity.js';

/** The API group and version. */
export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';

function usageObject(u: Usage): Record<string, string> {
  return { cpu: formatCpuNanoCores(u.cpu), memory: formatMemoryBytes(u.memory) };
}

function meta(obj: KubeObject, now: number): KubeObject['metadata'] {
  const m = obj.metadata;
  // metrics-server builds fresh objects: name, namespace, labels and a creationTimestamp of "now".
  const out: KubeObject['metadata'] = { name: m.name, creationTimestamp: rfc3339Seconds(now) };
  if (m.namespace) out.namespace = m.namespace;
  if (m.labels) out.labels = { ...m.labels };
  return out;
}

/** A PodMetrics object for a stored pod. */
export function podMetricsFor(pod: KubeObject, source: MetricsSource, now: number): KubeObject {
  const sample = source.podUsage(pod.metadata.namespace ?? 'default', pod.metadata.name ?? '');
  return {
    apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
    kind: 'PodMetrics',
    metadata: meta(pod, now),
    timestamp: rfc3339Seconds(sample?.timestamp ?? now),
    window: formatGoDuration(sample?.window ?? DEFAULT_WINDOW_MS),
    containers: (sample?.containers ?? []).map((c) => ({ name: c.name, usage: usageObject(c.usage) })),
  };
}

/** A NodeMetrics object for a stored node. */
export function nodeMetricsFor(node: KubeObject, source: MetricsSource, now: number): KubeObject {
  const sample = source.nodeUsage(node.metadata.name ?? '');
  return {
    apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
    kind: 'NodeMetrics',
    metadata: meta(node, now),
    timestamp: rfc3339Seconds(sample?.timestamp ?? now),
    window: formatGoDuration(sample?.window ?? DEFAULT_WINDOW_MS),
    usage: usageObject(sample?.usage ?? { cpu: 0, memory: 0 }),
  };
}

const columns: TableColumn[] = [
  nameColumn,
  { name: 'CPU', type: 'string', description: 'CPU usage (cores).', priority: 0 },
  { name: 'Memory', type: 'string', description: 'Memory usage (working set).', priority: 0 },
  { name: 'Window', type: 'string', description: 'The window the usage was measured over.', priority: 0 },
];

function sumContainers(o: KubeObject, key: 'cpu' | 'memory'): string {
  const cs = (o as { containers?: { usage?: Record<string, string> }[] }).containers ?? [];
  return cs.map((c) => c.usage?.[key] ?? '0').join(', ') || '<none>';
}

const readOnly = (): never => {
  throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
};

/** Options: the clock the timestamps of objects without a sample come from. */
export interface MetricsResourceOptions {
  now?: () => number;
}

/** The PodMetrics and NodeMetrics ResourceDefs to add to the API server's ResourceTable (source "metrics"). */
export function metricsResources(source: MetricsSource, opts: MetricsResourceOptions = {}): ResourceDef[] {
  const now = opts.now ?? (() => Date.now());
  const pods: ResourceDef = {
    group: METRICS_GROUP,
    version: METRICS_VERSION,
    kind: 'PodMetrics',
    resource: 'pods',
    singular: '',
    namespaced: true,
    verbs: ['get', 'list'],
    strategy: {
      columns,
      row: (o) => [o.metadata.name ?? '', sumContainers(o, 'cpu'), sumContainers(o, 'memory'), String((o as { window?: string }).window ?? '')],
    },
    conversion: { storageGroup: '', storageVersion: 'v1', storageResource: 'pods', toStorage: readOnly, fromStorage: (p) => podMetricsFor(p, source, now()) },
  };
  const nodes: ResourceDef = {
    group: METRICS_GROUP,
    version: METRICS_VERSION,
    kind: 'NodeMetrics',
    resource: 'nodes',
    singular: '',
    namespaced: false,
    verbs: ['get', 'list'],
    strategy: {
      columns,
      row: (o) => {
        const u = (o as { usage?: Record<string, string> }).usage ?? {};
        return [o.metadata.name ?? '', u.cpu ?? '0', u.memory ?? '0', String((o as { window?: string }).window ?? '')];
      },
    },
    conversion: { storageGroup: '', storageVersion: 'v1', storageResource: 'nodes', toStorage: readOnly, fromStorage: (n) => nodeMetricsFor(n, source, now()) },
  };
  return [pods, nodes];
}
