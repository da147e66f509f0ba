/**
 * The node lifecycle controller (kube-controller-manager's "nodelifecycle" with its NoExecute
 * taint manager, "taint-eviction-controller"), as a ControllerConstructor for startControllers.
 */
import type { ControllerConstructor } from '../common/controller.js';
import { NodeLifecycleController, type NodeLifecycleOptions } from './controller.js';

export { NodeLifecycleController, type NodeLifecycleOptions } from './controller.js';

/** A node lifecycle controller with the given flags (e.g. a shorter --node-monitor-grace-period). */
export function nodeLifecycleControllerWith(opts: NodeLifecycleOptions): ControllerConstructor {
  return (ctx) => new NodeLifecycleController(ctx, opts);
}

/** The node lifecycle controller with upstream's defaults (grace period 40 s, startup grace 60 s). */
export const nodeLifecycleController: ControllerConstructor = nodeLifecycleControllerWith({});
