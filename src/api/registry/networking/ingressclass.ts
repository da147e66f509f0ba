/**
 * networking.k8s.io/v1 IngressClass (pkg/registry/networking/ingressclass): cluster-scoped; the
 * controller is a domain-prefixed path and immutable; parameters scope defaults to Cluster.
 */
import type { KubeObject } from '../../object.js';
import { isPlainObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { isValidPathSegmentName, validateImmutable } from '../../validation/meta.js';
import { isDNS1123Label, isDNS1123Subdomain, regexError } from '../../validation/names.js';
import { invalidEach } from '../../validation/util.js';
import { ageColumn, col, nameColumn, specOf, str, view } from '../core/helpers.js';

const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";

/** SetDefaults_IngressClass: parameters.scope Cluster. */
export function defaultIngressClass(obj: KubeObject): void {
  const params = specOf(obj).parameters;
  if (isPlainObject(params) && (params.scope === undefined || params.scope === null)) params.scope = 'Cluster';
}

/** validation.IsDomainPrefixedPath. */
export function validateDomainPrefixedPath(v: string, path: string): FieldError[] {
  if (!v) return [field.required(path)];
  const i = v.indexOf('/');
  const host = i < 0 ? '' : v.slice(0, i);
  const rest = i < 0 ? '' : v.slice(i + 1);
  if (!host || !rest) return [field.invalid(path, v, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = invalidEach(path, host, isDNS1123Subdomain(host));
  if (!new RegExp(`^${httpPathFmt}$`).test(rest)) errs.push(field.invalid(path, rest, regexError('Invalid path', httpPathFmt)));
  return errs;
}

/** validateIngressClassSpec. */
export function validateIngressClass(obj: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const controller = str(spec.controller);
  const errs: FieldError[] = [];
  if (!controller) errs.push(field.required('spec.controller'));
  else {
    if (controller.length > 250) errs.push(field.tooLong('spec.controller', '', 250));
    errs.push(...validateDomainPrefixedPath(controller, 'spec.controller'));
  }
  if (!isPlainObject(spec.parameters)) return errs;
  const p = spec.parameters;
  if (typeof p.apiGroup === 'string') errs.push(...invalidEach('spec.parameters.apiGroup', p.apiGroup, isDNS1123Subdomain(p.apiGroup)));
  for (const k of ['kind', 'name'] as const) {
    const v = str(p[k]);
    if (!v) errs.push(field.required(`spec.parameters.${k}`));
    else errs.push(...invalidEach(`spec.parameters.${k}`, v, isValidPathSegmentName(v)));
  }
  if (p.scope === undefined || p.scope === null) return [...errs, field.required('spec.parameters.scope')];
  const scope = str(p.scope);
  if (scope !== 'Cluster' && scope !== 'Namespace') errs.push(field.notSupported('spec.parameters.scope', scope, ['Cluster', 'Namespace']));
  else if (scope === 'Namespace') {
    if (typeof p.namespace !== 'string') errs.push(field.required('spec.parameters.namespace', "`parameters.scope` is set to 'Namespace'"));
    else errs.push(...invalidEach('spec.parameters.namespace', p.namespace, isDNS1123Label(p.namespace)));
  } else if (p.namespace !== undefined && p.namespace !== null) {
    errs.push(field.forbidden('spec.parameters.namespace', "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

/** printIngressClass cells: PARAMETERS as Kind[.apiGroup]/name. */
export function ingressClassRow(obj: KubeObject): unknown[] {
  const spec = view(obj.spec);
  let params = '<none>';
  if (isPlainObject(spec.parameters)) {
    const p = spec.parameters;
    params = `${str(p.kind)}${typeof p.apiGroup === 'string' ? `.${p.apiGroup}` : ''}/${str(p.name)}`;
  }
  return [obj.metadata.name ?? '', str(spec.controller), params, age(obj.metadata.creationTimestamp)];
}

export const ingressClassResource: ResourceDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  resource: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  strategy: {
    default: defaultIngressClass,
    tracksGeneration: true,
    validate: validateIngressClass,
    validateUpdate: (obj, old) => validateImmutable(view(obj.spec).controller, view(old.spec).controller, 'spec.controller'),
    columns: [
      nameColumn,
      col('Controller', 'string', 'Controller that is responsible for handling this class'),
      col('Parameters', 'string', 'A reference to a resource with additional parameters'),
      ageColumn,
    ],
    row: ingressClassRow,
  },
};
