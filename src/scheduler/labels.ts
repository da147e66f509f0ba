/**
 * Compiled label/node selectors and toleration matching (apimachinery labels.Selector,
 * component-helpers nodeaffinity, v1helper.TolerationsTolerateTaint). Compiled once per pod so
 * the per-node hot path is a few property reads.
 */
import type { LabelSelector, LabelSelectorRequirement } from 'kubernetes-types/meta/v1.js';
import type { Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from 'kubernetes-types/core/v1.js';

/** A compiled selector over a label map. */
export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean;

/** Matches nothing: a nil selector in affinity terms and spread constraints. */
export const MATCH_NOTHING: LabelMatcher = () => false;
/** Matches everything: an empty selector `{}`. */
export const MATCH_EVERYTHING: LabelMatcher = () => true;

function requirementMatcher(r: LabelSelectorRequirement): LabelMatcher {
  const { key } = r;
  const values = new Set(r.values ?? []);
  switch (r.operator) {
    case 'In':
      return (l) => {
        const v = l[key];
        return v !== undefined && values.has(v);
      };
    case 'NotIn':
      return (l) => {
        const v = l[key];
        return v === undefined || !values.has(v);
      };
    case 'Exists':
      return (l) => l[key] !== undefined;
    case 'DoesNotExist':
      return (l) => l[key] === undefined;
    default:
      return MATCH_NOTHING;
  }
}

/**
 * Compiles a metav1.LabelSelector: null/undefined matches nothing, `{}` everything
 * (LabelSelectorAsSelector). `extra` adds requirements (matchLabelKeys merged by the caller).
 */
export function compileLabelSelector(sel: LabelSelector | null | undefined, extra: LabelSelectorRequirement[] = []): LabelMatcher {
  if (sel === null || sel === undefined) return MATCH_NOTHING;
  const pairs = Object.entries(sel.matchLabels ?? {});
  const reqs = [...(sel.matchExpressions ?? []), ...extra].map(requirementMatcher);
  if (pairs.length === 0 && reqs.length === 0) return MATCH_EVERYTHING;
  if (reqs.length === 0 && pairs.length === 1) {
    const [k, v] = pairs[0]!;
    return (l) => l[k] === v;
  }
  return (l) => {
    for (const [k, v] of pairs) if (l[k] !== v) return false;
    for (const m of reqs) if (!m(l)) return false;
    return true;
  };
}

/** Node-side requirement: labels with In/NotIn/Exists/DoesNotExist/Gt/Lt. */
function nodeRequirementMatcher(r: NodeSelectorRequirement): LabelMatcher | undefined {
  const { key } = r;
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'Gt':
    case 'Lt': {
      // Gt/Lt take exactly one integer value; the label must parse as an integer too.
      if (vals.length !== 1 || !/^-?\d+$/.test(vals[0]!)) return undefined;
      const bound = Number(vals[0]);
      const gt = r.operator === 'Gt';
      return (l) => {
        const v = l[key];
        if (v === undefined || !/^-?\d+$/.test(v)) return false;
        return gt ? Number(v) > bound : Number(v) < bound;
      };
    }
    case 'In':
    case 'NotIn':
    case 'Exists':
    case 'DoesNotExist':
      return requirementMatcher({ key, operator: r.operator, values: vals });
    default:
      return undefined;
  }
}

/** A compiled node selector term: expressions on labels AND fields (only metadata.name exists). */
export type NodeMatcher = (node: Node, labels: Readonly<Record<string, string>>) => boolean;

/** Compiles one NodeSelectorTerm; an empty term matches nothing (upstream's rule). */
export function compileNodeSelectorTerm(term: NodeSelectorTerm): NodeMatcher {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return () => false;
  const labelMs: LabelMatcher[] = [];
  for (const e of exprs) {
    const m = nodeRequirementMatcher(e);
    if (!m) return () => false; // an invalid requirement makes the whole term unsatisfiable
    labelMs.push(m);
  }
  const fieldMs: LabelMatcher[] = [];
  for (const f of fields) {
    if (f.key !== 'metadata.name' || (f.operator !== 'In' && f.operator !== 'NotIn')) return () => false;
    fieldMs.push(requirementMatcher({ key: f.key, operator: f.operator, values: f.values ?? [] }));
  }
  return (node, labels) => {
    for (const m of labelMs) if (!m(labels)) return false;
    if (fieldMs.length) {
      const f = { 'metadata.name': node.metadata?.name ?? '' };
      for (const m of fieldMs) if (!m(f)) return false;
    }
    return true;
  };
}

/** Compiles a NodeSelector: terms are ORed. */
export function compileNodeSelector(sel: NodeSelector): NodeMatcher {
  const terms = sel.nodeSelectorTerms.map(compileNodeSelectorTerm);
  return (n, l) => terms.some((t) => t(n, l));
}

/** v1.Toleration.ToleratesTaint: empty effect matches all effects; Exists with an empty key matches every taint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

/** The first taint (with an effect accepted by `effects`) that no toleration tolerates. */
export function findUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], effects: (e: string) => boolean): Taint | undefined {
  for (const taint of taints) {
    if (!effects(taint.effect)) continue;
    if (!tolerations.some((t) => toleratesTaint(t, taint))) return taint;
  }
  return undefined;
}
