/** The ReplicaSet controller (pkg/controller/replicaset), wired by startControllers. */
import type { ControllerConstructor } from '../common/controller.js';
import { newReplicaSetController } from './controller.js';

export { ReplicaSetController } from './controller.js';

/** Constructs the ReplicaSet controller from the shared context. */
export const replicaSetController: ControllerConstructor = (ctx) => newReplicaSetController(ctx);
