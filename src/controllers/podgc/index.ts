/** The pod garbage collector (kube-controller-manager's "podgc" controller). */
import type { ControllerConstructor } from '../common/controller.js';
import { podGCControllerWith } from './controller.js';

export { PodGCController, podGCControllerWith, type PodGCOptions } from './controller.js';
export * from './decide.js';

/** The pod GC with upstream defaults (threshold 12500, every 20 s, 40 s node quarantine). */
export const podGCController: ControllerConstructor = podGCControllerWith({});
