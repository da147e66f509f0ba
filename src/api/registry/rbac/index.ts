/** The rbac.authorization.k8s.io group: Role, ClusterRole, RoleBinding, ClusterRoleBinding. */
import type { ResourceDef } from '../../resource.js';
import { clusterRoleBindingResource, clusterRoleResource, roleBindingResource, roleResource } from './roles.js';

export { clusterRoleBindingResource, clusterRoleResource, roleBindingResource, roleResource };
export const rbacResources: ResourceDef[] = [clusterRoleBindingResource, clusterRoleResource, roleBindingResource, roleResource];
