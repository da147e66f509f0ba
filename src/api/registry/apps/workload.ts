/**
 * Pieces the apps/v1 and batch/v1 strategies share: Go-style renderings of the values upstream
 * messages print with %#v (label selectors, label maps, IntOrStrings), label-selector checks as
 * metav1.LabelSelectorAsSelector performs them, int-or-percent validation
 * (pkg/apis/apps/validation ValidatePositiveIntOrPercent & co) and template/selector matching.
 */
import type { FieldError } from '../../field.js';
import { field, GoLiteral } from '../../field.js';
import { deepEqual, isPlainObject } from '../../object.js';
import { validateLabelSelector } from '../../validation/meta.js';
import { isQualifiedName, isValidLabelValue, isValidPercent } from '../../validation/names.js';
import { formatLabelSelector, matchLabelSelector } from '../../validation/selector.js';
import { asArr, asObj, asStr, nonNegative } from '../../validation/util.js';

type Obj = Record<string, unknown>;

/** Go's %#v of a map[string]string: keys sorted, `map[string]string(nil)` when absent. */
export function goStringMap(m: unknown): string {
  if (!isPlainObject(m)) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(asStr(m[k]))}`).join(', ')}}`;
}

function goStrings(v: unknown): string {
  if (!Array.isArray(v)) return '[]string(nil)';
  return `[]string{${v.map((x) => JSON.stringify(asStr(x))).join(', ')}}`;
}

/** %#v of a metav1.LabelSelector, as `field is immutable` and selector errors print it. */
export function goLabelSelector(sel: unknown): GoLiteral | null {
  if (!isPlainObject(sel)) return null; // a nil *LabelSelector prints as "null"
  const exprs = sel.matchExpressions;
  const ml = goStringMap(sel.matchLabels);
  const me = Array.isArray(exprs)
    ? `[]v1.LabelSelectorRequirement{${exprs
        .map((raw) => {
          const r = asObj(raw);
          return `v1.LabelSelectorRequirement{Key:${JSON.stringify(asStr(r.key))}, Operator:${JSON.stringify(asStr(r.operator))}, Values:${goStrings(r.values)}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoLiteral(`v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}`);
}

/** %#v of an intstr.IntOrString (Type 0 = Int, 1 = String). */
export function goIntOrString(v: unknown): GoLiteral {
  if (typeof v === 'string') return new GoLiteral(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}`);
  return new GoLiteral(`intstr.IntOrString{Type:0, IntVal:${typeof v === 'number' ? v : 0}, StrVal:""}`);
}

/** Whether metav1.LabelSelectorAsSelector would accept the selector (nil converts to "nothing"). */
export function selectorConvertible(sel: unknown): boolean {
  if (!isPlainObject(sel)) return true;
  for (const [k, v] of Object.entries(asObj(sel.matchLabels))) {
    if (isQualifiedName(k).length || isValidLabelValue(asStr(v)).length) return false;
  }
  for (const raw of asArr(sel.matchExpressions)) {
    const r = asObj(raw);
    const values = asArr(r.values);
    if (isQualifiedName(asStr(r.key)).length) return false;
    switch (r.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return false;
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) return false;
        break;
      default:
        return false;
    }
    if (values.some((x) => isValidLabelValue(asStr(x)).length > 0)) return false;
  }
  return true;
}

/** labels.Selector.Empty(): a present selector with no requirements selects everything. */
export function selectorEmpty(sel: unknown): boolean {
  if (!isPlainObject(sel)) return false; // labels.Nothing() is not "empty"
  return Object.keys(asObj(sel.matchLabels)).length + asArr(sel.matchExpressions).length === 0;
}

/** Whether the (convertible) selector matches the labels; nil matches nothing, {} everything. */
export function selectorMatches(sel: unknown, labels: unknown): boolean {
  if (!isPlainObject(sel)) return false;
  return matchLabelSelector(sel, asObj(labels) as Record<string, string>);
}

/** The "`selector` does not match template `labels`" error upstream reports under <tmpl>.metadata.labels. */
export function templateLabelsMismatch(tmplPath: string, labels: unknown): FieldError {
  return field.invalid(`${tmplPath}.metadata.labels`, new GoLiteral(goStringMap(labels)), '`selector` does not match template `labels`');
}

/**
 * The selector block Deployment, ReplicaSet and StatefulSet share: required, strictly valid,
 * non-empty. Returns whether the template checks should run (LabelSelectorAsSelector succeeded).
 */
export function validateRequiredSelector(sel: unknown, path: string, kindWord: string, errs: FieldError[], convertMsg = 'invalid label selector'): boolean {
  if (sel === undefined || sel === null) {
    errs.push(field.required(path));
  } else {
    errs.push(...validateLabelSelector(sel, path));
    if (selectorEmpty(sel)) errs.push(field.invalid(path, goLabelSelector(sel), `empty selector is invalid for ${kindWord}`));
  }
  if (!selectorConvertible(sel)) {
    errs.push(field.invalid(path, goLabelSelector(sel), convertMsg));
    return false;
  }
  return true;
}

/** The template/selector match for a convertible selector (skipped for an empty selector, as upstream). */
export function checkTemplateMatch(sel: unknown, tmpl: unknown, tmplPath: string): FieldError[] {
  if (selectorEmpty(sel)) return [];
  const labels = asObj(asObj(tmpl).metadata).labels;
  return selectorMatches(sel, labels) ? [] : [templateLabelsMismatch(tmplPath, labels)];
}

/** getPercentValue: the number of a valid "N%" string. */
function percentValue(v: unknown): number | undefined {
  return typeof v === 'string' && isValidPercent(v).length === 0 ? Number(v.slice(0, -1)) : undefined;
}

/** getIntOrPercentValue: the percent number, else IntValue() (a non-numeric string counts as 0). */
export function intOrPercentValue(v: unknown): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) return Number(v);
  return 0;
}

/** ValidatePositiveIntOrPercent: a percent string or a non-negative integer. */
export function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => field.invalid(path, goIntOrString(v), m));
  if (typeof v === 'number') return nonNegative(v, path);
  return [];
}

/** IsNotMoreThan100Percent */
export function notMoreThan100Percent(v: unknown, path: string): FieldError[] {
  const p = percentValue(v);
  return p !== undefined && p > 100 ? [field.invalid(path, goIntOrString(v), 'must not be greater than 100%')] : [];
}

/** ValidateImmutableField for spec.selector with the selector printed as upstream does. */
export function selectorImmutable(newSel: unknown, oldSel: unknown, path: string): FieldError[] {
  return semanticEqual(newSel, oldSel) ? [] : [field.invalid(path, goLabelSelector(newSel), 'field is immutable')];
}

/** The SELECTOR column: metav1.FormatLabelSelector. */
export function selectorCell(sel: unknown): string {
  return isPlainObject(sel) ? formatLabelSelector(sel) : '<none>';
}

/** Pod template of a workload spec ({} when absent). */
export function templateOf(spec: Obj): Obj {
  return asObj(spec.template);
}

/** Drops nulls and empty lists/maps, as Go decoding + apiequality.Semantic treat them as absent. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(normalize);
  if (!isPlainObject(v)) return v === null ? undefined : v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    const n = normalize(x);
    if (n !== undefined) out[k] = n;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** apiequality.Semantic.DeepEqual over decoded JSON: null, [] and {} equal absent. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return deepEqual(normalize(a), normalize(b));
}
