/**
 * ResourceQuota (pkg/registry/core/resourcequota): hard limits are non-negative quantities,
 * scopes are known; printed as NAME AGE REQUEST LIMIT with "used/hard" pairs.
 */
import type { KubeObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { validateQuantityValue } from '../../validation/container.js';
import { ageColumn, col, list, nameColumn, str, view } from './helpers.js';

const scopes = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];

/** printResourceQuota: "<resource>: <used>/<hard>" for each hard resource, limits.* in LIMIT. */
export function quotaColumns(obj: KubeObject): [string, string] {
  const hard = view(view(obj.spec).hard);
  const statusHard = view(view(obj.status).hard);
  const used = view(view(obj.status).used);
  const req: string[] = [];
  const lim: string[] = [];
  for (const r of Object.keys(hard).sort()) {
    const text = `${r}: ${str(used[r]) || '0'}/${str(statusHard[r]) || '0'}`;
    (r.split('.')[0] === 'limits' && r.includes('.') ? lim : req).push(text);
  }
  return [req.join(', '), lim.join(', ')];
}

export const resourceQuotaResource: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  resource: 'resourcequotas',
  singular: 'resourcequota',
  namespaced: true,
  shortNames: ['quota'],
  subresources: { status: true },
  strategy: {
    tracksGeneration: false,
    validate(obj) {
      const errs: FieldError[] = [];
      const spec = view(obj.spec);
      for (const [r, q] of Object.entries(view(spec.hard))) errs.push(...validateQuantityValue(q, `spec.hard[${r}]`));
      for (const k of ['hard', 'used']) {
        for (const [r, q] of Object.entries(view(view(obj.status)[k]))) errs.push(...validateQuantityValue(q, `status.${k}[${r}]`));
      }
      list(spec.scopes).forEach((s, i) => {
        if (!scopes.includes(str(s))) errs.push(field.notSupported(`spec.scopes[${i}]`, s, scopes));
      });
      return errs;
    },
    columns: [
      nameColumn,
      ageColumn,
      col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
      col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    ],
    row(obj) {
      const [req, lim] = quotaColumns(obj);
      return [obj.metadata.name ?? '', age(obj.metadata.creationTimestamp), req, lim];
    },
  },
};
