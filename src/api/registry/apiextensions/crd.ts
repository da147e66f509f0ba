/**
 * CustomResourceDefinition (apiextensions-apiserver pkg/registry/customresourcedefinition and
 * pkg/apis/apiextensions/validation): cluster-scoped, named <plural>.<group>, names defaulted,
 * exactly one storage version, structural schemas required. Status (NamesAccepted, Established)
 * is written by the API server's CRD controller, not here.
 */
import type { KubeObject } from '../../object.js';
import { isPlainObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field, GoLiteral } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { nameColumn } from '../printers.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../../validation/names.js';
import { validateSchema } from './schema-check.js';

type Obj = Record<string, unknown>;
const view = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** SetDefaults_CustomResourceDefinitionSpec. */
export function defaultCrd(obj: KubeObject): void {
  if (!isPlainObject(obj.spec)) obj.spec = {};
  const spec = obj.spec as Obj;
  if (!isPlainObject(spec.names)) spec.names = {};
  const names = spec.names as Obj;
  const kind = str(names.kind);
  if (!names.singular && kind) names.singular = kind.toLowerCase();
  if (!names.listKind && kind) names.listKind = `${kind}List`;
  if (!isPlainObject(spec.conversion)) spec.conversion = { strategy: 'None' };
  for (const v of arr(spec.versions).map(view)) {
    for (const c of arr(v.additionalPrinterColumns).map(view)) if (c.priority === undefined) c.priority = 0;
  }
}

/** Go's %#v of the versions slice is unreadable; upstream messages show it, we show the names. */
const versionsValue = (vs: Obj[]): GoLiteral => new GoLiteral(`[]apiextensions.CustomResourceDefinitionVersion{${vs.map((v) => JSON.stringify(str(v.name))).join(', ')}}`);

function validateNames(names: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const plural = str(names.plural);
  if (!plural) errs.push(field.required(`${path}.plural`));
  else for (const m of isDNS1035Label(plural)) errs.push(field.invalid(`${path}.plural`, plural, m));
  const singular = str(names.singular);
  if (singular) for (const m of isDNS1035Label(singular)) errs.push(field.invalid(`${path}.singular`, singular, m));
  for (const k of ['kind', 'listKind']) {
    const v = str(names[k]);
    if (!v) {
      errs.push(field.required(`${path}.${k}`));
      continue;
    }
    const m = isDNS1035Label(v.toLowerCase());
    if (m.length) errs.push(field.invalid(`${path}.${k}`, v, `may have mixed case, but should otherwise match: ${m.join(',')}`));
  }
  if (names.kind && names.kind === names.listKind) errs.push(field.invalid(`${path}.listKind`, names.listKind, 'kind and listKind cannot be the same'));
  for (const k of ['shortNames', 'categories']) {
    arr(names[k]).forEach((s, i) => {
      for (const m of isDNS1035Label(str(s))) errs.push(field.invalid(`${path}.${k}[${i}]`, s, m));
    });
  }
  return errs;
}

const columnTypes = ['integer', 'number', 'string', 'boolean', 'date'];

function validateVersion(v: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(v.name);
  for (const m of isDNS1035Label(name)) errs.push(field.invalid(`${path}.name`, name, m));
  const schema = view(v.schema).openAPIV3Schema;
  if (!isPlainObject(schema)) errs.push(field.required(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
  else errs.push(...validateSchema(schema, `${path}.schema.openAPIV3Schema`));
  const scale = view(view(v.subresources).scale);
  if (isPlainObject(view(v.subresources).scale)) {
    const sp = str(scale.specReplicasPath);
    const st = str(scale.statusReplicasPath);
    if (!sp) errs.push(field.required(`${path}.subresources.scale.specReplicasPath`));
    else if (!sp.startsWith('.spec.')) errs.push(field.invalid(`${path}.subresources.scale.specReplicasPath`, sp, 'should be a json path under .spec'));
    if (!st) errs.push(field.required(`${path}.subresources.scale.statusReplicasPath`));
    else if (!st.startsWith('.status.')) errs.push(field.invalid(`${path}.subresources.scale.statusReplicasPath`, st, 'should be a json path under .status'));
  }
  arr(v.additionalPrinterColumns).map(view).forEach((c, i) => {
    const p = `${path}.additionalPrinterColumns[${i}]`;
    if (!str(c.name)) errs.push(field.required(`${p}.name`));
    if (!str(c.type)) errs.push(field.required(`${p}.type`));
    else if (!columnTypes.includes(str(c.type))) errs.push(field.notSupported(`${p}.type`, c.type, columnTypes));
    if (!str(c.jsonPath)) errs.push(field.required(`${p}.JSONPath`));
    if (typeof c.priority === 'number' && c.priority < 0) errs.push(field.invalid(`${p}.priority`, c.priority, 'must be greater than or equal to 0'));
  });
  return errs;
}

/** ValidateCustomResourceDefinition (the parts that do not need a running cluster). */
export function validateCrd(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = view(obj.spec);
  const names = view(spec.names);
  const group = str(spec.group);
  if (obj.metadata.name !== `${str(names.plural)}.${group}`) {
    errs.push(field.invalid('metadata.name', obj.metadata.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  }
  if (!group) errs.push(field.required('spec.group'));
  else {
    const m = isDNS1123Subdomain(group);
    if (m.length) errs.push(field.invalid('spec.group', group, m.join(',')));
    else if (group.split('.').length < 2) errs.push(field.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  const scope = str(spec.scope);
  if (!scope) errs.push(field.required('spec.scope'));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') errs.push(field.notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));
  const versions = arr(spec.versions).map(view);
  if (!versions.length) errs.push(field.required('spec.versions'));
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    if (seen.has(str(v.name))) unique = false;
    seen.add(str(v.name));
    errs.push(...validateVersion(v, `spec.versions[${i}]`));
  });
  if (!unique) errs.push(field.invalid('spec.versions', versionsValue(versions), 'must contain unique version names'));
  if (versions.length && versions.filter((v) => v.storage === true).length !== 1) {
    errs.push(field.invalid('spec.versions', versionsValue(versions), 'must have exactly one version marked as storage version'));
  }
  errs.push(...validateNames(names, 'spec.names'));
  const strategy = str(view(spec.conversion).strategy);
  if (strategy && strategy !== 'None' && strategy !== 'Webhook') errs.push(field.notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook']));
  return errs;
}

/** ValidateCustomResourceDefinitionUpdate: group and names.plural fix the object's name; scope and kind are fixed once established. */
export function validateCrdUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = view(obj.spec);
  const oldSpec = view(old.spec);
  if (spec.group !== oldSpec.group) errs.push(field.invalid('spec.group', spec.group, 'field is immutable'));
  const established = arr(view(old.status).conditions).map(view).some((c) => c.type === 'Established' && c.status === 'True');
  if (established) {
    if (spec.scope !== oldSpec.scope) errs.push(field.invalid('spec.scope', spec.scope, 'field is immutable'));
    if (view(spec.names).kind !== view(oldSpec.names).kind) errs.push(field.invalid('spec.names.kind', view(spec.names).kind, 'field is immutable'));
  }
  return errs;
}

export const crdResource: ResourceDef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  resource: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  subresources: { status: true },
  strategy: {
    default: defaultCrd,
    validate: validateCrd,
    validateUpdate: validateCrdUpdate,
    // The default table convertor: NAME and CREATED AT (RFC 3339, not an age).
    columns: [
      nameColumn,
      { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata', priority: 0 },
    ],
    row: (obj) => [obj.metadata.name ?? '', typeof obj.metadata.creationTimestamp === 'string' ? obj.metadata.creationTimestamp.replace(/\.\d+Z$/, 'Z') : null],
  },
};
