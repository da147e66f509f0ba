/**
 * The StatefulSet controller's entry point for startControllers (kube-controller-manager's
 * "statefulset" controller).
 */
import type { ControllerConstructor } from '../common/controller.js';
import { StatefulSetController } from './controller.js';

/** Builds the StatefulSet controller on the shared informers. */
export const statefulSetController: ControllerConstructor = (ctx) => new StatefulSetController(ctx);
