/**
 * Column descriptions for rbac tables: upstream uses the types' SwaggerDoc() strings, the same API
 * documentation kubernetes-types carries (extracted from it verbatim).
 */
export const docs = {
  "RoleBinding.roleRef": "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.",
  "ClusterRoleBinding.roleRef": "RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.",
} as const;
