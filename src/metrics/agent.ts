/**
 * The MetricsSource of `kubeling up`: the in-process agent's usage accessor (what metrics-server
 * would scrape from each kubelet's /metrics/resource endpoint).
 */
import type { AgentUsage } from '../agent/index.js';
import { DEFAULT_WINDOW_MS, type MetricsSource } from './source.js';

/** Adapts an agent's usage (or none yet: `get()` may return undefined while the agent starts). */
export function agentMetricsSource(get: () => AgentUsage | undefined): MetricsSource {
  return {
    podUsage(namespace, name) {
      const p = get()?.pod(namespace, name);
      if (!p) return undefined;
      return {
        timestamp: p.timestamp,
        window: DEFAULT_WINDOW_MS,
        containers: p.containers.map((c) => ({ name: c.name, usage: { cpu: c.cpuNanoCores, memory: c.memoryWorkingSetBytes } })),
      };
    },
    nodeUsage(name) {
      const n = get()?.node(name);
      return n ? { timestamp: n.timestamp, window: DEFAULT_WINDOW_MS, usage: { cpu: n.cpuNanoCores, memory: n.memoryWorkingSetBytes } } : undefined;
    },
  };
}
