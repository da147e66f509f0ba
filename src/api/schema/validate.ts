/**
 * Decoding checks of built-in objects against their OpenAPI definitions, standing in for what
 * kube-apiserver's Go decoder does: strict field validation (sigs.k8s.io/json's unknown-field
 * detection, reported as "spec.template.spec.containers[0].imagee") and JSON type errors
 * (encoding/json's UnmarshalTypeError, "json: cannot unmarshal string into Go struct field
 * DeploymentSpec.spec.replicas of type int32").
 */
import type { Definitions, Schema } from './types.js';
import { deref } from './types.js';

const refName = (s: Schema | undefined): string | undefined => s?.$ref?.replace(/^#\/(components\/schemas|definitions)\//, '');

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A schema that accepts anything underneath (RawExtension, JSON, preserve-unknown-fields). */
function isOpen(s: Schema): boolean {
  return s['x-kubernetes-preserve-unknown-fields'] === true || (!s.type && !s.properties && !s.additionalProperties && !s.items);
}

/**
 * Paths of fields the definition does not declare, in document order. Maps are walked into
 * (their values may be structs) but their keys are never unknown; open schemas are not walked.
 */
export function unknownFields(obj: unknown, defs: Definitions, rootDef: string): string[] {
  const out: string[] = [];
  walkUnknown(obj, defs[rootDef], defs, '', out, 0);
  return out;
}

function walkUnknown(v: unknown, schema: Schema | undefined, defs: Definitions, path: string, out: string[], depth: number): void {
  const s = deref(defs, schema);
  if (!s || depth > 64 || v === null || v === undefined || isOpen(s)) return;
  if (Array.isArray(v)) {
    if (s.items) v.forEach((x, i) => walkUnknown(x, s.items, defs, `${path}[${i}]`, out, depth + 1));
    return;
  }
  if (!isPlain(v)) return;
  if (s.properties) {
    for (const [k, x] of Object.entries(v)) {
      const p = path ? `${path}.${k}` : k;
      const ps = s.properties[k];
      if (!ps) out.push(p);
      else walkUnknown(x, ps, defs, p, out, depth + 1);
    }
  } else if (typeof s.additionalProperties === 'object') {
    for (const [k, x] of Object.entries(v)) walkUnknown(x, s.additionalProperties, defs, path ? `${path}.${k}` : k, out, depth + 1);
  }
}

/** Go's name for the JSON kind of a value, as UnmarshalTypeError.Value prints it. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  return 'object';
}

/** The Go type a schema decodes into: int32, string, bool, v1.DeploymentSpec, []v1.Container, map[string]string. */
function goType(schema: Schema | undefined, defs: Definitions): string {
  const name = refName(schema);
  const s = deref(defs, schema);
  if (name) {
    const parts = name.split('.');
    const type = parts.pop() ?? name;
    if (name === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') return 'intstr.IntOrString';
    if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') return 'resource.Quantity';
    if (s?.type === 'object' || s?.properties || !s?.type) return `${parts.pop() ?? ''}.${type}`;
  }
  switch (s?.type) {
    case 'integer':
      return s.format === 'int64' ? 'int64' : 'int32';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return s.format === 'byte' ? '[]uint8' : 'string';
    case 'array':
      return `[]${goType(s.items, defs)}`;
    case 'object':
      return typeof s.additionalProperties === 'object' ? `map[string]${goType(s.additionalProperties, defs)}` : 'map[string]interface {}';
  }
  return 'interface {}';
}

/** The Go value text of a mismatch: "string", or "number 1.5" for a number an integer cannot hold. */
function mismatch(v: unknown, s: Schema): string | undefined {
  if (s['x-kubernetes-int-or-string']) return typeof v === 'string' || typeof v === 'number' ? undefined : jsonKind(v);
  switch (s.type) {
    case 'string':
      return typeof v === 'string' ? undefined : jsonKind(v);
    case 'boolean':
      return typeof v === 'boolean' ? undefined : jsonKind(v);
    case 'number':
      return typeof v === 'number' ? undefined : jsonKind(v);
    case 'integer': {
      if (typeof v !== 'number') return jsonKind(v);
      const limit = s.format === 'int64' ? 2 ** 63 : 2 ** 31;
      return Number.isInteger(v) && v >= -limit && v < limit ? undefined : `number ${String(v)}`;
    }
    case 'array':
      return Array.isArray(v) ? undefined : jsonKind(v);
    case 'object':
      return isPlain(v) ? undefined : jsonKind(v);
  }
  return undefined;
}

/**
 * JSON type errors, as Go's decoder reports them. Like encoding/json, only the first error is
 * returned (it keeps decoding but reports the first), so the list has at most one entry.
 * null is never an error: Go leaves the zero value.
 */
export function typeErrors(obj: unknown, defs: Definitions, rootDef: string): string[] {
  const out: string[] = [];
  const root = defs[rootDef];
  const struct = rootDef.split('.').pop() ?? rootDef;
  walkTypes(obj, root, defs, struct, '', out, 0);
  return out.slice(0, 1);
}

function walkTypes(v: unknown, schema: Schema | undefined, defs: Definitions, struct: string, goPath: string, out: string[], depth: number): void {
  const s = deref(defs, schema);
  if (!s || out.length || depth > 64 || v === null || v === undefined || isOpen(s)) return;
  const bad = mismatch(v, s);
  if (bad !== undefined) {
    const where = goPath ? `Go struct field ${struct}.${goPath}` : `Go value`;
    out.push(`json: cannot unmarshal ${bad} into ${where} of type ${goType(schema, defs)}`);
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) walkTypes(x, s.items, defs, struct, goPath, out, depth + 1);
    return;
  }
  if (!isPlain(v)) return;
  if (s.properties) {
    // Go names the innermost struct that owns the field, with the full dotted JSON path.
    const own = refName(schema)?.split('.').pop() ?? struct;
    for (const [k, x] of Object.entries(v)) {
      const ps = s.properties[k];
      if (ps) walkTypes(x, ps, defs, own, goPath ? `${goPath}.${k}` : k, out, depth + 1);
    }
  } else if (typeof s.additionalProperties === 'object') {
    for (const x of Object.values(v)) walkTypes(x, s.additionalProperties, defs, struct, goPath, out, depth + 1);
  }
}
