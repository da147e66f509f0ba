/** The policy group: PodDisruptionBudget (the pods/eviction subresource lives with pods). */
import type { ResourceDef } from '../../resource.js';
import { podDisruptionBudgetResource } from './poddisruptionbudget.js';

export { podDisruptionBudgetResource };
export const policyResources: ResourceDef[] = [podDisruptionBudgetResource];
