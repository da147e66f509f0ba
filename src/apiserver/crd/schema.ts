/**
 * The structural-schema machinery a custom resource goes through on every write, as
 * apiextensions-apiserver does it: pruning of unknown fields (pkg/apiserver/schema/pruning),
 * defaulting from `default` (schema/defaulting) and validation against the openAPIV3Schema with
 * kube-openapi's messages ("spec.replicas in body must be of type integer: \"string\"").
 */
import type { FieldError } from '../../api/field.js';
import { field } from '../../api/field.js';

/** The subset of apiextensions.k8s.io/v1 JSONSchemaProps that structural schemas use. */
export interface JSONSchemaProps {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [k: string]: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (path: string, k: string): string => (path ? `${path}.${k}` : k);

/** Fields every object (root or embedded resource) keeps regardless of its schema. */
const typeMetaFields = ['apiVersion', 'kind', 'metadata'];

/**
 * Drops fields the schema does not specify, in place, unless x-kubernetes-preserve-unknown-fields.
 * Returns the pruned paths (fieldValidation=Strict/Warn report them as unknown fields).
 */
export function prune(obj: unknown, schema: JSONSchemaProps | undefined, root = true): string[] {
  const pruned: string[] = [];
  pruneAt(obj, schema, root, '', pruned);
  return pruned;
}

function pruneAt(v: unknown, s: JSONSchemaProps | undefined, isResource: boolean, path: string, out: string[]): void {
  if (!s) return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => pruneAt(x, s.items, false, `${path}[${i}]`, out));
    return;
  }
  if (!isObj(v)) return;
  const embedded = isResource || s['x-kubernetes-embedded-resource'] === true;
  for (const k of Object.keys(v)) {
    if (embedded && typeMetaFields.includes(k)) continue;
    const ps = s.properties?.[k];
    if (ps) {
      pruneAt(v[k], ps, false, join(path, k), out);
    } else if (isObj(s.additionalProperties)) {
      pruneAt(v[k], s.additionalProperties, false, join(path, k), out);
    } else if (!s['x-kubernetes-preserve-unknown-fields'] && s.additionalProperties !== true) {
      out.push(join(path, k));
      delete v[k];
    }
  }
}

/** Applies `default` values of absent properties (and of array items / map values), in place. */
export function applyDefaults(v: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (Array.isArray(v)) {
    for (const x of v) applyDefaults(x, s.items);
    return;
  }
  if (!isObj(v)) return;
  for (const [k, ps] of Object.entries(s.properties ?? {})) {
    // Upstream defaults absent fields, and null ones unless the field is nullable.
    if ((v[k] === undefined || (v[k] === null && !ps.nullable)) && ps.default !== undefined) v[k] = structuredClone(ps.default);
    if (v[k] !== undefined) applyDefaults(v[k], ps);
  }
  if (isObj(s.additionalProperties)) for (const x of Object.values(v)) applyDefaults(x, s.additionalProperties);
}

/** JSON type name as kube-openapi's validator prints it. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

function typeMatches(v: unknown, s: JSONSchemaProps): boolean {
  if (s['x-kubernetes-int-or-string']) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  switch (s.type) {
    case 'object':
      return isObj(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

const int32 = 2 ** 31;

/** Validates `v` (the whole object at the root) against the schema; metadata is the API server's. */
export function validateValue(v: unknown, s: JSONSchemaProps | undefined, path = '', isResource = true): FieldError[] {
  const errs: FieldError[] = [];
  if (s) check(v, s, path, isResource, errs);
  return errs;
}

function check(v: unknown, s: JSONSchemaProps, path: string, isResource: boolean, errs: FieldError[]): void {
  const at = path || '<root>';
  if (v === null) {
    if (!s.nullable && (s.type || s['x-kubernetes-int-or-string'])) {
      errs.push(field.invalid(path, 'null', `${at} in body must be of type ${s.type ?? 'integer or string'}: "null"`));
    }
    return;
  }
  if (!typeMatches(v, s)) {
    const want = s['x-kubernetes-int-or-string'] ? 'integer,string' : (s.type ?? '');
    errs.push(field.invalid(path, typeName(v), `${at} in body must be of type ${want}: "${typeName(v)}"`));
    return;
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    errs.push(field.notSupported(path, v, s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }
  if (typeof v === 'number') checkNumber(v, s, path, at, errs);
  if (typeof v === 'string') checkString(v, s, path, at, errs);
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) errs.push(field.invalid(path, v.length, `${at} in body should have at least ${s.minItems} items`));
    if (s.maxItems !== undefined && v.length > s.maxItems) errs.push({ type: 'FieldValueTooMany', field: path, badValue: v.length, detail: `must have at most ${s.maxItems} items` });
    if (s.uniqueItems && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) errs.push(field.duplicate(path, v));
    if (s.items) v.forEach((x, i) => check(x, s.items!, `${path}[${i}]`, false, errs));
    return;
  }
  if (!isObj(v)) return;
  const embedded = isResource || s['x-kubernetes-embedded-resource'] === true;
  if (s['x-kubernetes-embedded-resource']) {
    for (const k of ['apiVersion', 'kind']) if (!v[k]) errs.push(field.required(join(path, k), 'must not be empty'));
  }
  for (const r of s.required ?? []) {
    if (v[r] === undefined && !(isResource && r === 'metadata')) errs.push(field.required(join(path, r), ''));
  }
  const n = Object.keys(v).length;
  if (s.minProperties !== undefined && n < s.minProperties) errs.push(field.invalid(path, n, `${at} in body should have at least ${s.minProperties} properties`));
  if (s.maxProperties !== undefined && n > s.maxProperties) errs.push({ type: 'FieldValueTooMany', field: path, badValue: n, detail: `must have at most ${s.maxProperties} items` });
  for (const [k, x] of Object.entries(v)) {
    if (embedded && k === 'metadata') continue; // ObjectMeta is validated by the generic machinery
    const ps = s.properties?.[k] ?? (isObj(s.additionalProperties) ? s.additionalProperties : undefined);
    if (ps) check(x, ps, join(path, k), false, errs);
  }
}

function checkNumber(v: number, s: JSONSchemaProps, path: string, at: string, errs: FieldError[]): void {
  if (s.type === 'integer' && s.format === 'int32' && (v < -int32 || v >= int32)) {
    errs.push(field.invalid(path, v, `${at} in body must be of type int32: "${v}"`));
  }
  if (s.minimum !== undefined) {
    if (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum) {
      errs.push(field.invalid(path, v, `${at} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`));
    }
  }
  if (s.maximum !== undefined) {
    if (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum) {
      errs.push(field.invalid(path, v, `${at} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`));
    }
  }
  if (s.multipleOf !== undefined && s.multipleOf !== 0 && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) {
    errs.push(field.invalid(path, v, `${at} in body should be a multiple of ${s.multipleOf}`));
  }
}

function checkString(v: string, s: JSONSchemaProps, path: string, at: string, errs: FieldError[]): void {
  // kube-openapi counts characters (runes), not bytes.
  const len = [...v].length;
  if (s.minLength !== undefined && len < s.minLength) errs.push(field.invalid(path, v, `${at} in body should be at least ${s.minLength} chars long`));
  if (s.maxLength !== undefined && len > s.maxLength) errs.push({ type: 'FieldValueTooLong', field: path, detail: `may not be more than ${s.maxLength} bytes` });
  if (s.pattern !== undefined) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(s.pattern, 'u');
    } catch {
      re = undefined;
    }
    if (re && !re.test(v)) errs.push(field.invalid(path, v, `${at} in body should match '${s.pattern}'`));
  }
  if (s.format === 'date-time' && Number.isNaN(Date.parse(v))) errs.push(field.invalid(path, v, `${at} in body must be of type date-time: "${v}"`));
}
