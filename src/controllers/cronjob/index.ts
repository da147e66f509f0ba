/** The CronJob controller's constructor for startControllers (kube-controller-manager's "cronjob"). */
import type { ControllerConstructor } from '../common/controller.js';
import { CronJobController } from './controller.js';

export { CronJobController } from './controller.js';

/** Builds the CronJob controller on the shared informers. */
export const cronJobController: ControllerConstructor = (ctx) => new CronJobController(ctx);
