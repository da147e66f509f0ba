/**
 * LimitRange (pkg/registry/core/limitrange): limit types and the min ≤ defaultRequest ≤ default
 * ≤ max ordering (ValidateLimitRange); SetDefaults_LimitRangeItem fills default/defaultRequest.
 */
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { parseQuantity } from '../../validation/quantity.js';
import { validateQuantityValue } from '../../validation/container.js';
import { col, creationDoc, list, nameColumn, str, view } from './helpers.js';

const limitTypes = ['Container', 'Pod', 'PersistentVolumeClaim'];

export function validateLimitRange(spec: unknown): FieldError[] {
  const errs: FieldError[] = [];
  list(view(spec).limits).map(view).forEach((item, i) => {
    const ip = `spec.limits[${i}]`;
    const type = str(item.type);
    if (!limitTypes.includes(type)) errs.push(field.notSupported(`${ip}.type`, type, limitTypes));
    const maps: Record<string, Record<string, unknown>> = {};
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) {
      maps[k] = view(item[k]);
      for (const [r, q] of Object.entries(maps[k] ?? {})) errs.push(...validateQuantityValue(q, `${ip}.${k}[${r}]`));
    }
    if (type === 'Pod' && (item.default !== undefined || item.defaultRequest !== undefined)) {
      if (item.default !== undefined) errs.push(field.forbidden(`${ip}.default`, 'may not be specified when `type` is \'Pod\''));
      if (item.defaultRequest !== undefined) errs.push(field.forbidden(`${ip}.defaultRequest`, 'may not be specified when `type` is \'Pod\''));
    }
    const q = (k: string, r: string): number | undefined => {
      const v = maps[k]?.[r];
      return v === undefined ? undefined : parseQuantity(v as string);
    };
    const s = (k: string, r: string): string => String(maps[k]?.[r]);
    const names = new Set(Object.values(maps).flatMap((m) => Object.keys(m)));
    for (const r of names) {
      const [min, max, def, defReq] = [q('min', r), q('max', r), q('default', r), q('defaultRequest', r)];
      if (min !== undefined && max !== undefined && min > max) errs.push(field.invalid(`${ip}.min[${r}]`, s('min', r), `min value ${s('min', r)} is greater than max value ${s('max', r)}`));
      if (defReq !== undefined && min !== undefined && min > defReq) errs.push(field.invalid(`${ip}.defaultRequest[${r}]`, s('defaultRequest', r), `min value ${s('min', r)} is greater than default request value ${s('defaultRequest', r)}`));
      if (defReq !== undefined && max !== undefined && defReq > max) errs.push(field.invalid(`${ip}.defaultRequest[${r}]`, s('defaultRequest', r), `default request value ${s('defaultRequest', r)} is greater than max value ${s('max', r)}`));
      if (defReq !== undefined && def !== undefined && defReq > def) errs.push(field.invalid(`${ip}.defaultRequest[${r}]`, s('defaultRequest', r), `default request value ${s('defaultRequest', r)} is greater than default limit value ${s('default', r)}`));
      if (def !== undefined && min !== undefined && min > def) errs.push(field.invalid(`${ip}.default[${r}]`, s('min', r), `min value ${s('min', r)} is greater than default value ${s('default', r)}`));
      if (def !== undefined && max !== undefined && def > max) errs.push(field.invalid(`${ip}.default[${r}]`, s('max', r), `default value ${s('default', r)} is greater than max value ${s('max', r)}`));
    }
  });
  return errs;
}

export const limitRangeResource: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  resource: 'limitranges',
  singular: 'limitrange',
  namespaced: true,
  shortNames: ['limits'],
  strategy: {
    default(obj) {
      // SetDefaults_LimitRangeItem: for containers, default limit ← max, defaultRequest ← default (or min).
      for (const item of list(view(obj.spec).limits).map(view)) {
        if (item.type !== 'Container') continue;
        const max = view(item.max);
        const min = view(item.min);
        if (Object.keys(max).length) {
          const d = view(item.default);
          for (const [k, v] of Object.entries(max)) if (d[k] === undefined) d[k] = v;
          item.default = d;
        }
        const dflt = view(item.default);
        if (Object.keys(dflt).length || Object.keys(min).length) {
          const dr = view(item.defaultRequest);
          for (const [k, v] of Object.entries(dflt)) if (dr[k] === undefined) dr[k] = v;
          for (const [k, v] of Object.entries(min)) if (dr[k] === undefined) dr[k] = v;
          item.defaultRequest = dr;
        }
      }
    },
    validate: (obj) => validateLimitRange(obj.spec),
    columns: [nameColumn, col('Created At', 'date', creationDoc)],
    // printLimitRange prints the creation timestamp itself (RFC 3339), not an age.
    row: (obj) => [obj.metadata.name ?? '', obj.metadata.creationTimestamp ?? null],
  },
};
