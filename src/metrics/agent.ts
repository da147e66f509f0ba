/**
 * The MetricsSource of `kubeling up`: the in-process agent's usage accessor (what metrics-server
 * would scrape from each kubelet's /metrics/resource endpoint).
 */
import type { AgentUsage } from '../agent/index.js';
import { DEFAULT_WINDOW_MS, type MetricsSource } from './source.js';

/**
 * Adapts the usage of the agents of this process (the local node, the simulated nodes); an entry
 * may be undefined while its agent starts. The first agent that runs the pod or node answers.
 */
export function agentMetricsSource(get: () => (AgentUsage | undefined)[]): MetricsSource {
  const first = <T>(f: (u: AgentUsage) => T | undefined): T | undefined => {
    for (const u of get()) {
      const v = u && f(u);
      if (v) return v;
    }
    return undefined;
  };
  return {
    podUsage(namespace, name) {
      const p = first((u) => u.pod(namespace, name));
      if (!p) return undefined;
      return {
        timestamp: p.timestamp,
        window: DEFAULT_WINDOW_MS,
        containers: p.containers.map((c) => ({ name: c.name, usage: { cpu: c.cpuNanoCores, memory: c.memoryWorkingSetBytes } })),
      };
    },
    nodeUsage(name) {
      const n = first((u) => u.node(name));
      return n ? { timestamp: n.timestamp, window: DEFAULT_WINDOW_MS, usage: { cpu: n.cpuNanoCores, memory: n.memoryWorkingSetBytes } } : undefined;
    },
  };
}
