/**
 * Protobuf field table: rbac.authorization.k8s.io/v1 Role, ClusterRole and their bindings.
 * Field numbers, json names and zero handling follow the Go structs in k8s.io/api and
 * k8s.io/apimachinery (protobuf and json struct tags); checked against generated.proto.
 */
import type { MessageTable } from './protobuf-types-schema.js';
import { msg, str } from './protobuf-types-schema.js';

export const rbacMessages: MessageTable = {
  'rbac.v1.PolicyRule': [
    str(1, 'verbs', 'rep'),
    str(2, 'apiGroups', 'rep'),
    str(3, 'resources', 'rep'),
    str(4, 'resourceNames', 'rep'),
    str(5, 'nonResourceURLs', 'rep'),
  ],
  'rbac.v1.Role': [msg(1, 'metadata', 'meta.v1.ObjectMeta'), msg(2, 'rules', 'rbac.v1.PolicyRule', 'rep')],
  'rbac.v1.Subject': [str(1, 'kind', 'keep'), str(2, 'apiGroup'), str(3, 'name', 'keep'), str(4, 'namespace')],
  'rbac.v1.RoleRef': [str(1, 'apiGroup', 'keep'), str(2, 'kind', 'keep'), str(3, 'name', 'keep')],
  'rbac.v1.RoleBinding': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'subjects', 'rbac.v1.Subject', 'rep'),
    msg(3, 'roleRef', 'rbac.v1.RoleRef', 'keep'),
  ],
  'rbac.v1.AggregationRule': [msg(1, 'clusterRoleSelectors', 'meta.v1.LabelSelector', 'rep')],
  'rbac.v1.ClusterRole': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'rules', 'rbac.v1.PolicyRule', 'rep'),
    msg(3, 'aggregationRule', 'rbac.v1.AggregationRule', 'keep'),
  ],
  'rbac.v1.ClusterRoleBinding': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'subjects', 'rbac.v1.Subject', 'rep'),
    msg(3, 'roleRef', 'rbac.v1.RoleRef', 'keep'),
  ],
};
