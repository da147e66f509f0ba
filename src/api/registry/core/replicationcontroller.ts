/**
 * ReplicationController (pkg/registry/core/replicationcontroller): SetDefaults_ReplicationController
 * (selector and labels from the template, replicas 1), ValidateReplicationController (selector
 * required and matching the template), status and scale subresources.
 */
import type { KubeObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field, GoLiteral } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { formatLabels } from '../printers.js';
import { defaultPodTemplateSpec } from '../../defaults/pod.js';
import { validateLabels } from '../../validation/meta.js';
import { validateWorkloadPodTemplate } from '../../validation/pod.js';
import { matchMapSelector } from '../../validation/selector.js';
import { nonNegative } from '../../validation/util.js';
import { ageColumn, col, docs, nameColumn, replicaCountsRow, specOf, view } from './helpers.js';

export function defaultReplicationController(obj: KubeObject): void {
  const spec = specOf(obj);
  const tmpl = spec.template === undefined || spec.template === null ? undefined : view(spec.template);
  const tmplLabels = tmpl ? (view(tmpl.metadata).labels as Record<string, string> | undefined) : undefined;
  if (tmplLabels && Object.keys(tmplLabels).length) {
    if (spec.selector === undefined || Object.keys(view(spec.selector)).length === 0) spec.selector = { ...tmplLabels };
    if (!obj.metadata.labels || Object.keys(obj.metadata.labels).length === 0) obj.metadata.labels = { ...tmplLabels };
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (tmpl) defaultPodTemplateSpec(tmpl);
}

export function validateReplicationController(obj: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const errs: FieldError[] = [...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds')];
  const selector = view(spec.selector) as Record<string, string>;
  if (Object.keys(selector).length === 0) errs.push(field.required('spec.selector'));
  else errs.push(...validateLabels(selector, 'spec.selector'));
  if (spec.template === undefined || spec.template === null) {
    errs.push(field.required('spec.template'));
    return errs;
  }
  const labels = view(view(view(spec.template).metadata).labels) as Record<string, string>;
  if (Object.keys(selector).length && !matchMapSelector(selector, labels)) {
    const shown = Object.keys(labels).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(labels[k])}`).join(', ');
    errs.push(field.invalid('spec.template.metadata.labels', new GoLiteral(`map[string]string{${shown}}`), '`selector` does not match template `labels`'));
  }
  errs.push(...validateWorkloadPodTemplate(spec.template, 'spec.template', 'ReplicationController'));
  return errs;
}

export const replicationControllerResource: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  resource: 'replicationcontrollers',
  singular: 'replicationcontroller',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
  subresources: {
    status: true,
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' },
  },
  strategy: {
    default: defaultReplicationController,
    prepareForCreate(obj) {
      obj.status = { replicas: 0 };
    },
    validate: validateReplicationController,
    columns: [
      nameColumn,
      col('Desired', 'integer', docs['ReplicationControllerSpec.replicas']),
      col('Current', 'integer', docs['ReplicationControllerStatus.replicas']),
      col('Ready', 'integer', docs['ReplicationControllerStatus.readyReplicas']),
      ageColumn,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', docs['ReplicationControllerSpec.selector'], 1),
    ],
    row: (obj) => replicaCountsRow(obj, formatLabels(view(view(obj.spec).selector) as Record<string, string>)),
  },
};
