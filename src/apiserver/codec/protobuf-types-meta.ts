/**
 * Protobuf field table: meta.k8s.io/v1: ObjectMeta and the option/selector types every group embeds.
 * Field numbers, json names and zero handling follow the Go structs in k8s.io/api and
 * k8s.io/apimachinery (protobuf and json struct tags); checked against generated.proto.
 */
import type { MessageTable } from './protobuf-types-schema.js';
import { bool, i64, map, msg, str } from './protobuf-types-schema.js';

export const metaMessages: MessageTable = {
  'meta.v1.OwnerReference': [
    str(5, 'apiVersion', 'keep'),
    str(1, 'kind', 'keep'),
    str(3, 'name', 'keep'),
    str(4, 'uid', 'keep'),
    bool(6, 'controller', 'keep'),
    bool(7, 'blockOwnerDeletion', 'keep'),
  ],
  'meta.v1.ManagedFieldsEntry': [
    str(1, 'manager'),
    str(2, 'operation'),
    str(3, 'apiVersion'),
    msg(4, 'time', 'meta.v1.Time', 'keep'),
    str(6, 'fieldsType'),
    msg(7, 'fieldsV1', 'meta.v1.FieldsV1', 'keep'),
    str(8, 'subresource'),
  ],
  'meta.v1.ObjectMeta': [
    str(1, 'name'),
    str(2, 'generateName'),
    str(3, 'namespace'),
    str(4, 'selfLink'),
    str(5, 'uid'),
    str(6, 'resourceVersion'),
    i64(7, 'generation'),
    msg(8, 'creationTimestamp', 'meta.v1.Time'),
    msg(9, 'deletionTimestamp', 'meta.v1.Time', 'keep'),
    i64(10, 'deletionGracePeriodSeconds', 'keep'),
    map(11, 'labels', 'string'),
    map(12, 'annotations', 'string'),
    msg(13, 'ownerReferences', 'meta.v1.OwnerReference', 'rep'),
    str(14, 'finalizers', 'rep'),
    msg(17, 'managedFields', 'meta.v1.ManagedFieldsEntry', 'rep'),
  ],
  'meta.v1.LabelSelectorRequirement': [str(1, 'key', 'keep'), str(2, 'operator', 'keep'), str(3, 'values', 'rep')],
  'meta.v1.LabelSelector': [
    map(1, 'matchLabels', 'string'),
    msg(2, 'matchExpressions', 'meta.v1.LabelSelectorRequirement', 'rep'),
  ],
  'meta.v1.Condition': [
    str(1, 'type', 'keep'),
    str(2, 'status', 'keep'),
    i64(3, 'observedGeneration'),
    msg(4, 'lastTransitionTime', 'meta.v1.Time', 'keep'),
    str(5, 'reason', 'keep'),
    str(6, 'message', 'keep'),
  ],
  'meta.v1.FieldSelectorRequirement': [str(1, 'key', 'keep'), str(2, 'operator', 'keep'), str(3, 'values', 'rep')],
  'meta.v1.Preconditions': [str(1, 'uid', 'keep'), str(2, 'resourceVersion', 'keep')],
  'meta.v1.DeleteOptions': [
    i64(1, 'gracePeriodSeconds', 'keep'),
    msg(2, 'preconditions', 'meta.v1.Preconditions', 'keep'),
    bool(3, 'orphanDependents', 'keep'),
    str(4, 'propagationPolicy', 'keep'),
    str(5, 'dryRun', 'rep'),
    bool(6, 'ignoreStoreReadErrorWithClusterBreakingPotential', 'keep'),
  ],
};
