/**
 * The node agent: registers its Node(s), heartbeats their Leases and runs the pods bound to them.
 * With `simulatedNodes: N` one process plays N nodes `sim-0..sim-N-1` spread over three zones
 * (topology.kubernetes.io/zone), each with its own /24 pod CIDR out of 10.244.0.0/16.
 */
import type { Container, Pod, Taint } from 'kubernetes-types/core/v1.js';
import type { RestClient } from '../client/rest.js';
import { realClock, type Clock } from '../client/workqueue.js';
import { NodeHeartbeat } from './node.js';
import { PodWorkers, type WorkerNode } from './pods.js';
import { SimulatedRuntime, simulatedUsage, usageFromResources } from './runtimes/simulated/index.js';
import { ProcessRuntime, type ProcessRuntimeOptions } from './runtimes/process/index.js';
import type { Runtime } from './runtime.js';
import { StreamingServer } from './streaming/server.js';
import { apiResolver } from './streaming/resolve.js';
import { agentVolumes } from './volumes/agent.js';
import { hostMeasurements, type MeasurementSource, type PressureThresholds } from './pressure.js';

/** Options of startAgent. */
export interface AgentOptions {
  client: RestClient;
  /** the node name (ignored when simulatedNodes is set) */
  nodeName: string;
  /** `process`: real isolated processes on this machine (one node); `simulated`: no processes */
  runtime: 'simulated' | 'process';
  /** process runtime settings (stateDir default /var/lib/kubeling/agent/<node>) */
  process?: Partial<Omit<ProcessRuntimeOptions, 'podCIDR' | 'clock'>>;
  /** the pod CIDR of a single (non-simulated) node (default 10.244.0.0/24) */
  podCIDR?: string;
  /** register this many simulated nodes sim-0..sim-N-1 instead of one */
  simulatedNodes?: number;
  /** name prefix of simulated nodes (default `sim`: `sim-0`…), so a second agent's nodes do not clash */
  simulatedNamePrefix?: string;
  /**
   * first index used for simulated nodes' made-up IPs, pod CIDRs and zones (default 0); another
   * agent joining a cluster that already has simulated nodes picks a disjoint range
   */
  simulatedIndexOffset?: number;
  /** the single node's InternalIP (kubelet's --node-ip; default 127.0.0.1) */
  nodeIP?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** time source; `now` alone overrides only the clock's reading */
  clock?: Clock;
  now?: () => number;
  /** directory for container log files (simulated runtime writes CRI-format logs there) */
  logDir?: string;
  /** how often configMap/secret/downwardAPI/projected volumes are re-synced (default 60 s, kubelet's) */
  volumeSyncPeriodMs?: number;
  /** run the local-path provisioner (process runtime) with volumes under this dir (`<dir>/<pvc-uid>`) */
  localPathDir?: string;
  /** the provisioner's own client (its identity may create PersistentVolumes; a kubelet's may not); default `client` */
  localPathClient?: RestClient;
  /**
   * node pressure: the measurement source (default: this machine for the process runtime, none —
   * always healthy — for simulated nodes) and kubelet's eviction thresholds
   */
  pressure?: { measure?: MeasurementSource; thresholds?: PressureThresholds };
  /** the streaming server for logs/exec (kubelet's :10250); absent = none */
  streaming?: AgentStreamingOptions;
}

/** Options of the agent's streaming server. */
export interface AgentStreamingOptions {
  /** serving certificate/key and the cluster CA the API server's client certificate must chain to */
  tls: { certPem: string; keyPem: string; caPem: string };
  /** 0 = random; the port is published in each Node's daemonEndpoints */
  port: number;
  /** listen address (default 0.0.0.0) */
  host?: string;
  /** the address the API server dials, when not the node's InternalIP (simulated nodes) */
  address?: string;
}

/** A running agent. */
export interface Agent {
  nodes: string[];
  runtime: Runtime;
  heartbeats: NodeHeartbeat[];
  workers: PodWorkers;
  streaming?: StreamingServer;
  /** per-pod/per-node resource usage from the runtime's stats (what metrics.k8s.io serves) */
  usage: AgentUsage;
  stop(): Promise<void>;
}

/** One container's usage sample: CPU in nanocores, memory working set in bytes. */
export interface ContainerUsageSample {
  name: string;
  cpuNanoCores: number;
  memoryWorkingSetBytes: number;
}

/** Resource usage as kubelet's resource metrics endpoint reports it (samples taken at `timestamp`). */
export interface AgentUsage {
  /** the running containers' usage of a pod on this agent's nodes, or undefined (not running here) */
  pod(namespace: string, name: string): { containers: ContainerUsageSample[]; timestamp: number } | undefined;
  /** the sum over a node's pods, or undefined for a node this agent does not run */
  node(name: string): { cpuNanoCores: number; memoryWorkingSetBytes: number; timestamp: number } | undefined;
}

/** The zones simulated nodes are spread over. */
export const simulatedZones = ['zone-a', 'zone-b', 'zone-c'];

/** Starts the agent: nodes registered and leased, pod workers synced. */
export async function startAgent(o: AgentOptions): Promise<Agent> {
  const base = o.clock ?? realClock;
  const clock: Clock = o.now ? { now: o.now, setTimeout: (f, ms) => base.setTimeout(f, ms), clearTimeout: (h) => base.clearTimeout(h) } : base;
  const count = o.simulatedNodes;
  if (o.runtime === 'process' && count) throw new Error('simulated nodes need the simulated runtime');
  const podCIDR = o.podCIDR ?? '10.244.0.0/24';
  const runtime: Runtime =
    o.runtime === 'process'
      ? new ProcessRuntime({ stateDir: `/var/lib/kubeling/agent/${o.nodeName}`, ...(o.logDir ? { logDir: o.logDir } : {}), ...o.process, podCIDR, hostIP: o.nodeIP ?? '127.0.0.1', clock })
      : new SimulatedRuntime({ clock, logDir: o.logDir });
  const nodes: (WorkerNode & { labels: Record<string, string> })[] = [];
  if (count !== undefined && count > 0) {
    if (count + (o.simulatedIndexOffset ?? 0) > 65_536) throw new Error('at most 65536 simulated nodes (count + index offset)');
    const prefix = o.simulatedNamePrefix ?? 'sim';
    const offset = o.simulatedIndexOffset ?? 0;
    for (let n = 0; n < count; n++) {
      const i = n + offset;
      nodes.push({
        name: `${prefix}-${n}`,
        hostIP: `10.${128 + Math.floor(i / 65_536)}.${Math.floor(i / 256) % 256}.${i % 256}`,
        podCIDR: `10.${(244 + Math.floor(i / 256)) % 256}.${i % 256}.0/24`,
        labels: { ...(o.labels ?? {}), 'topology.kubernetes.io/zone': simulatedZones[i % simulatedZones.length] ?? 'zone-a', 'kubeling.dev/simulated': 'true' },
      });
    }
  } else {
    nodes.push({ name: o.nodeName, hostIP: o.nodeIP ?? '127.0.0.1', podCIDR, labels: o.labels ?? {} });
  }
  let streaming: StreamingServer | undefined;
  let kubeletPort: number | undefined;
  if (o.streaming) {
    streaming = new StreamingServer({ tls: o.streaming.tls, port: o.streaming.port, host: o.streaming.host, runtime, resolve: apiResolver(o.client), log: o.log });
    kubeletPort = await streaming.listen();
  }
  // Simulated nodes publish made-up IPs: the API server is told where the streaming server really is.
  const kubeletAddress = o.streaming ? (o.streaming.address ?? (count ? '127.0.0.1' : undefined)) : undefined;
  const stateDir = o.process?.stateDir ?? `/var/lib/kubeling/agent/${o.nodeName}`;
  const measure = o.pressure?.measure ?? (o.runtime === 'process' ? hostMeasurements(stateDir) : undefined);
  // kubelet appends host notes to the Ready message (". AppArmor enabled"); ours says what isolation is missing.
  const caps = runtime.capabilities?.();
  const readyMessageSuffix = caps && !caps.isolation ? caps.message : undefined;
  const heartbeats = nodes.map(
    (n) =>
      new NodeHeartbeat(
        { name: n.name, internalIP: n.hostIP, podCIDR: n.podCIDR, labels: n.labels, taints: o.taints, runtimeVersion: `${runtime.name}://${runtime.version}`, kubeletPort, kubeletAddress, measure, thresholds: o.pressure?.thresholds, readyMessageSuffix, ...(count ? { cpu: '4', memory: '16Gi' } : {}) },
        { client: o.client, clock, log: o.log },
      ),
  );
  // Register in small batches so thousands of simulated nodes don't open thousands of requests at once.
  for (let i = 0; i < heartbeats.length; i += 50) await Promise.all(heartbeats.slice(i, i + 50).map((h) => h.start()));
  const volumes = agentVolumes({
    client: o.client,
    clock,
    nodeName: nodes[0]?.name ?? o.nodeName,
    ...(o.runtime === 'process' ? { stateDir, localPathDir: o.localPathDir, provisionerClient: o.localPathClient } : {}),
    syncPeriodMs: o.volumeSyncPeriodMs,
    log: o.log,
    pods: () => workers.pods() as unknown as Pod[],
  });
  // Live-restore: sandboxes the process runtime re-adopted keep their IPs (or go, when their pod did).
  const adoptedSandboxes = runtime instanceof ProcessRuntime ? runtime.list().sandboxes : undefined;
  const workers = new PodWorkers({ client: o.client, runtime, nodes, clock, log: o.log, configurer: volumes.configurer, adoptedSandboxes });
  await workers.start();
  await volumes.start();
  if (caps && !caps.isolation) o.log?.('container runtime degraded', { runtime: runtime.name, message: caps.message });
  o.log?.('agent started', { nodes: nodes.length, runtime: runtime.name });
  return {
    nodes: nodes.map((n) => n.name),
    runtime,
    heartbeats,
    workers,
    streaming,
    usage: usageAccessor(runtime, workers, nodes.map((n) => n.name), clock),
    async stop() {
      for (const h of heartbeats) h.stop();
      await streaming?.close();
      await workers.stop();
      await volumes.close();
      await runtime.close();
    },
  };
}

/**
 * Usage of the pods the workers run, from `runtime.stats` of each container in the live pod's
 * status; on the simulated runtime the `sim-cpu-usage`/`sim-memory-usage` annotations of the live
 * pod apply, so patching them changes the load at once. One snapshot is computed per second at
 * most, so `kubectl top` over thousands of pods stays linear.
 */
export function usageAccessor(runtime: Runtime, workers: Pick<PodWorkers, 'pods'>, nodeNames: string[], clock: Clock): AgentUsage {
  type Snapshot = { at: number; pods: Map<string, ContainerUsageSample[]>; nodes: Map<string, { cpuNanoCores: number; memoryWorkingSetBytes: number }> };
  let snap: Snapshot | undefined;
  const take = (): Snapshot => {
    const now = clock.now();
    if (snap && now - snap.at < 1000) return snap;
    const next: Snapshot = { at: now, pods: new Map(), nodes: new Map(nodeNames.map((n) => [n, { cpuNanoCores: 0, memoryWorkingSetBytes: 0 }])) };
    for (const obj of workers.pods()) {
      const pod = obj as unknown as Pod;
      const specs = new Map<string, Container>((pod.spec?.containers ?? []).map((c) => [c.name, c]));
      const samples: ContainerUsageSample[] = [];
      for (const cs of pod.status?.containerStatuses ?? []) {
        const stats = cs.containerID ? runtime.stats(cs.containerID) : undefined;
        if (!stats) continue;
        const spec = specs.get(cs.name);
        const u = runtime.name === 'simulated' && spec ? simulatedUsage(pod, cs.name, usageFromResources(spec)) : stats;
        samples.push({ name: cs.name, cpuNanoCores: u.cpuNanoCores, memoryWorkingSetBytes: u.memoryWorkingSetBytes });
      }
      if (!samples.length) continue;
      next.pods.set(`${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`, samples);
      const n = next.nodes.get(pod.spec?.nodeName ?? '');
      if (n) {
        for (const c of samples) {
          n.cpuNanoCores += c.cpuNanoCores;
          n.memoryWorkingSetBytes += c.memoryWorkingSetBytes;
        }
      }
    }
    snap = next;
    return next;
  };
  return {
    pod(namespace, name) {
      const s = take();
      const containers = s.pods.get(`${namespace}/${name}`);
      return containers ? { containers, timestamp: s.at } : undefined;
    },
    node(name) {
      const s = take();
      const n = s.nodes.get(name);
      return n ? { ...n, timestamp: s.at } : undefined;
    },
  };
}
