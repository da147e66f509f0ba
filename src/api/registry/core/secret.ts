/**
 * Secret (pkg/registry/core/secret): stringData folds into data (the v1 conversion), type
 * defaults to Opaque and is immutable, data keys are config keys with base64 values totalling
 * ≤ 1 MiB, and per-type required keys (ValidateSecret).
 */
import type { KubeObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { isConfigMapKey } from '../../validation/names.js';
import { invalidEach } from '../../validation/util.js';
import { validateImmutable } from '../../validation/meta.js';
import { maxDataSize, validateImmutableData } from './configmap.js';
import { ageColumn, col, docs, nameColumn, str, view } from './helpers.js';

const base64Re = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Go's base64 decoder error position for malformed input (first offending byte). */
function base64Error(v: string): string | undefined {
  if (base64Re.test(v)) return undefined;
  for (let i = 0; i < v.length; i++) {
    if (!/[A-Za-z0-9+/=]/.test(v[i] ?? '')) return `illegal base64 data at input byte ${i}`;
  }
  return `illegal base64 data at input byte ${Math.max(0, v.length - (v.length % 4 || 4))}`;
}

export function validateSecret(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = view(obj.data);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...invalidEach(`data[${k}]`, k, isConfigMapKey(k)));
    const s = str(v);
    const bad = base64Error(s);
    if (bad) errs.push(field.invalid(`data[${k}]`, '<secret contents redacted>', bad));
    else total += Buffer.from(s, 'base64').length;
  }
  if (total > maxDataSize) errs.push(field.tooLong('data', undefined, maxDataSize));
  const has = (k: string): boolean => data[k] !== undefined;
  const annotations = obj.metadata.annotations ?? {};
  switch (str(obj.type)) {
    case 'kubernetes.io/service-account-token':
      if (!annotations['kubernetes.io/service-account.name']) errs.push(field.required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = obj.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) errs.push(field.required(`data[${key}]`));
      else {
        try {
          JSON.parse(Buffer.from(str(data[key]), 'base64').toString('utf8'));
        } catch (e) {
          errs.push(field.invalid(`data[${key}]`, '<secret contents redacted>', (e as Error).message));
        }
      }
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errs.push(field.required('data[username]'), field.required('data[password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!str(data['ssh-privatekey'])) errs.push(field.required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(field.required('data[tls.crt]'));
      if (!has('tls.key')) errs.push(field.required('data[tls.key]'));
      break;
    default:
  }
  return errs;
}

export const secretResource: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  resource: 'secrets',
  singular: 'secret',
  namespaced: true,
  strategy: {
    default(obj) {
      if (!obj.type) obj.type = 'Opaque';
      // stringData is write-only: the v1 conversion merges it into data (stringData wins).
      const sd = obj.stringData;
      if (sd !== undefined && sd !== null) {
        const data = view(obj.data);
        for (const [k, v] of Object.entries(view(sd))) data[k] = Buffer.from(str(v), 'utf8').toString('base64');
        obj.data = data;
        delete obj.stringData;
      }
    },
    validate: validateSecret,
    validateUpdate: (obj, old) => [...validateImmutable(obj.type, old.type, 'type'), ...validateImmutableData(obj, old, ['data'])],
    columns: [
      nameColumn,
      col('Type', 'string', docs['Secret.type']),
      col('Data', 'string', docs['Secret.data']),
      ageColumn,
    ],
    row: (obj) => [obj.metadata.name ?? '', str(obj.type), Object.keys(view(obj.data)).length, age(obj.metadata.creationTimestamp)],
    fieldSelectors: { type: (o) => str(o.type) },
  },
};
