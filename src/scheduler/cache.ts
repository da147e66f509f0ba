/**
 * The scheduler cache (pkg/scheduler/backend/cache): NodeInfos updated incrementally from node
 * and pod events, plus assumed pods — placed by a cycle but not yet confirmed by the API — so the
 * next cycle already sees their resources. JavaScript runs a cycle without interleaving, so the
 * cache doubles as the cycle's snapshot.
 */
import type { Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { NodeInfo } from './nodeinfo.js';
import { newPodInfo, type PodInfo } from './podinfo.js';
import type { Handle } from './types.js';

interface PodState {
  info: PodInfo;
  nodeName: string;
  assumed: boolean;
}

/** Incremental node/pod cache; also the plugins' read-only Handle. */
export class SchedulerCache implements Handle {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodState>();
  private readonly namespaces = new Map<string, Readonly<Record<string, string>>>();
  private readonly pvcs = new Map<string, PersistentVolumeClaim>();
  private readonly pvs = new Map<string, PersistentVolume>();
  private readonly budgets = new Map<string, PodDisruptionBudget>();
  private readonly imageNodes = new Map<string, number>();
  private list: NodeInfo[] | undefined;
  // Maintained incrementally: InterPodAffinity visits only these nodes each cycle.
  private readonly withPods = new Set<NodeInfo>();
  private readonly withAffinity = new Set<NodeInfo>();
  private readonly withAnti = new Set<NodeInfo>();

  private invalidate(lists: boolean, _affinity: boolean): void {
    if (lists) this.list = undefined;
  }

  /** Re-derives the node's membership in the pod-bearing sets. */
  private classify(ni: NodeInfo): void {
    const live = !!ni.node && this.nodes.get(ni.name) === ni;
    const set = (s: Set<NodeInfo>, on: boolean) => (on ? s.add(ni) : s.delete(ni));
    set(this.withPods, live && ni.pods.length > 0);
    set(this.withAffinity, live && ni.podsWithAffinity.length > 0);
    set(this.withAnti, live && ni.podsWithRequiredAntiAffinity.length > 0);
  }

  private ensure(name: string): NodeInfo {
    let ni = this.nodes.get(name);
    if (!ni) {
      // A pod may arrive before its node (upstream keeps such a NodeInfo without a Node).
      ni = new NodeInfo();
      ni.name = name;
      this.nodes.set(name, ni);
    }
    return ni;
  }

  private countImages(ni: NodeInfo, delta: number): void {
    for (const img of ni.images.keys()) this.imageNodes.set(img, (this.imageNodes.get(img) ?? 0) + delta);
  }

  /** Adds or replaces a Node. */
  upsertNode(node: Node): void {
    const ni = this.ensure(node.metadata?.name ?? '');
    if (ni.node) this.countImages(ni, -1);
    ni.setNode(node);
    this.countImages(ni, 1);
    this.classify(ni);
    this.invalidate(true, true);
  }

  /** Removes a Node (its pods stay accounted until they are deleted, as upstream). */
  removeNode(name: string): void {
    const ni = this.nodes.get(name);
    if (!ni) return;
    if (ni.node) this.countImages(ni, -1);
    if (ni.pods.length === 0) this.nodes.delete(name);
    else ni.node = undefined;
    this.classify(ni);
    this.invalidate(true, true);
  }

  /**
   * Adds or updates a pod seen by the informer. Only pods with spec.nodeName occupy a node;
   * an informer event for an assumed pod confirms it.
   */
  upsertPod(pod: Pod): void {
    const info = newPodInfo(pod);
    const nodeName = pod.spec?.nodeName;
    const prev = this.pods.get(info.key);
    if (prev) this.detach(prev);
    if (!nodeName) return;
    this.attach({ info, nodeName, assumed: false });
  }

  /** Deletes a pod. */
  removePod(key: string): void {
    const prev = this.pods.get(key);
    if (prev) this.detach(prev);
  }

  /** Assume: account the pod on `nodeName` before the Binding is confirmed. */
  assumePod(info: PodInfo, nodeName: string): void {
    const prev = this.pods.get(info.key);
    if (prev) this.detach(prev);
    this.attach({ info, nodeName, assumed: true });
  }

  /** ForgetPod: binding failed, undo the assumption. */
  forgetPod(key: string): void {
    const prev = this.pods.get(key);
    if (prev?.assumed) this.detach(prev);
  }

  /** True when the pod is assumed (bound by us, not yet seen bound by the informer). */
  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumed ?? false;
  }

  private attach(s: PodState): void {
    this.pods.set(s.info.key, s);
    const ni = this.ensure(s.nodeName);
    ni.addPod(s.info);
    this.classify(ni);
  }

  private detach(s: PodState): void {
    this.pods.delete(s.info.key);
    const ni = this.nodes.get(s.nodeName);
    if (!ni) return;
    ni.removePod(s.info.key);
    if (!ni.node && ni.pods.length === 0) this.nodes.delete(s.nodeName);
    this.classify(ni);
  }

  /** Records a Namespace's labels (namespaceSelector in pod affinity). */
  upsertNamespace(ns: Namespace): void {
    this.namespaces.set(ns.metadata?.name ?? '', ns.metadata?.labels ?? {});
  }

  /** Forgets a Namespace. */
  removeNamespace(name: string): void {
    this.namespaces.delete(name);
  }

  /** Records a PVC. */
  upsertPVC(pvc: PersistentVolumeClaim): void {
    this.pvcs.set(`${pvc.metadata?.namespace ?? 'default'}/${pvc.metadata?.name ?? ''}`, pvc);
  }

  /** Forgets a PVC. */
  removePVC(namespace: string, name: string): void {
    this.pvcs.delete(`${namespace}/${name}`);
  }

  /** Records a PV. */
  upsertPV(pv: PersistentVolume): void {
    this.pvs.set(pv.metadata?.name ?? '', pv);
  }

  /** Forgets a PV. */
  removePV(name: string): void {
    this.pvs.delete(name);
  }

  /** Records a PodDisruptionBudget. */
  upsertPDB(pdb: PodDisruptionBudget): void {
    this.budgets.set(`${pdb.metadata?.namespace ?? 'default'}/${pdb.metadata?.name ?? ''}`, pdb);
  }

  /** Forgets a PodDisruptionBudget. */
  removePDB(namespace: string, name: string): void {
    this.budgets.delete(`${namespace}/${name}`);
  }

  // ---- Handle ----

  /** @inheritdoc */
  nodeInfos(): readonly NodeInfo[] {
    return (this.list ??= [...this.nodes.values()].filter((n) => n.node).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }

  /** @inheritdoc */
  nodesWithPods(): ReadonlySet<NodeInfo> {
    return this.withPods;
  }

  /** @inheritdoc */
  nodesWithAffinityPods(): ReadonlySet<NodeInfo> {
    return this.withAffinity;
  }

  /** @inheritdoc */
  nodesWithRequiredAntiAffinityPods(): ReadonlySet<NodeInfo> {
    return this.withAnti;
  }

  /** @inheritdoc */
  nodeInfo(name: string): NodeInfo | undefined {
    const ni = this.nodes.get(name);
    return ni?.node ? ni : undefined;
  }

  /** @inheritdoc */
  namespaceLabels(ns: string): Readonly<Record<string, string>> | undefined {
    return this.namespaces.get(ns);
  }

  /** @inheritdoc */
  namespaceNames(): Iterable<string> {
    return this.namespaces.keys();
  }

  /** @inheritdoc */
  pvc(namespace: string, name: string): PersistentVolumeClaim | undefined {
    return this.pvcs.get(`${namespace}/${name}`);
  }

  /** @inheritdoc */
  pv(name: string): PersistentVolume | undefined {
    return this.pvs.get(name);
  }

  /** @inheritdoc */
  pdbs(): readonly PodDisruptionBudget[] {
    return [...this.budgets.values()];
  }

  /** @inheritdoc */
  imageNodeCount(image: string): number {
    return this.imageNodes.get(image) ?? 0;
  }

  /** Number of nodes with a Node object. */
  nodeCount(): number {
    return this.nodeInfos().length;
  }

  /** The node a pod is placed on (assumed or bound), if any. */
  podNode(key: string): string | undefined {
    return this.pods.get(key)?.nodeName;
  }
}
