/** The Deployment controller (pkg/controller/deployment), wired by startControllers. */
import type { ControllerConstructor } from '../common/controller.js';
import { newDeploymentController } from './controller.js';

export { DeploymentController } from './controller.js';

/** Constructs the Deployment controller from the shared context. */
export const deploymentController: ControllerConstructor = (ctx) => newDeploymentController(ctx);
