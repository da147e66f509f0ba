/**
 * apps/v1 ReplicaSet (pkg/registry/apps/replicaset): SetDefaults_ReplicaSet (replicas 1),
 * ValidateReplicaSetSpec, selector immutability on update, the `status.replicas` field selector
 * and the printReplicaSet table.
 */
import type { KubeObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { defaultPodTemplateSpec } from '../../defaults/pod.js';
import { validateWorkloadPodTemplate } from '../../validation/pod.js';
import { nonNegative } from '../../validation/util.js';
import { ageColumn, col, nameColumn, replicaCountsRow, setDefault, specOf, view } from '../core/helpers.js';
import { docs } from './docs.js';
import { checkTemplateMatch, selectorCell, selectorImmutable, validateRequiredSelector } from './workload.js';

type Obj = Record<string, unknown>;

/** SetDefaults_ReplicaSet plus the template's pod defaults. */
export function defaultReplicaSet(obj: KubeObject): void {
  const spec = specOf(obj);
  setDefault(spec, 'replicas', 1);
  if (spec.template === undefined || spec.template === null) spec.template = {};
  defaultPodTemplateSpec(spec.template as Obj);
}

/** ValidateReplicaSetSpec (upstream reuses the deployment wording for an empty selector). */
export function validateReplicaSet(obj: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const errs: FieldError[] = [...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds')];
  if (validateRequiredSelector(spec.selector, 'spec.selector', 'deployment', errs)) {
    if (spec.template === undefined || spec.template === null) errs.push(field.required('spec.template'));
    else {
      errs.push(...checkTemplateMatch(spec.selector, spec.template, 'spec.template'));
      errs.push(...validateWorkloadPodTemplate(spec.template, 'spec.template', 'ReplicaSet'));
    }
  }
  return errs;
}

export const replicaSetResource: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  resource: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  subresources: {
    status: true,
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' },
  },
  strategy: {
    default: defaultReplicaSet,
    prepareForCreate(obj) {
      obj.status = { replicas: 0 };
    },
    validate: validateReplicaSet,
    validateUpdate: (obj, old) => selectorImmutable(view(obj.spec).selector, view(old.spec).selector, 'spec.selector'),
    fieldSelectors: {
      'status.replicas': (obj) => String(Number(view(obj.status).replicas ?? 0)),
    },
    columns: [
      nameColumn,
      col('Desired', 'integer', docs['ReplicaSetSpec.replicas']),
      col('Current', 'integer', docs['ReplicaSetStatus.replicas']),
      col('Ready', 'integer', docs['ReplicaSetStatus.readyReplicas']),
      ageColumn,
      col('Containers', 'string', docs.containers, 1),
      col('Images', 'string', docs.images, 1),
      col('Selector', 'string', docs['ReplicaSetSpec.selector'], 1),
    ],
    row: (obj) => replicaCountsRow(obj, selectorCell(view(obj.spec).selector)),
  },
};
