/** The horizontal pod autoscaler (kube-controller-manager's "horizontalpodautoscaling" controller). */
import type { ControllerConstructor } from '../common/controller.js';
import { horizontalPodAutoscalerControllerWith } from './controller.js';

export { HorizontalController, horizontalPodAutoscalerControllerWith, type HPAOptions } from './controller.js';
export * from './replica-calculator.js';
export * from './normalize.js';

/** The HPA with upstream defaults: 15 s sync, 5 min downscale stabilisation, tolerance 0.1. */
export const horizontalPodAutoscalerController: ControllerConstructor = horizontalPodAutoscalerControllerWith({});
