/**
 * The disruption controller (kube-controller-manager's "disruption"), as a ControllerConstructor
 * for startControllers.
 */
import type { ControllerConstructor } from '../common/controller.js';
import { DisruptionController } from './controller.js';

export { DisruptionController, type DisruptionOptions } from './controller.js';

/** The disruption controller: PodDisruptionBudget status from the pods it selects. */
export const disruptionController: ControllerConstructor = (ctx) => new DisruptionController(ctx);
