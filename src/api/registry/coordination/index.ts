/** The coordination.k8s.io group: Lease. */
import type { ResourceDef } from '../../resource.js';
import { leaseResource } from './lease.js';

export { leaseResource };
export const coordinationResources: ResourceDef[] = [leaseResource];
