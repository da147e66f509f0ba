/**
 * The node agent: registers its Node(s), heartbeats their Leases and runs the pods bound to them.
 * With `simulatedNodes: N` one process plays N nodes `sim-0..sim-N-1` spread over three zones
 * (topology.kubernetes.io/zone), each with its own /24 pod CIDR out of 10.244.0.0/16.
 */
import type { Taint } from 'kubernetes-types/core/v1.js';
import type { RestClient } from '../client/rest.js';
import { realClock, type Clock } from '../client/workqueue.js';
import { NodeHeartbeat } from './node.js';
import { PodWorkers, type WorkerNode } from './pods.js';
import { SimulatedRuntime } from './runtimes/simulated/index.js';

/** Options of startAgent. */
export interface AgentOptions {
  client: RestClient;
  /** the node name (ignored when simulatedNodes is set) */
  nodeName: string;
  runtime: 'simulated';
  /** register this many simulated nodes sim-0..sim-N-1 instead of one */
  simulatedNodes?: number;
  labels?: Record<string, string>;
  taints?: Taint[];
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** time source; `now` alone overrides only the clock's reading */
  clock?: Clock;
  now?: () => number;
  /** directory for container log files (simulated runtime writes CRI-format logs there) */
  logDir?: string;
}

/** A running agent. */
export interface Agent {
  nodes: string[];
  runtime: SimulatedRuntime;
  heartbeats: NodeHeartbeat[];
  workers: PodWorkers;
  stop(): Promise<void>;
}

/** The zones simulated nodes are spread over. */
export const simulatedZones = ['zone-a', 'zone-b', 'zone-c'];

/** Starts the agent: nodes registered and leased, pod workers synced. */
export async function startAgent(o: AgentOptions): Promise<Agent> {
  const base = o.clock ?? realClock;
  const clock: Clock = o.now ? { now: o.now, setTimeout: (f, ms) => base.setTimeout(f, ms), clearTimeout: (h) => base.clearTimeout(h) } : base;
  const runtime = new SimulatedRuntime({ clock, logDir: o.logDir });
  const count = o.simulatedNodes;
  const nodes: (WorkerNode & { labels: Record<string, string> })[] = [];
  if (count !== undefined && count > 0) {
    if (count > 65_536) throw new Error('at most 65536 simulated nodes');
    for (let i = 0; i < count; i++) {
      nodes.push({
        name: `sim-${i}`,
        hostIP: `10.${128 + Math.floor(i / 65_536)}.${Math.floor(i / 256) % 256}.${i % 256}`,
        podCIDR: `10.${(244 + Math.floor(i / 256)) % 256}.${i % 256}.0/24`,
        labels: { ...(o.labels ?? {}), 'topology.kubernetes.io/zone': simulatedZones[i % simulatedZones.length] ?? 'zone-a', 'kubeling.dev/simulated': 'true' },
      });
    }
  } else {
    nodes.push({ name: o.nodeName, hostIP: '127.0.0.1', podCIDR: '10.244.0.0/24', labels: o.labels ?? {} });
  }
  const heartbeats = nodes.map(
    (n) =>
      new NodeHeartbeat(
        { name: n.name, internalIP: n.hostIP, podCIDR: n.podCIDR, labels: n.labels, taints: o.taints, runtimeVersion: `${runtime.name}://${runtime.version}`, ...(count ? { cpu: '4', memory: '16Gi' } : {}) },
        { client: o.client, clock, log: o.log },
      ),
  );
  // Register in small batches so thousands of simulated nodes don't open thousands of requests at once.
  for (let i = 0; i < heartbeats.length; i += 50) await Promise.all(heartbeats.slice(i, i + 50).map((h) => h.start()));
  const workers = new PodWorkers({ client: o.client, runtime, nodes, clock, log: o.log });
  await workers.start();
  o.log?.('agent started', { nodes: nodes.length, runtime: runtime.name });
  return {
    nodes: nodes.map((n) => n.name),
    runtime,
    heartbeats,
    workers,
    async stop() {
      for (const h of heartbeats) h.stop();
      await workers.stop();
      await runtime.close();
    },
  };
}
