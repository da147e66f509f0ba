/**
 * Where metrics.k8s.io gets its numbers: metrics-server scrapes each kubelet's resource metrics
 * endpoint; here a MetricsSource answers from whatever knows the usage (the in-process agent in
 * `kubeling up`, a fake in tests).
 */

/** CPU in nanocores and memory (working set) in bytes. */
export interface Usage {
  cpu: number;
  memory: number;
}

/** One container's usage. */
export interface ContainerUsage {
  name: string;
  usage: Usage;
}

/** A pod's usage sample: per container, when it was taken (ms since epoch) and over what window (ms). */
export interface PodUsage {
  containers: ContainerUsage[];
  timestamp: number;
  window: number;
}

/** A node's usage sample. */
export interface NodeUsage {
  usage: Usage;
  timestamp?: number;
  window?: number;
}

/** Answers usage for pods and nodes; undefined when there is no sample (pod not running, unknown node). */
export interface MetricsSource {
  podUsage(namespace: string, name: string): PodUsage | undefined;
  nodeUsage(name: string): NodeUsage | undefined;
}

/** The window metrics-server reports when a source gives none (its default resolution is 15 s). */
export const DEFAULT_WINDOW_MS = 15_000;
