/** The scheduling.k8s.io group: PriorityClass, plus the bootstrap system classes. */
import type { ResourceDef } from '../../resource.js';
import { priorityClassResource, systemPriorityClasses } from './priorityclass.js';

export { priorityClassResource, systemPriorityClasses };
export const schedulingResources: ResourceDef[] = [priorityClassResource];
