/**
 * Label selector matching, as metav1.LabelSelectorAsSelector + labels.Selector.Matches: an empty
 * selector ({}) matches everything; a missing (null) selector matches nothing.
 */
import type { LabelSelector, LabelSelectorRequirement } from 'kubernetes-types/meta/v1.js';

/** One requirement: In/NotIn/Exists/DoesNotExist (NotIn and DoesNotExist match absent keys). */
export function matchRequirement(req: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const v = labels[req.key];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(v ?? '');
    case 'NotIn':
      return !has || !values.includes(v ?? '');
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false; // an unknown operator cannot be converted upstream; treat as matching nothing
  }
}

/** True when the labels satisfy every matchLabels entry and every matchExpressions requirement. */
export function matchLabelSelector(sel: LabelSelector | undefined | null, labels: Record<string, string> | undefined): boolean {
  if (sel === undefined || sel === null) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (l[k] !== v) return false;
  }
  return (sel.matchExpressions ?? []).every((r) => matchRequirement(r, l));
}

/** A map selector (Service/RC spec.selector): empty or missing selects nothing, as upstream's SelectorFromValidatedSet users treat it. */
export function matchMapSelector(sel: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel || Object.keys(sel).length === 0) return false;
  const l = labels ?? {};
  return Object.entries(sel).every(([k, v]) => l[k] === v);
}

/** metav1.FormatLabelSelector: "app=x,tier in (a,b),!gone"; "<none>" for empty, "<error>" for invalid. */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  if (!sel) return '<none>';
  const parts: string[] = [];
  for (const k of Object.keys(sel.matchLabels ?? {}).sort()) parts.push(`${k}=${sel.matchLabels?.[k] ?? ''}`);
  for (const r of sel.matchExpressions ?? []) {
    const vals = [...(r.values ?? [])].sort().join(',');
    if (r.operator === 'In') parts.push(`${r.key} in (${vals})`);
    else if (r.operator === 'NotIn') parts.push(`${r.key} notin (${vals})`);
    else if (r.operator === 'Exists') parts.push(r.key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${r.key}`);
    else return '<error>';
  }
  return parts.length ? parts.join(',') : '<none>';
}
