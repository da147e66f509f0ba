/** The Endpoints controller (kube-controller-manager's "endpoint" controller). */
import type { ControllerConstructor } from '../common/controller.js';
import { endpointControllerWith } from './controller.js';

export { EndpointController, endpointControllerWith, type EndpointControllerOptions } from './controller.js';
export { computeSubsets, desiredEndpoints, truncateSubsets } from './subsets.js';

/** The Endpoints controller with upstream defaults (5 workers). */
export const endpointController: ControllerConstructor = endpointControllerWith({});
