/** The ServiceAccounts controller (kube-controller-manager's "serviceaccount" controller). */
import type { ControllerConstructor } from '../common/controller.js';
import { serviceAccountControllerWith } from './controller.js';

export { ServiceAccountController, serviceAccountControllerWith, missingServiceAccounts, namespaceActive, type ServiceAccountControllerOptions } from './controller.js';

/** Every namespace gets the `default` ServiceAccount. */
export const serviceAccountController: ControllerConstructor = serviceAccountControllerWith({});
