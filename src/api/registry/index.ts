/**
 * Every built-in resource the API server serves, group by group, in kube-apiserver's discovery
 * order (legacy core first, then the named groups as the aggregator lists them).
 */
import type { ResourceDef } from '../resource.js';
import { makeCoreResources } from './core/index.js';
import type { AllocatorOptions } from './core/service-alloc.js';
import { apiextensionsResources } from './apiextensions/index.js';
import { appsResources } from './apps/index.js';
import { batchResources } from './batch/index.js';
import { autoscalingResources } from './autoscaling/index.js';
import { certificatesResources } from './certificates/index.js';
import { coordinationResources } from './coordination/index.js';
import { discoveryResources } from './discovery/index.js';
import { eventsResources } from './events/index.js';
import { networkingResources } from './networking/index.js';
import { policyResources } from './policy/index.js';
import { rbacResources } from './rbac/index.js';
import { schedulingResources } from './scheduling/index.js';
import { storageResources } from './storage/index.js';

/** Options for a fresh resource set (the Service allocator keeps in-process reservations). */
export interface BuiltinOptions {
  service?: AllocatorOptions;
}

/** A fresh list of every built-in ResourceDef; pass allocator options to change the service CIDR or node port range. */
export function makeBuiltinResources(opts: BuiltinOptions = {}): ResourceDef[] {
  return [
    ...makeCoreResources({ service: opts.service }),
    ...appsResources,
    ...eventsResources,
    ...autoscalingResources,
    ...batchResources,
    ...certificatesResources,
    ...networkingResources,
    ...policyResources,
    ...rbacResources,
    ...storageResources,
    ...apiextensionsResources,
    ...schedulingResources,
    ...coordinationResources,
    ...discoveryResources,
  ];
}

/** The default set an API server serves. */
export const builtinResources: ResourceDef[] = makeBuiltinResources();

export { systemPriorityClasses } from './scheduling/index.js';
