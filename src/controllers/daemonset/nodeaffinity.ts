/**
 * The scheduling predicates the DaemonSet controller evaluates itself (upstream
 * component-helpers/scheduling/corev1/nodeaffinity and v1helper taint helpers): a pod's
 * nodeSelector and required node affinity against a node, and taints against tolerations.
 */
import type { KubeObject } from '../../api/object.js';

/** core/v1 NodeSelectorRequirement */
export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

/** core/v1 NodeSelectorTerm: its expressions and fields are ANDed. */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** core/v1 Taint */
export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** core/v1 Toleration */
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** The parts of a pod spec the predicates read. */
export interface PodSchedulingSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } };
}

function parseInt64(s: string | undefined): number | undefined {
  if (s === undefined || !/^[+-]?\d+$/.test(s)) return undefined;
  return Number(s);
}

/** One requirement against a set of values (labels, or the node's fields). */
export function requirementMatches(r: NodeSelectorRequirement, values: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, r.key);
  const v = values[r.key];
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && vals.includes(v ?? '');
    case 'NotIn':
      return !has || !vals.includes(v ?? '');
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      // Gt/Lt take exactly one integer value; the label must parse as an integer too.
      if (!has || vals.length !== 1) return false;
      const want = parseInt64(vals[0]);
      const got = parseInt64(v);
      if (want === undefined || got === undefined) return false;
      return r.operator === 'Gt' ? got > want : got < want;
    }
    default:
      return false;
  }
}

/**
 * A term matches when all its expressions (over labels) and fields (only metadata.name is
 * supported, as upstream) hold; a term with neither matches nothing.
 */
export function termMatches(term: NodeSelectorTerm, node: KubeObject): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  if (!exprs.every((r) => requirementMatches(r, labels))) return false;
  return fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, { 'metadata.name': node.metadata.name ?? '' }));
}

/** GetRequiredNodeAffinity(pod).Match(node): nodeSelector equality, then any required term (ORed). */
export function nodeAffinityMatches(spec: PodSchedulingSpec, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

/** v1helper Toleration.ToleratesTaint */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
    case '':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

/** v1helper.FindMatchingUntoleratedTaint: the first taint passing `filter` that no toleration tolerates. */
export function findUntoleratedTaint(taints: Taint[], tolerations: Toleration[], filter: (t: Taint) => boolean): Taint | undefined {
  return taints.filter(filter).find((taint) => !tolerations.some((t) => toleratesTaint(t, taint)));
}

/** The taints of a node (spec.taints). */
export function nodeTaints(node: KubeObject): Taint[] {
  return ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []).filter((t) => !!t && typeof t.key === 'string');
}
