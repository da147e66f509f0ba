/**
 * Protobuf field table: scheduling.k8s.io: PriorityClass, and the v1alpha3 workload types batch/v1 Job references.
 * Field numbers, json names and zero handling follow the Go structs in k8s.io/api and
 * k8s.io/apimachinery (protobuf and json struct tags); checked against generated.proto.
 */
import type { MessageTable } from './protobuf-types-schema.js';
import { bool, i32, msg, str } from './protobuf-types-schema.js';

export const schedulingMessages: MessageTable = {
  'scheduling.v1alpha3.WorkloadPodGroupBasicSchedulingPolicy': [],
  'scheduling.v1alpha3.WorkloadPodGroupGangSchedulingPolicy': [i32(1, 'minCount', 'keep')],
  'scheduling.v1alpha3.WorkloadPodGroupSchedulingPolicy': [
    msg(1, 'basic', 'scheduling.v1alpha3.WorkloadPodGroupBasicSchedulingPolicy', 'keep'),
    msg(2, 'gang', 'scheduling.v1alpha3.WorkloadPodGroupGangSchedulingPolicy', 'keep'),
  ],
  'scheduling.v1alpha3.TopologyConstraint': [str(1, 'key', 'keep')],
  'scheduling.v1alpha3.WorkloadPodGroupSchedulingConstraints': [
    msg(1, 'topology', 'scheduling.v1alpha3.TopologyConstraint', 'rep'),
  ],
  'scheduling.v1alpha3.WorkloadPodGroupSingleDisruptionMode': [],
  'scheduling.v1alpha3.WorkloadPodGroupAllDisruptionMode': [],
  'scheduling.v1alpha3.WorkloadPodGroupDisruptionMode': [
    msg(1, 'single', 'scheduling.v1alpha3.WorkloadPodGroupSingleDisruptionMode', 'keep'),
    msg(2, 'all', 'scheduling.v1alpha3.WorkloadPodGroupAllDisruptionMode', 'keep'),
  ],
  'scheduling.v1alpha3.WorkloadPodGroupResourceClaim': [
    str(1, 'name', 'keep'),
    str(2, 'resourceClaimName', 'keep'),
    str(3, 'resourceClaimTemplateName', 'keep'),
  ],
  'scheduling.v1.PriorityClass': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    i32(2, 'value', 'keep'),
    bool(3, 'globalDefault'),
    str(4, 'description'),
    str(5, 'preemptionPolicy', 'keep'),
  ],
};
