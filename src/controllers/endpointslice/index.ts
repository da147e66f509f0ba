/** The EndpointSlice controller (kube-controller-manager's "endpointslice" controller). */
import type { ControllerConstructor } from '../common/controller.js';
import { endpointSliceControllerWith } from './controller.js';

export { EndpointSliceController, endpointSliceControllerWith, type EndpointSliceControllerOptions } from './controller.js';
export { desiredGroups, podToEndpoint } from './endpoints.js';
export { planSlices, MAX_ENDPOINTS_PER_SLICE } from './plan.js';

/** The EndpointSlice controller with upstream defaults (5 workers, 100 endpoints per slice). */
export const endpointSliceController: ControllerConstructor = endpointSliceControllerWith({});
