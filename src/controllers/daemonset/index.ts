/**
 * The DaemonSet controller's entry point for startControllers (kube-controller-manager's
 * "daemonset" controller).
 */
import type { ControllerConstructor } from '../common/controller.js';
import { DaemonSetsController } from './controller.js';

/** Builds the DaemonSet controller on the shared informers. */
export const daemonSetController: ControllerConstructor = (ctx) => new DaemonSetsController(ctx);
