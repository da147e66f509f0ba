import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { clusterRoleBindingResource, clusterRoleResource, roleBindingResource, roleResource } from './roles.js';

function make(fields: Record<string, unknown>, namespace?: string): KubeObject {
  return { metadata: { name: 'x', ...(namespace ? { namespace } : {}), creationTimestamp: new Date().toISOString() }, ...fields };
}
const msgs = (def: typeof roleResource, o: KubeObject): string[] => (def.strategy.validate?.(o) ?? []).map((e) => formatFieldError(e));

test('a Role rule needs verbs, apiGroups and resources', () => {
  assert.deepEqual(msgs(roleResource, make({ rules: [{}] }, 'default')), [
    'rules[0].verbs: Required value: verbs must contain at least one value',
    'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
    'rules[0].resources: Required value: resource rules must supply at least one resource',
  ]);
});

test('a Role may not name non-resource URLs', () => {
  assert.deepEqual(msgs(roleResource, make({ rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }, 'default')), [
    'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
  ]);
  assert.deepEqual(msgs(clusterRoleResource, make({ rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] })), []);
});

test('an aggregationRule needs at least one selector', () => {
  assert.deepEqual(msgs(clusterRoleResource, make({ aggregationRule: { clusterRoleSelectors: [] } })), [
    'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
  ]);
});

test('binding defaults fill the roleRef and subject apiGroups', () => {
  const o = make({ roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }] }, 'default');
  roleBindingResource.strategy.default?.(o);
  assert.deepEqual(o.roleRef, { kind: 'ClusterRole', name: 'view', apiGroup: 'rbac.authorization.k8s.io' });
  assert.deepEqual(o.subjects, [
    { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'ServiceAccount', name: 'sa', namespace: 'ns', apiGroup: '' },
  ]);
  assert.deepEqual(msgs(roleBindingResource, o), []);
});

test('a ClusterRoleBinding may only reference a ClusterRole and needs service account namespaces', () => {
  const o = make({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] });
  assert.deepEqual(msgs(clusterRoleBindingResource, o), ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"', 'subjects[0].namespace: Required value']);
});

test('roleRef cannot change', () => {
  const ref = (name: string): Record<string, string> => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name });
  const errs = roleBindingResource.strategy.validateUpdate?.(make({ roleRef: ref('edit') }), make({ roleRef: ref('view') })) ?? [];
  assert.deepEqual(errs.map((e) => formatFieldError(e)), ['roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef']);
});

test('the binding table shows the role and, wide, the subjects', () => {
  const o = make({ roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'a' }, { kind: 'Group', name: 'g' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }] });
  const row = clusterRoleBindingResource.strategy.row?.(o) ?? [];
  assert.deepEqual([row[0], row[1], ...row.slice(3)], ['x', 'ClusterRole/view', 'a', 'g', 'ns:sa']);
  assert.equal(roleResource.strategy.columns, undefined); // roles use the default NAME / CREATED AT table
});
