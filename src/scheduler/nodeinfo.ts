/**
 * NodeInfo: one node with its pods and aggregates (framework.NodeInfo): requested resources
 * (exact and non-zero for scoring), used host ports, pods with affinity. Updated incrementally.
 */
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import { hasAffinity, newPodInfo, type HostPort, type PodInfo } from './podinfo.js';
import { addResource, cloneResource, emptyResource, resourceFromList, subtractResource, type Resource } from './resources.js';
import type { Pod } from 'kubernetes-types/core/v1.js';

/** Normalises an image reference as ImageLocality does: no tag means `:latest`. */
export function normalizeImage(name: string): string {
  const slash = name.lastIndexOf('/');
  if (name.includes('@') || name.slice(slash + 1).includes(':')) return name;
  return `${name}:latest`;
}

/** One node's scheduling view. */
export class NodeInfo {
  node: Node | undefined;
  name: string;
  labels: Readonly<Record<string, string>> = {};
  taints: readonly Taint[] = [];
  allocatable: Resource = emptyResource();
  /** Image name (normalised) → size in bytes. */
  images = new Map<string, number>();
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  requested: Resource = emptyResource();
  nonZeroRequested = { milliCPU: 0, memory: 0 };
  /** Host ports in use, as `protocol/port` → set of host IPs. */
  usedPorts = new Map<string, Set<string>>();
  /** Bumped on every change; lets callers detect staleness. */
  generation = 0;

  constructor(node?: Node, pods: Pod[] = []) {
    this.name = node?.metadata?.name ?? '';
    if (node) this.setNode(node);
    for (const p of pods) this.addPod(newPodInfo(p));
  }

  /** Replaces the Node object (labels, taints, allocatable, images). */
  setNode(node: Node): void {
    this.node = node;
    this.name = node.metadata?.name ?? this.name;
    this.labels = node.metadata?.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    this.allocatable = resourceFromList((node.status?.allocatable ?? node.status?.capacity));
    this.images = new Map();
    for (const img of node.status?.images ?? []) {
      for (const n of img.names ?? []) this.images.set(normalizeImage(n), img.sizeBytes ?? 0);
    }
    this.generation++;
  }

  /** Accounts a pod on this node. */
  addPod(p: PodInfo): void {
    this.pods.push(p);
    if (hasAffinity(p)) this.podsWithAffinity.push(p);
    if (p.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity.push(p);
    addResource(this.requested, p.requests);
    this.nonZeroRequested.milliCPU += p.nonZero.milliCPU;
    this.nonZeroRequested.memory += p.nonZero.memory;
    for (const hp of p.hostPorts) this.addPort(hp);
    this.generation++;
  }

  /** Removes a pod by key; returns false when it was not here. */
  removePod(key: string): boolean {
    const i = this.pods.findIndex((p) => p.key === key);
    if (i < 0) return false;
    const p = this.pods[i]!;
    this.pods.splice(i, 1);
    const drop = (arr: PodInfo[]) => {
      const j = arr.indexOf(p);
      if (j >= 0) arr.splice(j, 1);
    };
    drop(this.podsWithAffinity);
    drop(this.podsWithRequiredAntiAffinity);
    subtractResource(this.requested, p.requests);
    this.nonZeroRequested.milliCPU -= p.nonZero.milliCPU;
    this.nonZeroRequested.memory -= p.nonZero.memory;
    for (const hp of p.hostPorts) this.usedPorts.get(`${hp.protocol}/${hp.port}`)?.delete(hp.ip);
    this.generation++;
    return true;
  }

  private addPort(hp: HostPort): void {
    const k = `${hp.protocol}/${hp.port}`;
    let s = this.usedPorts.get(k);
    if (!s) this.usedPorts.set(k, (s = new Set()));
    s.add(hp.ip);
  }

  /** HostPortInfo.CheckConflict: 0.0.0.0 conflicts with every IP of the same protocol/port. */
  portConflicts(hp: HostPort): boolean {
    const s = this.usedPorts.get(`${hp.protocol}/${hp.port}`);
    if (!s || s.size === 0) return false;
    if (hp.ip === '0.0.0.0') return true;
    return s.has('0.0.0.0') || s.has(hp.ip);
  }

  /** A copy whose pod list and aggregates can be changed freely (preemption what-ifs). */
  clone(): NodeInfo {
    const c = new NodeInfo();
    c.node = this.node;
    c.name = this.name;
    c.labels = this.labels;
    c.taints = this.taints;
    c.allocatable = this.allocatable;
    c.images = this.images;
    c.pods = [...this.pods];
    c.podsWithAffinity = [...this.podsWithAffinity];
    c.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    c.requested = cloneResource(this.requested);
    c.nonZeroRequested = { ...this.nonZeroRequested };
    for (const [k, v] of this.usedPorts) c.usedPorts.set(k, new Set(v));
    c.generation = this.generation;
    return c;
  }
}
