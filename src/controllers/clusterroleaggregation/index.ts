/** The ClusterRole aggregation controller (kube-controller-manager's "clusterrole-aggregation"). */
import type { ControllerConstructor } from '../common/controller.js';
import { ClusterRoleAggregationController } from './controller.js';

export { ClusterRoleAggregationController, aggregatedRules, CLUSTERROLES, FIELD_MANAGER } from './controller.js';

/** Builds the controller from the shared context. */
export const clusterRoleAggregationController: ControllerConstructor = (ctx) => new ClusterRoleAggregationController(ctx);
