/** The root CA certificate publisher (kube-controller-manager's "root-ca-cert-publisher"). */
import type { ControllerConstructor } from '../common/controller.js';
import { rootCACertPublisherWith } from './controller.js';

export { RootCACertPublisher, rootCACertPublisherWith, desiredRootCAConfigMap, ROOT_CA_CONFIGMAP, DESCRIPTION, DESCRIPTION_ANNOTATION, type RootCACertPublisherOptions } from './controller.js';

/** Publishes the CA the controllers' client trusts (the cluster CA) as kube-root-ca.crt in every namespace. */
export const rootCACertPublisherController: ControllerConstructor = rootCACertPublisherWith({});
