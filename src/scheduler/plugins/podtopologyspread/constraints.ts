/**
 * Compiled topology spread constraints: the pod's own, or the cluster defaults (upstream's
 * "System" defaults: zone maxSkew 5 and hostname maxSkew 3, ScheduleAnyway) built with a selector
 * derived from the pod's controller.
 */
import type { Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import type { LabelSelector, LabelSelectorRequirement } from 'kubernetes-types/meta/v1.js';
import { compileLabelSelector, findUntoleratedTaint, type LabelMatcher } from '../../labels.js';
import type { NodeInfo } from '../../nodeinfo.js';
import type { PodInfo } from '../../podinfo.js';
import type { RequiredNodeAffinity } from '../nodeaffinity/index.js';

/** A constraint ready for counting. */
export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelMatcher;
  minDomains: number;
  nodeAffinityPolicy: 'Honor' | 'Ignore';
  nodeTaintsPolicy: 'Honor' | 'Ignore';
}

/** The system default constraints (PodTopologySpreadArgs defaultingType: System). */
export const SYSTEM_DEFAULT_CONSTRAINTS: TopologySpreadConstraint[] = [
  { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 + 2 },
  { topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
];

/** PodTopologySpreadArgs. */
export interface PodTopologySpreadArgs {
  defaultConstraints?: TopologySpreadConstraint[];
  defaultingType?: 'System' | 'List';
}

/** Compiles one constraint with the pod's matchLabelKeys merged into its selector. */
export function compileConstraint(pod: Pod, c: TopologySpreadConstraint, selector?: LabelSelector): Constraint {
  const labels = pod.metadata?.labels ?? {};
  const extra: LabelSelectorRequirement[] = [];
  for (const k of c.matchLabelKeys ?? []) if (labels[k] !== undefined) extra.push({ key: k, operator: 'In', values: [labels[k]] });
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector: compileLabelSelector(selector ?? c.labelSelector, extra),
    minDomains: c.minDomains ?? 1,
    nodeAffinityPolicy: c.nodeAffinityPolicy === 'Ignore' ? 'Ignore' : 'Honor',
    nodeTaintsPolicy: c.nodeTaintsPolicy === 'Honor' ? 'Honor' : 'Ignore',
  };
}

/**
 * The selector used with default constraints (helper.DefaultSelector): pods of the same
 * controller. Without Service/ReplicaSet listers we use the labels of a controlled pod.
 */
export function defaultSelector(pod: Pod): LabelSelector | undefined {
  const owned = (pod.metadata?.ownerReferences ?? []).some((o) => o.controller && ['ReplicaSet', 'StatefulSet', 'ReplicationController'].includes(o.kind));
  const labels = pod.metadata?.labels ?? {};
  if (!owned || Object.keys(labels).length === 0) return undefined;
  return { matchLabels: { ...labels } };
}

/**
 * Constraints of the pod for one whenUnsatisfiable mode; pods without any constraint get the
 * defaults (which need a default selector). `fromSpec` tells whether they are the pod's own.
 */
export function podConstraints(pod: Pod, mode: 'DoNotSchedule' | 'ScheduleAnyway', args: PodTopologySpreadArgs): { constraints: Constraint[]; fromSpec: boolean } {
  const own = pod.spec?.topologySpreadConstraints ?? [];
  if (own.length) return { constraints: own.filter((c) => c.whenUnsatisfiable === mode).map((c) => compileConstraint(pod, c)), fromSpec: true };
  const defaults = args.defaultingType === 'List' ? (args.defaultConstraints ?? []) : SYSTEM_DEFAULT_CONSTRAINTS;
  const sel = defaultSelector(pod);
  if (!sel) return { constraints: [], fromSpec: false };
  return { constraints: defaults.filter((c) => c.whenUnsatisfiable === mode).map((c) => compileConstraint(pod, c, sel)), fromSpec: false };
}

/** True when the node has every constraint's topology key (nodeLabelsMatchSpreadConstraints). */
export function hasAllKeys(node: NodeInfo, cs: readonly Constraint[]): boolean {
  for (const c of cs) if (node.labels[c.topologyKey] === undefined) return false;
  return true;
}

/** matchNodeInclusionPolicies: nodeAffinityPolicy Honor keeps nodes the pod may select; nodeTaintsPolicy Honor drops nodes with taints it does not tolerate. */
export function nodeIncluded(c: Constraint, pod: PodInfo, node: NodeInfo, req: RequiredNodeAffinity | undefined): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && req && !req.matches(node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && node.taints.length) {
    const hard = (e: string) => e === 'NoSchedule' || e === 'NoExecute';
    if (findUntoleratedTaint(node.taints, pod.pod.spec?.tolerations ?? [], hard)) return false;
  }
  return true;
}

/** countPodsMatchSelector: same namespace, not terminating, labels match. */
export function countMatching(pods: readonly PodInfo[], sel: LabelMatcher, ns: string): number {
  let n = 0;
  for (const p of pods) if (p.namespace === ns && !p.terminating && sel(p.labels)) n++;
  return n;
}
