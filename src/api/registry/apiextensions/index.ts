/** The apiextensions.k8s.io group: CustomResourceDefinition. */
import type { ResourceDef } from '../../resource.js';
import { crdResource } from './crd.js';

export { crdResource };
export const apiextensionsResources: ResourceDef[] = [crdResource];
