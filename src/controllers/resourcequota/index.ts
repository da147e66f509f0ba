/** The resource quota controller (kube-controller-manager's "resourcequota" controller). */
import type { ControllerConstructor } from '../common/controller.js';
import { resourceQuotaControllerWith } from './controller.js';

export { ResourceQuotaController, resourceQuotaControllerWith, type ResourceQuotaControllerOptions } from './controller.js';

/** The controller with a 30 s full resync and 2 workers. */
export const resourceQuotaController: ControllerConstructor = resourceQuotaControllerWith({});
