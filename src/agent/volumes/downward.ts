/**
 * The downward API values shared by env `valueFrom` and downwardAPI volume items, as kubelet
 * computes them (pkg/kubelet podFieldSelectorRuntimeValue, pkg/fieldpath ExtractFieldPathAsString,
 * pkg/api/v1/resource ExtractContainerResourceValue and defaultPodLimitsForDownwardAPI).
 */
import type { Container, ObjectFieldSelector, Pod, ResourceFieldSelector } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../api/validation/quantity.js';

/** What the agent knows of a pod beyond its object when it creates a container. */
export interface PodRuntimeInfo {
  podIP?: string;
  hostIP: string;
  /** the node's allocatable resources: the limits a container without one is reported to have */
  nodeAllocatable: Record<string, string>;
}

/** A downward API reference kubelet cannot resolve; the message is kubelet's. */
export class DownwardApiError extends Error {}

/** Labels/annotations as one `key="value"` line per key, sorted (fieldpath.FormatMap). */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m?.[k] ?? '')}`)
    .join('\n');
}

/** `metadata.labels['x']` → ['labels', 'x'] (the subscript syntax the API validates). */
function subscript(path: string): [string, string] | undefined {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  return m ? [m[1] ?? '', m[2] ?? ''] : undefined;
}

/** The value of a pod fieldRef (env or downwardAPI volume item). */
export function podFieldValue(pod: Pod, ref: ObjectFieldSelector, info: PodRuntimeInfo): string {
  const md = pod.metadata ?? {};
  const path = ref.fieldPath;
  const sub = subscript(path);
  if (sub) return (sub[0] === 'labels' ? md.labels : md.annotations)?.[sub[1]] ?? '';
  switch (path) {
    case 'metadata.name':
      return md.name ?? '';
    case 'metadata.namespace':
      return md.namespace ?? '';
    case 'metadata.uid':
      return md.uid ?? '';
    case 'metadata.labels':
      return formatMap(md.labels);
    case 'metadata.annotations':
      return formatMap(md.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? pod.spec?.serviceAccount ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return info.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return info.podIP ?? pod.status?.podIP ?? '';
    default:
      throw new DownwardApiError(`unsupported fieldPath: ${path}`);
  }
}

/**
 * A container's resource with kubelet's downward API defaulting: a missing limit is the node's
 * allocatable, a missing request is the limit the API defaulted it to, else 0.
 */
function resourceAmount(c: Container, kind: 'limits' | 'requests', name: string, allocatable: Record<string, string>): number {
  const limit = c.resources?.limits?.[name];
  if (kind === 'limits') return parseQuantity(limit ?? allocatable[name] ?? '0') ?? 0;
  const req = c.resources?.requests?.[name] ?? limit;
  return parseQuantity(req ?? '0') ?? 0;
}

/** The value of a resourceFieldRef for `container`: ceil(amount / divisor), cpu counted in millicores as kubelet does. */
export function containerResourceValue(ref: ResourceFieldSelector, container: Container, allocatable: Record<string, string>): string {
  const m = /^(limits|requests)\.(.+)$/.exec(ref.resource);
  if (!m) throw new DownwardApiError(`unsupported container resource : ${ref.resource}`);
  const kind = m[1] as 'limits' | 'requests';
  const name = m[2] ?? '';
  const known = ['cpu', 'memory', 'ephemeral-storage'].includes(name) || name.startsWith('hugepages-');
  if (!known) throw new DownwardApiError(`unsupported container resource : ${ref.resource}`);
  const amount = resourceAmount(container, kind, name, allocatable);
  const divisor = parseQuantity(String(ref.divisor ?? '1')) || 1;
  if (name === 'cpu') {
    // convertResourceCPUToString: ceil(milliValue / divisor.milliValue)
    return String(Math.ceil(Math.round(amount * 1000) / Math.round(divisor * 1000)));
  }
  return String(Math.ceil(amount / divisor));
}

/** The container a volume's resourceFieldRef names (containerName is required there). */
export function findContainer(pod: Pod, name: string | undefined): Container | undefined {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === name);
}
