/**
 * Structural-schema checks of a CRD version's openAPIV3Schema (apiextensions-apiserver
 * pkg/apiserver/schema/validation.go, ValidateStructural): every node declares a type unless it is
 * int-or-string or preserves unknown fields, the root is an object, properties and
 * additionalProperties exclude each other, and metadata may only constrain name/generateName.
 */
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import { isPlainObject } from '../../object.js';

type Obj = Record<string, unknown>;
const types = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

/** Errors of a CRD schema; `path` is e.g. "spec.versions[0].schema.openAPIV3Schema". */
export function validateSchema(schema: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (schema.type === undefined || schema.type === '') errs.push(field.required(`${path}.type`, 'must not be empty at the root'));
  else if (schema.type !== 'object') errs.push(field.invalid(`${path}.type`, schema.type, 'must be object at the root'));
  walk(schema, path, true, false, errs);
  const meta = isPlainObject(schema.properties) ? (schema.properties as Obj).metadata : undefined;
  if (isPlainObject(meta)) {
    for (const k of Object.keys(meta)) {
      if (!['type', 'properties', 'description'].includes(k)) errs.push(field.forbidden(`${path}.properties[metadata].${k}`, 'must not be specified'));
    }
    for (const k of Object.keys(isPlainObject(meta.properties) ? meta.properties : {})) {
      if (k !== 'name' && k !== 'generateName') errs.push(field.forbidden(`${path}.properties[metadata].properties[${k}]`, 'must not be specified'));
    }
  }
  return errs;
}

function walk(s: Obj, path: string, root: boolean, underPreserve: boolean, errs: FieldError[]): void {
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (!root) {
    if ((s.type === undefined || s.type === '') && !intOrString && !preserve && !embedded && !underPreserve) {
      errs.push(field.required(`${path}.type`, 'must not be empty for specified object fields'));
    }
  }
  if (typeof s.type === 'string' && s.type !== '' && !types.includes(s.type)) errs.push(field.notSupported(`${path}.type`, s.type, types));
  if (intOrString && s.type !== undefined && s.type !== '') errs.push(field.invalid(`${path}.type`, s.type, 'must be empty if x-kubernetes-int-or-string is true'));
  if (embedded && s.type !== 'object') errs.push(field.invalid(`${path}.type`, s.type ?? '', 'must be object if x-kubernetes-embedded-resource is true'));
  if (preserve === false && s['x-kubernetes-preserve-unknown-fields'] === false) {
    errs.push(field.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  }
  if (isPlainObject(s.properties) && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    errs.push(field.forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  if (s.type === 'array' && !isPlainObject(s.items)) errs.push(field.required(`${path}.items`, 'must be specified'));
  if (s.pattern !== undefined) {
    try {
      if (typeof s.pattern !== 'string') throw new TypeError('pattern');
      new RegExp(s.pattern, 'u');
    } catch {
      errs.push(field.invalid(`${path}.pattern`, s.pattern, 'must be a valid regular expression'));
    }
  }
  for (const [k, v] of Object.entries(isPlainObject(s.properties) ? s.properties : {})) {
    if (isPlainObject(v)) walk(v, `${path}.properties[${k}]`, false, preserve || underPreserve, errs);
  }
  if (isPlainObject(s.items)) walk(s.items, `${path}.items`, false, false, errs);
  if (isPlainObject(s.additionalProperties)) walk(s.additionalProperties, `${path}.additionalProperties`, false, false, errs);
}
