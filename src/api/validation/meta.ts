/**
 * ObjectMeta validation as k8s.io/apimachinery/pkg/api/validation/objectmeta.go does it, plus
 * label/annotation/label-selector checks from apimachinery/pkg/apis/meta/v1/validation.
 */
import type { ObjectMeta } from '../object.js';
import { deepEqual, isPlainObject } from '../object.js';
import type { FieldError } from '../field.js';
import { field } from '../field.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './names.js';

/** Upstream TotalAnnotationSizeLimitB: 256 KiB over all keys and values. */
export const totalAnnotationSizeLimitB = 256 * 1024;

export type NameRule = 'subdomain' | 'label' | 'path' | 'none';

/** path.IsValidPathSegmentName: names that must be usable as one URL path segment. */
export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

/**
 * ValidateNameFunc for a rule. With prefix=true (generateName) a trailing '-' is masked first, as
 * upstream's maskTrailingDash, because the generated suffix follows it.
 */
export function validateName(name: string, rule: NameRule, prefix = false): string[] {
  let v = name;
  if (prefix && rule !== 'path' && rule !== 'none' && v.length > 1 && v.endsWith('-')) v = `${v.slice(0, -2)}a`;
  switch (rule) {
    case 'subdomain':
      return isDNS1123Subdomain(v);
    case 'label':
      return isDNS1123Label(v);
    case 'path':
      // IsValidPathSegmentPrefix: a generateName may be "." or ".." (a suffix follows).
      return prefix ? isValidPathSegmentName(v).filter((m) => m.startsWith('may not contain')) : isValidPathSegmentName(v);
    case 'none':
      return [];
  }
}

/** ValidateLabels: keys are qualified names, values valid label values; the path has no key suffix, as upstream. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (!isPlainObject(labels)) return [field.invalid(path, labels, 'must be a map of strings')];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const m of isQualifiedName(k)) errs.push(field.invalid(path, k, m));
    const s = typeof v === 'string' ? v : String(v);
    for (const m of isValidLabelValue(s)) errs.push(field.invalid(path, s, m));
  }
  return errs;
}

/** ValidateAnnotations: keys are qualified names (checked lower-cased), total size ≤ 256 KiB. */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isPlainObject(annotations)) return [field.invalid(path, annotations, 'must be a map of strings')];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(field.invalid(path, k, m));
    total += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : String(v));
  }
  if (total > totalAnnotationSizeLimitB) errs.push(field.tooLong(path, undefined, totalAnnotationSizeLimitB));
  return errs;
}

/** ValidateOwnerReferences: each reference complete; at most one controller. */
export function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  if (refs === undefined || refs === null) return [];
  if (!Array.isArray(refs)) return [field.invalid(path, refs, 'must be a list')];
  const errs: FieldError[] = [];
  let firstController = '';
  for (const raw of refs) {
    const r = isPlainObject(raw) ? raw : {};
    const apiVersion = typeof r.apiVersion === 'string' ? r.apiVersion : '';
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (!version) errs.push(field.invalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'));
    if (!r.kind) errs.push(field.invalid(`${path}.kind`, r.kind ?? '', 'kind must not be empty'));
    if (!r.name) errs.push(field.invalid(`${path}.name`, r.name ?? '', 'name must not be empty'));
    if (!r.uid) errs.push(field.invalid(`${path}.uid`, r.uid ?? '', 'uid must not be empty'));
    if (r.controller === true) {
      const cur = `${String(r.kind)}/${String(r.name)}`;
      if (firstController) {
        errs.push(field.invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`));
      } else firstController = cur;
    }
  }
  return errs;
}

/** ValidateFinalizers: qualified names; orphan and foregroundDeletion together are contradictory. */
export function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  if (finalizers === undefined || finalizers === null) return [];
  if (!Array.isArray(finalizers)) return [field.invalid(path, finalizers, 'must be a list of strings')];
  const errs: FieldError[] = [];
  for (const f of finalizers) {
    const s = String(f);
    for (const m of isQualifiedName(s)) errs.push(field.invalid(path, s, m));
  }
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(field.invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** ValidateObjectMetaAccessor: name/generateName, namespace scope, labels, annotations, owners, finalizers. */
export function validateObjectMeta(
  meta: ObjectMeta | undefined,
  opts: { namespaced: boolean; nameRule: NameRule; path?: string },
): FieldError[] {
  const p = opts.path ?? 'metadata';
  const m: ObjectMeta = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of validateName(m.generateName, opts.nameRule, true)) errs.push(field.invalid(`${p}.generateName`, m.generateName, msg));
  }
  if (!m.name) errs.push(field.required(`${p}.name`, 'name or generateName is required'));
  else for (const msg of validateName(m.name, opts.nameRule)) errs.push(field.invalid(`${p}.name`, m.name, msg));
  if (opts.namespaced) {
    if (!m.namespace) errs.push(field.required(`${p}.namespace`));
    else for (const msg of isDNS1123Label(m.namespace)) errs.push(field.invalid(`${p}.namespace`, m.namespace, msg));
  } else if (m.namespace) {
    errs.push(field.forbidden(`${p}.namespace`, 'not allowed on this type'));
  }
  if (typeof m.generation === 'number' && m.generation < 0) {
    errs.push(field.invalid(`${p}.generation`, m.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(m.labels, `${p}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${p}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${p}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${p}.finalizers`));
  return errs;
}

/** ValidateImmutableField */
export function validateImmutable(newVal: unknown, oldVal: unknown, path: string): FieldError[] {
  return deepEqual(newVal ?? null, oldVal ?? null) ? [] : [field.invalid(path, newVal ?? null, 'field is immutable')];
}

/**
 * ValidateObjectMetaUpdate: identity and deletion state may not change; no new finalizers once
 * deletion started; generation never decreases.
 */
export function validateObjectMetaUpdate(newMeta: ObjectMeta | undefined, oldMeta: ObjectMeta | undefined, path = 'metadata'): FieldError[] {
  const n: ObjectMeta = newMeta ?? {};
  const o: ObjectMeta = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const extra = (n.finalizers ?? []).filter((f) => !(o.finalizers ?? []).includes(f));
    if (extra.length) {
      errs.push(
        field.forbidden(
          `${path}.finalizers`,
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.sort().map((f) => JSON.stringify(f)).join(', ')}}`,
        ),
      );
    }
  }
  if ((n.generation ?? 0) < (o.generation ?? 0)) errs.push(field.invalid(`${path}.generation`, n.generation ?? 0, 'must not be decremented'));
  errs.push(...validateImmutable(n.name, o.name, `${path}.name`));
  errs.push(...validateImmutable(n.namespace, o.namespace, `${path}.namespace`));
  errs.push(...validateImmutable(n.uid, o.uid, `${path}.uid`));
  errs.push(...validateImmutable(n.creationTimestamp, o.creationTimestamp, `${path}.creationTimestamp`));
  errs.push(...validateImmutable(n.deletionTimestamp, o.deletionTimestamp, `${path}.deletionTimestamp`));
  errs.push(...validateImmutable(n.deletionGracePeriodSeconds, o.deletionGracePeriodSeconds, `${path}.deletionGracePeriodSeconds`));
  return errs;
}

/** metav1validation.ValidateLabelSelector (values must be valid label values). */
export function validateLabelSelector(sel: unknown, path: string): FieldError[] {
  if (sel === undefined || sel === null) return [];
  if (!isPlainObject(sel)) return [field.invalid(path, sel, 'must be a label selector object')];
  const errs: FieldError[] = [...validateLabels(sel.matchLabels, `${path}.matchLabels`)];
  const exprs = sel.matchExpressions;
  if (exprs === undefined || exprs === null) return errs;
  if (!Array.isArray(exprs)) return [...errs, field.invalid(`${path}.matchExpressions`, exprs, 'must be a list')];
  exprs.forEach((raw, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const r = isPlainObject(raw) ? raw : {};
    const values = Array.isArray(r.values) ? (r.values as unknown[]) : [];
    switch (r.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(field.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(field.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(field.invalid(`${p}.operator`, r.operator ?? '', 'not a valid selector operator'));
    }
    const key = typeof r.key === 'string' ? r.key : '';
    for (const m of isQualifiedName(key)) errs.push(field.invalid(`${p}.key`, key, m));
    values.forEach((v, j) => {
      const s = String(v);
      for (const m of isValidLabelValue(s)) errs.push(field.invalid(`${p}.values[${j}]`, s, m));
    });
  });
  return errs;
}
