/**
 * coordination.k8s.io/v1 Lease (pkg/registry/coordination/lease): the leader-election and node
 * heartbeat object; ValidateLeaseSpec bounds the duration and transition count.
 */
import type { KubeObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { ageColumn, col, nameColumn, str, view } from '../core/helpers.js';
import { docs } from './docs.js';

/** ValidateLeaseSpec. */
export function validateLease(obj: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const errs: FieldError[] = [];
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0) {
    errs.push(field.invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (typeof spec.leaseTransitions === 'number' && spec.leaseTransitions < 0) {
    errs.push(field.invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  if (str(spec.preferredHolder) && !str(spec.strategy)) {
    errs.push(field.forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

export const leaseResource: ResourceDef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  resource: 'leases',
  singular: 'lease',
  namespaced: true,
  strategy: {
    validate: validateLease,
    columns: [nameColumn, col('Holder', 'string', docs['LeaseSpec.holderIdentity']), ageColumn],
    row: (obj) => [obj.metadata.name ?? '', str(view(obj.spec).holderIdentity), age(obj.metadata.creationTimestamp)],
  },
};
