/**
 * apps/v1 ControllerRevision (pkg/registry/apps/controllerrevision): an immutable snapshot of a
 * DaemonSet/StatefulSet template. ValidateControllerRevision(Update) and printControllerRevision
 * (CONTROLLER as "<kind>.<group>/<name>" of the controller owner reference).
 */
import type { KubeObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { nonNegative } from '../../validation/util.js';
import { ageColumn, col, nameColumn, str } from '../core/helpers.js';
import { docs } from './docs.js';
import { semanticEqual } from './workload.js';

/** ValidateControllerRevision */
export function validateControllerRevision(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.data === undefined || obj.data === null) errs.push(field.required('data', 'data is mandatory'));
  errs.push(...nonNegative(obj.revision, 'revision'));
  return errs;
}

/** printers.FormatResourceName of the controller reference: "statefulset.apps/web", or "<none>". */
export function controllerName(obj: KubeObject): string {
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const apiVersion = str(ref.apiVersion);
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = group ? `${ref.kind}.${group}` : ref.kind;
  return kind ? `${kind.toLowerCase()}/${ref.name}` : ref.name;
}

export const controllerRevisionResource: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  resource: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  strategy: {
    validate: validateControllerRevision,
    validateUpdate: (obj, old) => (semanticEqual(obj.data, old.data) ? [] : [field.invalid('data', obj.data ?? null, 'field is immutable')]),
    columns: [nameColumn, col('Controller', 'string', 'Controller of the object'), col('Revision', 'string', docs['ControllerRevision.revision']), ageColumn],
    row: (obj) => [obj.metadata.name ?? '', controllerName(obj), Number(obj.revision ?? 0), age(obj.metadata.creationTimestamp)],
  },
};
