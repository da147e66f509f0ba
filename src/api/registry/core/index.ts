/**
 * The core/v1 ("legacy" group) resources, each declared in its own strategy file as upstream's
 * pkg/registry/core/<resource>. `makeCoreResources` builds a fresh set (the Service allocator
 * holds in-process reservations); `coreResources` is the default set an API server serves.
 */
import type { ResourceDef } from '../../resource.js';
import { configMapResource } from './configmap.js';
import { endpointsResource } from './endpoints.js';
import { eventResource } from './event.js';
import { limitRangeResource } from './limitrange.js';
import { namespaceResource } from './namespace.js';
import { nodeResource } from './node.js';
import { persistentVolumeClaimResource, persistentVolumeResource } from './persistentvolume.js';
import { podResource } from './pod.js';
import { podTemplateResource } from './podtemplate.js';
import { replicationControllerResource } from './replicationcontroller.js';
import { resourceQuotaResource } from './resourcequota.js';
import { secretResource } from './secret.js';
import { makeServiceResource } from './service.js';
import type { AllocatorOptions } from './service-alloc.js';
import { serviceAccountResource } from './serviceaccount.js';

/** All core/v1 resources; pass allocator options to change the service CIDR or node port range. */
export function makeCoreResources(opts: { service?: AllocatorOptions } = {}): ResourceDef[] {
  return [
    namespaceResource,
    nodeResource,
    podResource,
    makeServiceResource(opts.service),
    endpointsResource,
    configMapResource,
    secretResource,
    serviceAccountResource,
    eventResource,
    limitRangeResource,
    resourceQuotaResource,
    persistentVolumeResource,
    persistentVolumeClaimResource,
    podTemplateResource,
    replicationControllerResource,
  ];
}

export const coreResources: ResourceDef[] = makeCoreResources();

export { podQOSClass } from './pod.js';
export { podRow } from './pod-printer.js';
export { ServiceAllocator } from './service-alloc.js';
