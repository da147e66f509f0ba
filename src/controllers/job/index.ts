/**
 * The Job controller's constructor for startControllers (kube-controller-manager's "job"
 * controller, with ttlSecondsAfterFinished handled here as well).
 */
import type { ControllerConstructor } from '../common/controller.js';
import { JobController } from './controller.js';

export { JobController } from './controller.js';
export { planJobSync } from './sync.js';

/** Builds the Job controller on the shared informers. */
export const jobController: ControllerConstructor = (ctx) => new JobController(ctx);
