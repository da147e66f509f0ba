/**
 * Protobuf field table: policy/v1 Eviction and PodDisruptionBudget.
 * Field numbers, json names and zero handling follow the Go structs in k8s.io/api and
 * k8s.io/apimachinery (protobuf and json struct tags); checked against generated.proto.
 */
import type { MessageTable } from './protobuf-types-schema.js';
import { i32, i64, map, msg, str } from './protobuf-types-schema.js';

export const policyMessages: MessageTable = {
  'policy.v1.Eviction': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'deleteOptions', 'meta.v1.DeleteOptions', 'keep'),
  ],
  'policy.v1.PodDisruptionBudgetSpec': [
    msg(1, 'minAvailable', 'intstr.IntOrString', 'keep'),
    msg(2, 'selector', 'meta.v1.LabelSelector', 'keep'),
    msg(3, 'maxUnavailable', 'intstr.IntOrString', 'keep'),
    str(4, 'unhealthyPodEvictionPolicy', 'keep'),
  ],
  'policy.v1.PodDisruptionBudgetStatus': [
    i64(1, 'observedGeneration'),
    map(2, 'disruptedPods', 'meta.v1.Time'),
    i32(3, 'disruptionsAllowed', 'keep'),
    i32(4, 'currentHealthy', 'keep'),
    i32(5, 'desiredHealthy', 'keep'),
    i32(6, 'expectedPods', 'keep'),
    msg(7, 'conditions', 'meta.v1.Condition', 'rep'),
  ],
  'policy.v1.PodDisruptionBudget': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'spec', 'policy.v1.PodDisruptionBudgetSpec'),
    msg(3, 'status', 'policy.v1.PodDisruptionBudgetStatus'),
  ],
};
