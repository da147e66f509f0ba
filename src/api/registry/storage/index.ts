/** The storage.k8s.io group: StorageClass. */
import type { ResourceDef } from '../../resource.js';
import { storageClassResource } from './storageclass.js';

export { storageClassResource };
export const storageResources: ResourceDef[] = [storageClassResource];
