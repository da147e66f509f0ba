/**
 * Object builders for scheduler tests and the benchmark: plain kubernetes-types objects with
 * just the fields scheduling reads.
 */
import type { Affinity, Node, Pod, Taint, Toleration, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';

/** Options of makeNode. */
export interface NodeOpts {
  cpu?: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
  extra?: Record<string, string>;
}

/** A Node with allocatable resources (default 4 cpu, 32Gi, 110 pods) and the hostname label. */
export function makeNode(name: string, o: NodeOpts = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: {
      allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '32Gi', pods: String(o.pods ?? 110), ...o.extra },
      ...(o.images ? { images: o.images } : {}),
    },
  };
}

/** Options of makePod. */
export interface PodOpts {
  namespace?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  priority?: number;
  preemptionPolicy?: 'Never' | 'PreemptLowerPriority';
  spread?: TopologySpreadConstraint[];
  hostPort?: number;
  image?: string;
  startTime?: string;
  pvc?: string;
  schedulerName?: string;
}

/** A one-container Pod with the given requests and placement rules. */
export function makePod(name: string, o: PodOpts = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', uid: `uid-${name}`, labels: o.labels ?? {} },
    spec: {
      containers: [
        {
          name: 'c',
          image: o.image ?? 'registry.k8s.io/pause:3.9',
          resources: { requests },
          ...(o.hostPort ? { ports: [{ containerPort: o.hostPort, hostPort: o.hostPort }] } : {}),
        },
      ],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.affinity ? { affinity: o.affinity } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      ...(o.preemptionPolicy ? { preemptionPolicy: o.preemptionPolicy } : {}),
      ...(o.spread ? { topologySpreadConstraints: o.spread } : {}),
      ...(o.pvc ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: o.pvc } }] } : {}),
      ...(o.schedulerName ? { schedulerName: o.schedulerName } : {}),
    },
    status: { phase: 'Pending', ...(o.startTime ? { startTime: o.startTime } : {}) },
  };
}

import { SchedulerCache } from './cache.js';

/** A cache holding the nodes and the (bound) pods. */
export function cacheOf(nodes: Node[], pods: Pod[] = []): SchedulerCache {
  const c = new SchedulerCache();
  for (const n of nodes) c.upsertNode(n);
  for (const p of pods) c.upsertPod(p);
  return c;
}
