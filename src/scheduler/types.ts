/**
 * The scheduling framework's vocabulary (k8s.io/kubernetes/pkg/scheduler/framework/interface.go):
 * status codes, the extension-point interfaces each plugin implements and the per-cycle state.
 * Plugins are small and pure: `filter(pod, nodeInfo) → Status | null`, `score(pod, nodeInfo) → number`.
 */
import type { NodeInfo } from './nodeinfo.js';
import type { PodInfo } from './podinfo.js';

/** Status codes of upstream's framework.Code (Pending/Wait folded into Wait). */
export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip';

/** A plugin verdict. `null` stands for Success on the hot paths so passing nodes allocate nothing. */
export interface Status {
  readonly code: Code;
  /** Human reasons; each becomes one entry of the FailedScheduling histogram. */
  readonly reasons: readonly string[];
}

/** Unschedulable: removing pods (preemption) might help. */
export function unschedulable(...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons };
}

/** UnschedulableAndUnresolvable: preemption cannot help on this node. */
export function unresolvable(...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons };
}

/** Skip: the plugin has nothing to do for this pod at the following extension point. */
export const SKIP: Status = Object.freeze({ code: 'Skip', reasons: [] });

/** An internal failure (not a scheduling verdict). */
export function errorStatus(reason: string): Status {
  return { code: 'Error', reasons: [reason] };
}

/** True for a Success verdict (including the `null` shorthand). */
export function isSuccess(s: Status | null | undefined): boolean {
  return s === null || s === undefined || s.code === 'Success';
}

/** Plugin state that can be copied for preemption's what-if runs (framework.StateData.Clone). */
export interface StateData {
  clone(): StateData;
}

/** Per-cycle scratch space shared by a plugin's extension points (framework.CycleState). */
export class CycleState {
  private readonly data = new Map<string, StateData>();
  /** Plugins whose Filter is skipped this cycle (PreFilter returned Skip). */
  readonly skipFilter = new Set<string>();
  /** Plugins whose Score is skipped this cycle (PreScore returned Skip). */
  readonly skipScore = new Set<string>();

  /** Reads a plugin's state. */
  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  /** Stores a plugin's state. */
  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }

  /** A deep copy: preemption mutates the copy while trying victims. */
  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v.clone());
    for (const s of this.skipFilter) c.skipFilter.add(s);
    for (const s of this.skipScore) c.skipScore.add(s);
    return c;
  }
}

/** Everything a plugin may look up besides the pod and the node (framework.Handle, read-only). */
export interface Handle {
  /** All nodes known to the cache (those with a Node object). */
  nodeInfos(): readonly NodeInfo[];
  /** Nodes (with a Node object) hosting at least one pod. */
  nodesWithPods(): ReadonlySet<NodeInfo>;
  /** Nodes hosting at least one pod with (anti-)affinity terms. */
  nodesWithAffinityPods(): ReadonlySet<NodeInfo>;
  /** Nodes hosting at least one pod with required anti-affinity terms. */
  nodesWithRequiredAntiAffinityPods(): ReadonlySet<NodeInfo>;
  /** One node by name. */
  nodeInfo(name: string): NodeInfo | undefined;
  /** Labels of a namespace (for namespaceSelector); undefined when unknown. */
  namespaceLabels(ns: string): Readonly<Record<string, string>> | undefined;
  /** Names of every known namespace. */
  namespaceNames(): Iterable<string>;
  /** A PersistentVolumeClaim, for VolumeBinding. */
  pvc(namespace: string, name: string): import('kubernetes-types/core/v1.js').PersistentVolumeClaim | undefined;
  /** A PersistentVolume, for VolumeBinding. */
  pv(name: string): import('kubernetes-types/core/v1.js').PersistentVolume | undefined;
  /** PodDisruptionBudgets, for DefaultPreemption. */
  pdbs(): readonly import('kubernetes-types/policy/v1.js').PodDisruptionBudget[];
  /** How many nodes hold an image (ImageLocality's spread factor). */
  imageNodeCount(image: string): number;
}

/** Base of every plugin: the upstream name, used in configuration and explanations. */
export interface Plugin {
  readonly name: string;
}

/** PreFilter may narrow the node set (NodeName, NodeAffinity on metadata.name). */
export interface PreFilterResult {
  status?: Status | null;
  nodeNames?: ReadonlySet<string>;
}

/** PreFilter: precompute per-cycle state; an unschedulable verdict fails every node at once. */
export interface PreFilterPlugin extends Plugin {
  preFilter(pod: PodInfo, state: CycleState, handle: Handle): Status | PreFilterResult | null;
  /** PreFilterExtensions.AddPod: preemption re-adds a reprieved pod. */
  addPod?(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo, handle: Handle): void;
  /** PreFilterExtensions.RemovePod: preemption removes a victim. */
  removePod?(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo, handle: Handle): void;
}

/** Filter: may the pod run on this node? `null` means yes. */
export interface FilterPlugin extends Plugin {
  filter(pod: PodInfo, node: NodeInfo, state: CycleState): Status | null;
}

/** Outcome of PostFilter (preemption): the node to nominate and the pods to evict there. */
export interface PostFilterResult {
  nominatedNodeName?: string;
  victims?: PodInfo[];
  status: Status | null;
}

/** A verdict recorded for one node by one plugin. */
export interface NodeVerdict {
  plugin: string;
  status: Status;
}

/** PostFilter: runs when no node fits (DefaultPreemption). */
export interface PostFilterPlugin extends Plugin {
  postFilter(pod: PodInfo, state: CycleState, statuses: ReadonlyMap<string, NodeVerdict>, fw: FilterRunner): PostFilterResult;
}

/** What PostFilter plugins may ask of the framework: re-run the filters on a what-if node. */
export interface FilterRunner {
  readonly handle: Handle;
  runFilters(pod: PodInfo, node: NodeInfo, state: CycleState): NodeVerdict | null;
  runAddPod(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void;
  runRemovePod(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void;
  random(): number;
}

/** PreScore: precompute for Score over the feasible nodes; Skip disables this plugin's Score. */
export interface PreScorePlugin extends Plugin {
  preScore(pod: PodInfo, nodes: readonly NodeInfo[], state: CycleState, handle: Handle): Status | null;
}

/** Score: an integer, normalised to 0..100 by normalizeScore (or already in range). */
export interface ScorePlugin extends Plugin {
  score(pod: PodInfo, node: NodeInfo, state: CycleState): number;
  /** NormalizeScore: rewrite `scores` (parallel to `nodes`) into 0..100 in place. */
  normalizeScore?(pod: PodInfo, nodes: readonly NodeInfo[], scores: number[], state: CycleState): void;
}

/** Reserve/Unreserve: claim resources before binding (VolumeBinding upstream). */
export interface ReservePlugin extends Plugin {
  reserve(pod: PodInfo, nodeName: string, state: CycleState): Status | null;
  unreserve(pod: PodInfo, nodeName: string, state: CycleState): void;
}

/** Permit: approve, deny or ask the binding cycle to wait. */
export interface PermitPlugin extends Plugin {
  permit(pod: PodInfo, nodeName: string, state: CycleState): { status: Status | null; timeoutMs?: number };
}

/** Bind: make the placement durable (the default binder POSTs a Binding). */
export interface BindPlugin extends Plugin {
  bind(pod: PodInfo, nodeName: string, state: CycleState): Promise<Status | null>;
}

/** Upstream's MaxNodeScore. */
export const MAX_NODE_SCORE = 100;
