/**
 * The apps/v1 resources, each declared in its own strategy file as upstream's
 * pkg/registry/apps/<resource>, in kube-apiserver's discovery order.
 */
import type { ResourceDef } from '../../resource.js';
import { controllerRevisionResource } from './controllerrevision.js';
import { daemonSetResource } from './daemonset.js';
import { deploymentResource } from './deployment.js';
import { replicaSetResource } from './replicaset.js';
import { statefulSetResource } from './statefulset.js';

/** Every apps/v1 ResourceDef. */
export const appsResources: ResourceDef[] = [
  controllerRevisionResource,
  daemonSetResource,
  deploymentResource,
  replicaSetResource,
  statefulSetResource,
];

export { templateGenerationAnnotation } from './daemonset.js';
export { goLabelSelector, selectorCell } from './workload.js';
