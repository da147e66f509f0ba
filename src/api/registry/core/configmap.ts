/**
 * ConfigMap (pkg/registry/core/configmap): config-key names, total size ≤ 1 MiB, and the
 * `immutable` flag that freezes data, binaryData and itself (ValidateConfigMapUpdate).
 */
import type { KubeObject } from '../../object.js';
import { deepEqual, isPlainObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { isConfigMapKey } from '../../validation/names.js';
import { invalidEach } from '../../validation/util.js';
import { ageColumn, col, docs, nameColumn, view } from './helpers.js';

/** core.MaxSecretSize, also the ConfigMap limit. */
export const maxDataSize = 1024 * 1024;

const immutableMsg = 'field is immutable when `immutable` is set';

/** The immutable-object rule shared by ConfigMap and Secret updates. */
export function validateImmutableData(obj: KubeObject, old: KubeObject, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(field.forbidden('immutable', immutableMsg));
  for (const f of fields) if (!deepEqual(obj[f] ?? {}, old[f] ?? {})) errs.push(field.forbidden(f, immutableMsg));
  return errs;
}

export function validateConfigMap(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = view(obj.data);
  const binary = view(obj.binaryData);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...invalidEach(`data[${k}]`, k, isConfigMapKey(k)));
    if (k in binary) errs.push(field.invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    if (typeof v !== 'string') errs.push(field.invalid(`data[${k}]`, v, 'must be a string'));
    else total += Buffer.byteLength(v);
  }
  for (const [k, v] of Object.entries(binary)) {
    errs.push(...invalidEach(`binaryData[${k}]`, k, isConfigMapKey(k)));
    if (k in data) errs.push(field.invalid(`binaryData[${k}]`, k, 'duplicate of key present in data'));
    total += typeof v === 'string' ? Buffer.from(v, 'base64').length : 0;
  }
  if (total > maxDataSize) errs.push(field.tooLong('', undefined, maxDataSize));
  if (obj.data !== undefined && obj.data !== null && !isPlainObject(obj.data)) errs.push(field.invalid('data', obj.data, 'must be a map of strings'));
  return errs;
}

export const configMapResource: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  strategy: {
    validate: validateConfigMap,
    validateUpdate: (obj, old) => validateImmutableData(obj, old, ['data', 'binaryData']),
    columns: [nameColumn, col('Data', 'string', docs['ConfigMap.data']), ageColumn],
    row: (obj) => [
      obj.metadata.name ?? '',
      Object.keys(view(obj.data)).length + Object.keys(view(obj.binaryData)).length,
      age(obj.metadata.creationTimestamp),
    ],
  },
};
