/**
 * Shared RBAC checks (pkg/apis/rbac/validation): policy rules, role references, subjects and
 * the v1 defaults for apiGroup fields (SetDefaults_Subject, SetDefaults_*RoleBinding).
 */
import type { KubeObject } from '../../object.js';
import { deepEqual, isPlainObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field, GoLiteral } from '../../field.js';
import { isValidPathSegmentName } from '../../validation/meta.js';
import { isDNS1123Subdomain } from '../../validation/names.js';
import { goStringSlice, invalidEach } from '../../validation/util.js';
import { list, str, view } from '../core/helpers.js';

export const rbacGroup = 'rbac.authorization.k8s.io';

/** ValidatePolicyRule; namespaced rules (Role) may not name non-resource URLs. */
export function validatePolicyRule(raw: unknown, namespaced: boolean, path: string): FieldError[] {
  const r = view(raw);
  const errs: FieldError[] = [];
  if (list(r.verbs).length === 0) errs.push(field.required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = list(r.nonResourceURLs).map(str);
  if (urls.length > 0) {
    const shown = new GoLiteral(goStringSlice(urls));
    if (namespaced) errs.push(field.invalid(`${path}.nonResourceURLs`, shown, 'namespaced rules cannot apply to non-resource URLs'));
    if (list(r.apiGroups).length || list(r.resources).length || list(r.resourceNames).length) {
      errs.push(field.invalid(`${path}.nonResourceURLs`, shown, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (list(r.apiGroups).length === 0) errs.push(field.required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (list(r.resources).length === 0) errs.push(field.required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

/** The rules of a Role or ClusterRole. */
export function validateRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  return list(obj.rules).flatMap((r, i) => validatePolicyRule(r, namespaced, `rules[${i}]`));
}

/** ValidateRoleBindingSubject. */
export function validateSubject(raw: unknown, namespaced: boolean, path: string): FieldError[] {
  const s = view(raw);
  const errs: FieldError[] = [];
  const name = str(s.name);
  const apiGroup = str(s.apiGroup);
  if (!name) errs.push(field.required(`${path}.name`));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name) errs.push(...invalidEach(`${path}.name`, name, isDNS1123Subdomain(name)));
      if (apiGroup) errs.push(field.notSupported(`${path}.apiGroup`, apiGroup, ['']));
      if (!namespaced && !str(s.namespace)) errs.push(field.required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== rbacGroup) errs.push(field.notSupported(`${path}.apiGroup`, apiGroup, [rbacGroup]));
      break;
    default:
      errs.push(field.notSupported(`${path}.kind`, str(s.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

/** roleRef + subjects of a RoleBinding (kinds Role|ClusterRole) or ClusterRoleBinding (ClusterRole). */
export function validateBinding(obj: KubeObject, namespaced: boolean): FieldError[] {
  const ref = view(obj.roleRef);
  const errs: FieldError[] = [];
  if (str(ref.apiGroup) !== rbacGroup) errs.push(field.notSupported('roleRef.apiGroup', str(ref.apiGroup), [rbacGroup]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref.kind))) errs.push(field.notSupported('roleRef.kind', str(ref.kind), kinds));
  const name = str(ref.name);
  if (!name) errs.push(field.required('roleRef.name'));
  else errs.push(...invalidEach('roleRef.name', name, isValidPathSegmentName(name)));
  list(obj.subjects).forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  return errs;
}

/** ValidateRoleBindingUpdate: roleRef is immutable (shown as Go prints rbac.RoleRef). */
export function validateRoleRefUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  if (deepEqual(obj.roleRef ?? {}, old.roleRef ?? {})) return [];
  const ref = view(obj.roleRef);
  const shown = `rbac.RoleRef{APIGroup:${JSON.stringify(str(ref.apiGroup))}, Kind:${JSON.stringify(str(ref.kind))}, Name:${JSON.stringify(str(ref.name))}}`;
  return [field.invalid('roleRef', new GoLiteral(shown), 'cannot change roleRef')];
}

/** SetDefaults_RoleBinding/ClusterRoleBinding and SetDefaults_Subject: the apiGroup fields. */
export function defaultBinding(obj: KubeObject): void {
  if (isPlainObject(obj.roleRef) && !str(obj.roleRef.apiGroup)) obj.roleRef.apiGroup = rbacGroup;
  for (const s of list(obj.subjects)) {
    if (!isPlainObject(s) || str(s.apiGroup)) continue;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
    else if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = rbacGroup;
  }
}

/** rbac.SubjectsStrings: users, groups and "namespace:name" service accounts, each ", "-joined. */
export function subjectsCells(subjects: unknown): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const raw of list(subjects)) {
    const s = view(raw);
    if (s.kind === 'User') users.push(str(s.name));
    else if (s.kind === 'Group') groups.push(str(s.name));
    else if (s.kind === 'ServiceAccount') sas.push(`${str(s.namespace)}:${str(s.name)}`);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}
