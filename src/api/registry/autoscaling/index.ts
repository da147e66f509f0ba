/**
 * The autoscaling group: HorizontalPodAutoscaler served as v2 (stored, preferred in discovery)
 * and v1 (converted).
 */
import type { ResourceDef } from '../../resource.js';
import { hpaV1Resource } from './hpa-v1.js';
import { hpaV2Resource } from './hpa.js';

export { hpaV1Resource, hpaV2Resource };
export { hpaV1ToV2, hpaV2ToV1 } from './hpa-v1.js';
export const autoscalingResources: ResourceDef[] = [hpaV2Resource, hpaV1Resource];
