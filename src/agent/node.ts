/**
 * Node registration and heartbeats as kubelet does them (pkg/kubelet/kubelet_node_status.go and
 * the node lease controller): the Node is created with capacity, allocatable, labels, taints,
 * addresses, nodeInfo and the four conditions; a Lease named after the node in kube-node-lease is
 * renewed every 10 s, and the Node's status heartbeat is rewritten every 5 minutes
 * (nodeStatusReportFrequency) since the Lease carries liveness in between.
 */
import { KUBE_VERSION } from '../api/version.js';
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import type { Taint } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../api/object.js';
import { isStatus, type RestClient, type ResourceRef } from '../client/rest.js';
import type { Clock } from '../client/workqueue.js';
import { k8sMicroTime, k8sTime } from './status.js';
import { nodeConditions, pressuresOf, type MeasurementSource, type NodeConditionValue, type PressureThresholds } from './pressure.js';

/** What a node registers with. */
export interface NodeSpecOptions {
  name: string;
  /** capacity; default: this machine's cpus, memory and 100Gi ephemeral storage */
  cpu?: string;
  memory?: string;
  ephemeralStorage?: string;
  /** max pods (default 110, kubelet's --max-pods) */
  pods?: number;
  /** extra labels (--node-labels) */
  labels?: Record<string, string>;
  /** --register-with-taints */
  taints?: Taint[];
  podCIDR?: string;
  internalIP: string;
  /** nodeInfo.containerRuntimeVersion, e.g. `simulated://0.1.0` */
  runtimeVersion: string;
  /** the streaming server's port, published as status.daemonEndpoints.kubeletEndpoint.Port (default 10250) */
  kubeletPort?: number;
  /**
   * where the streaming server is really reached when it is not the InternalIP (simulated nodes
   * publish made-up IPs): the `kubeling.dev/kubelet-address` annotation the API server dials
   */
  kubeletAddress?: string;
  /**
   * where MemoryPressure/DiskPressure/PIDPressure come from (src/agent/pressure.ts); absent =
   * always healthy (simulated nodes)
   */
  measure?: MeasurementSource;
  /** eviction thresholds (default kubelet's hard-eviction defaults) */
  thresholds?: PressureThresholds;
  /** appended to the Ready condition's message, like kubelet's ". AppArmor enabled" (the runtime's capability note) */
  readyMessageSuffix?: string;
}

/** Annotation naming the address of a node's streaming server when its InternalIP is not it. */
export const kubeletAddressAnnotation = 'kubeling.dev/kubelet-address';

/** The kubelet version the agent reports (kubectl compares it for skew warnings only). */
/** The kubelet version nodes report: the served Kubernetes version. */
export const agentKubeletVersion: string = KUBE_VERSION.gitVersion;

const nodesRef: ResourceRef = { group: '', version: 'v1', resource: 'nodes' };
const leaseNs = 'kube-node-lease';
/** kubelet's default lease duration and renew interval (--node-lease-duration-seconds, 1/4 of it). */
export const leaseDurationSeconds = 40;
export const leaseRenewIntervalMs = 10_000;
const statusReportEvery = 30; // lease ticks: 30 × 10 s = 5 min

/** Well-known labels kubelet sets on its Node, plus the extra ones. */
export function nodeLabels(o: NodeSpecOptions): Record<string, string> {
  const goArch = arch() === 'x64' ? 'amd64' : arch();
  return {
    'beta.kubernetes.io/arch': goArch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': goArch,
    'kubernetes.io/hostname': o.name,
    'kubernetes.io/os': 'linux',
    ...(o.labels ?? {}),
  };
}

/** The node conditions kubelet reports when healthy. */
export function healthyConditions(now: number): Record<string, unknown>[] {
  const t = k8sTime(now);
  const c = (type: string, status: string, reason: string, message: string): Record<string, unknown> => ({ type, status, reason, message, lastHeartbeatTime: t, lastTransitionTime: t });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** The Node object to register (pure apart from reading this machine's defaults). */
export function buildNode(o: NodeSpecOptions, now: number, conditions?: NodeConditionValue[]): KubeObject {
  const capacity = {
    cpu: o.cpu ?? String(cpus().length),
    memory: o.memory ?? `${Math.floor(totalmem() / 1024)}Ki`,
    'ephemeral-storage': o.ephemeralStorage ?? '100Gi',
    pods: String(o.pods ?? 110),
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: o.name, labels: nodeLabels(o), annotations: { 'node.alpha.kubernetes.io/ttl': '0', ...(o.kubeletAddress ? { [kubeletAddressAnnotation]: o.kubeletAddress } : {}) } },
    spec: { ...(o.podCIDR ? { podCIDR: o.podCIDR, podCIDRs: [o.podCIDR] } : {}), ...(o.taints?.length ? { taints: o.taints } : {}) },
    status: {
      capacity,
      allocatable: { ...capacity },
      conditions: conditions ?? healthyConditions(now),
      addresses: [
        { type: 'InternalIP', address: o.internalIP },
        { type: 'Hostname', address: o.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: o.kubeletPort ?? 10250 } },
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: release(),
        osImage: `Kubeling (${hostname()})`,
        containerRuntimeVersion: o.runtimeVersion,
        kubeletVersion: agentKubeletVersion,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: nodeLabels(o)['kubernetes.io/arch'] ?? 'amd64',
      },
    },
  };
}

/** Dependencies of a NodeHeartbeat. */
export interface NodeHeartbeatDeps {
  client: RestClient;
  clock: Clock;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Registers one Node and keeps its Lease renewed. */
export class NodeHeartbeat {
  private timer: unknown;
  private stopped = false;
  private ticks = 0;
  private nodeUid = '';
  private conditions: NodeConditionValue[] = [];
  /** number of successful lease renewals (tests and metrics) */
  renewals = 0;

  constructor(private readonly opts: NodeSpecOptions, private readonly deps: NodeHeartbeatDeps) {}

  /** Creates (or reconciles) the Node and its Lease, then schedules renewals. */
  async start(): Promise<void> {
    await this.register();
    await this.renew();
    this.schedule();
  }

  /** Stops renewing; the Node and Lease stay (the node lifecycle controller judges staleness). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimeout(() => {
      void this.tick().catch((e: unknown) => this.deps.log?.('node heartbeat failed', { node: this.opts.name, error: String(e) })).finally(() => this.schedule());
    }, leaseRenewIntervalMs);
  }

  private async tick(): Promise<void> {
    this.ticks++;
    await this.renew();
    // kubelet evaluates its status every 10 s but writes it only when a condition changed or
    // nodeStatusReportFrequency (5 min) has passed.
    const next = this.currentConditions();
    const changed = next.some((c) => this.conditions.find((p) => p.type === c.type)?.status !== c.status);
    if (changed || this.ticks % statusReportEvery === 0) await this.patchStatus(next);
  }

  /** The conditions from a fresh measurement (healthy without a measurement source). */
  private currentConditions(): NodeConditionValue[] {
    const now = this.deps.clock.now();
    let p = { memory: false, disk: false, pid: false };
    try {
      if (this.opts.measure) p = pressuresOf(this.opts.measure(), this.opts.thresholds);
    } catch (e) {
      this.deps.log?.('node measurement failed', { node: this.opts.name, error: String(e) });
    }
    return nodeConditions(p, now, this.conditions, this.opts.readyMessageSuffix);
  }

  private async register(): Promise<void> {
    const node = buildNode(this.opts, this.deps.clock.now(), this.currentConditions());
    try {
      const created = await this.deps.client.create(nodesRef, node);
      this.nodeUid = created.metadata.uid ?? '';
    } catch (e) {
      if (!isStatus(e, 409)) throw e;
      // Re-registration (agent restart): kubelet reconciles its labels and keeps the rest.
      // The streaming address may change between runs, so its annotation is reconciled too.
      const annotations = { [kubeletAddressAnnotation]: this.opts.kubeletAddress ?? null };
      const cur = await this.deps.client.patch({ ...nodesRef, name: this.opts.name }, 'merge', { metadata: { labels: node.metadata.labels, annotations } });
      this.nodeUid = cur.metadata.uid ?? '';
    }
    await this.patchStatus();
  }

  private async patchStatus(conditions = this.currentConditions()): Promise<void> {
    const node = buildNode(this.opts, this.deps.clock.now(), conditions);
    await this.deps.client.patch({ ...nodesRef, name: this.opts.name, subresource: 'status' }, 'merge', { status: node.status });
    this.conditions = conditions;
  }

  private async renew(): Promise<void> {
    const ref: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: leaseNs, name: this.opts.name };
    const spec = { holderIdentity: this.opts.name, leaseDurationSeconds, renewTime: k8sMicroTime(this.deps.clock.now()) };
    try {
      await this.deps.client.patch(ref, 'merge', { spec });
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
      // The lease is owned by its Node so it goes when the Node is deleted.
      const lease: KubeObject = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.opts.name, namespace: leaseNs, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.opts.name, uid: this.nodeUid }] },
        spec,
      };
      await this.deps.client.create(ref, lease);
    }
    this.renewals++;
  }
}
