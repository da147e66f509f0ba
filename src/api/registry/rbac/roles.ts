/**
 * rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding and ClusterRoleBinding
 * (pkg/registry/rbac/*): names are path segments (ValidateRBACName); roles print with the
 * default table (NAME, CREATED AT); bindings print ROLE and, wide, their subjects.
 */
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { KubeObject } from '../../object.js';
import type { ResourceDef, TableColumn } from '../../resource.js';
import { age } from '../printers.js';
import { validateLabelSelector } from '../../validation/meta.js';
import { ageColumn, col, list, nameColumn, str, view } from '../core/helpers.js';
import { docs } from './docs.js';
import { defaultBinding, rbacGroup, subjectsCells, validateBinding, validateRoleRefUpdate, validateRules } from './rules.js';

/** ValidateClusterRole: rules plus an aggregationRule with at least one valid selector. */
export function validateClusterRole(obj: KubeObject): FieldError[] {
  const errs = validateRules(obj, false);
  if (obj.aggregationRule === undefined || obj.aggregationRule === null) return errs;
  const selectors = list(view(obj.aggregationRule).clusterRoleSelectors);
  if (selectors.length === 0) {
    errs.push(field.required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
  }
  selectors.forEach((s, i) => errs.push(...validateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`)));
  return errs;
}

function bindingColumns(kind: 'RoleBinding' | 'ClusterRoleBinding'): TableColumn[] {
  const what = kind === 'RoleBinding' ? 'roleBinding' : 'clusterRoleBinding';
  return [
    nameColumn,
    col('Role', 'string', docs[`${kind}.roleRef`]),
    ageColumn,
    col('Users', 'string', `Users in the ${what}`, 1),
    col('Groups', 'string', `Groups in the ${what}`, 1),
    col('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`, 1),
  ];
}

/** printRoleBinding / printClusterRoleBinding cells. */
export function bindingRow(obj: KubeObject): unknown[] {
  const ref = view(obj.roleRef);
  return [obj.metadata.name ?? '', `${str(ref.kind)}/${str(ref.name)}`, age(obj.metadata.creationTimestamp), ...subjectsCells(obj.subjects)];
}

const base = { group: rbacGroup, version: 'v1' } as const;

export const roleResource: ResourceDef = {
  ...base,
  kind: 'Role',
  resource: 'roles',
  singular: 'role',
  namespaced: true,
  strategy: { nameRule: 'path', validate: (obj) => validateRules(obj, true) },
};

export const clusterRoleResource: ResourceDef = {
  ...base,
  kind: 'ClusterRole',
  resource: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  strategy: { nameRule: 'path', validate: validateClusterRole },
};

export const roleBindingResource: ResourceDef = {
  ...base,
  kind: 'RoleBinding',
  resource: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  strategy: {
    nameRule: 'path',
    default: defaultBinding,
    validate: (obj) => validateBinding(obj, true),
    validateUpdate: validateRoleRefUpdate,
    columns: bindingColumns('RoleBinding'),
    row: bindingRow,
  },
};

export const clusterRoleBindingResource: ResourceDef = {
  ...base,
  kind: 'ClusterRoleBinding',
  resource: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  strategy: {
    nameRule: 'path',
    default: defaultBinding,
    validate: (obj) => validateBinding(obj, false),
    validateUpdate: validateRoleRefUpdate,
    columns: bindingColumns('ClusterRoleBinding'),
    row: bindingRow,
  },
};
