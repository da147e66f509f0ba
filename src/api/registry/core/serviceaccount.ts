/**
 * ServiceAccount (pkg/registry/core/serviceaccount): secret and imagePullSecret references are
 * object names; printed as NAME SECRETS AGE.
 */
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { isDNS1123Subdomain } from '../../validation/names.js';
import { invalidEach } from '../../validation/util.js';
import { ageColumn, col, docs, list, nameColumn, str, view } from './helpers.js';

export const serviceAccountResource: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  resource: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  subresources: { others: ['token'] },
  strategy: {
    validate(obj) {
      const errs: FieldError[] = [];
      for (const k of ['secrets', 'imagePullSecrets']) {
        list(obj[k]).map(view).forEach((r, i) => {
          const n = str(r.name);
          if (k === 'imagePullSecrets' && !n) errs.push(field.required(`${k}[${i}].name`));
          else if (n) errs.push(...invalidEach(`${k}[${i}].name`, n, isDNS1123Subdomain(n)));
        });
      }
      return errs;
    },
    columns: [nameColumn, col('Secrets', 'string', docs['ServiceAccount.secrets']), ageColumn],
    row: (obj) => [obj.metadata.name ?? '', list(obj.secrets).length, age(obj.metadata.creationTimestamp)],
  },
};
