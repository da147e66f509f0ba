/** The discovery.k8s.io group: EndpointSlice. */
import type { ResourceDef } from '../../resource.js';
import { endpointSliceResource } from './endpointslice.js';

export { endpointSliceResource };
export const discoveryResources: ResourceDef[] = [endpointSliceResource];
