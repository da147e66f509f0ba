/**
 * Protobuf field table: batch/v1 Job and CronJob.
 * Field numbers, json names and zero handling follow the Go structs in k8s.io/api and
 * k8s.io/apimachinery (protobuf and json struct tags); checked against generated.proto.
 */
import type { MessageTable } from './protobuf-types-schema.js';
import { bool, i32, i64, msg, str } from './protobuf-types-schema.js';

export const batchMessages: MessageTable = {
  'batch.v1.PodFailurePolicyOnExitCodesRequirement': [
    str(1, 'containerName', 'keep'),
    str(2, 'operator', 'keep'),
    i32(3, 'values', 'rep'),
  ],
  'batch.v1.PodFailurePolicyOnPodConditionsPattern': [str(1, 'type', 'keep'), str(2, 'status', 'keep')],
  'batch.v1.PodFailurePolicyRule': [
    str(1, 'action', 'keep'),
    msg(2, 'onExitCodes', 'batch.v1.PodFailurePolicyOnExitCodesRequirement', 'keep'),
    msg(3, 'onPodConditions', 'batch.v1.PodFailurePolicyOnPodConditionsPattern', 'rep'),
  ],
  'batch.v1.PodFailurePolicy': [msg(1, 'rules', 'batch.v1.PodFailurePolicyRule', 'rep')],
  'batch.v1.SuccessPolicyRule': [str(1, 'succeededIndexes', 'keep'), i32(2, 'succeededCount', 'keep')],
  'batch.v1.SuccessPolicy': [msg(1, 'rules', 'batch.v1.SuccessPolicyRule', 'rep')],
  'batch.v1.JobSchedulingConfiguration': [
    msg(1, 'schedulingPolicy', 'scheduling.v1alpha3.WorkloadPodGroupSchedulingPolicy', 'keep'),
    msg(2, 'schedulingConstraints', 'scheduling.v1alpha3.WorkloadPodGroupSchedulingConstraints', 'keep'),
    msg(3, 'disruptionMode', 'scheduling.v1alpha3.WorkloadPodGroupDisruptionMode', 'keep'),
    msg(4, 'resourceClaims', 'scheduling.v1alpha3.WorkloadPodGroupResourceClaim', 'rep'),
  ],
  'batch.v1.JobSpec': [
    i32(1, 'parallelism', 'keep'),
    i32(2, 'completions', 'keep'),
    i64(3, 'activeDeadlineSeconds', 'keep'),
    msg(11, 'podFailurePolicy', 'batch.v1.PodFailurePolicy', 'keep'),
    msg(16, 'successPolicy', 'batch.v1.SuccessPolicy', 'keep'),
    i32(7, 'backoffLimit', 'keep'),
    i32(12, 'backoffLimitPerIndex', 'keep'),
    i32(13, 'maxFailedIndexes', 'keep'),
    msg(4, 'selector', 'meta.v1.LabelSelector', 'keep'),
    bool(5, 'manualSelector', 'keep'),
    msg(6, 'template', 'core.v1.PodTemplateSpec', 'keep'),
    i32(8, 'ttlSecondsAfterFinished', 'keep'),
    str(9, 'completionMode', 'keep'),
    bool(10, 'suspend', 'keep'),
    str(14, 'podReplacementPolicy', 'keep'),
    str(15, 'managedBy', 'keep'),
    msg(17, 'scheduling', 'batch.v1.JobSchedulingConfiguration', 'keep'),
  ],
  'batch.v1.JobCondition': [
    str(1, 'type', 'keep'),
    str(2, 'status', 'keep'),
    msg(3, 'lastProbeTime', 'meta.v1.Time'),
    msg(4, 'lastTransitionTime', 'meta.v1.Time'),
    str(5, 'reason'),
    str(6, 'message'),
  ],
  'batch.v1.UncountedTerminatedPods': [str(1, 'succeeded', 'rep'), str(2, 'failed', 'rep')],
  'batch.v1.JobStatus': [
    msg(1, 'conditions', 'batch.v1.JobCondition', 'rep'),
    msg(2, 'startTime', 'meta.v1.Time', 'keep'),
    msg(3, 'completionTime', 'meta.v1.Time', 'keep'),
    i32(4, 'active'),
    i32(5, 'succeeded'),
    i32(6, 'failed'),
    i32(11, 'terminating', 'keep'),
    str(7, 'completedIndexes'),
    str(10, 'failedIndexes', 'keep'),
    msg(8, 'uncountedTerminatedPods', 'batch.v1.UncountedTerminatedPods', 'keep'),
    i32(9, 'ready', 'keep'),
  ],
  'batch.v1.Job': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'spec', 'batch.v1.JobSpec'),
    msg(3, 'status', 'batch.v1.JobStatus'),
  ],
  'batch.v1.JobTemplateSpec': [msg(1, 'metadata', 'meta.v1.ObjectMeta'), msg(2, 'spec', 'batch.v1.JobSpec')],
  'batch.v1.CronJobSpec': [
    str(1, 'schedule', 'keep'),
    str(8, 'timeZone', 'keep'),
    i64(2, 'startingDeadlineSeconds', 'keep'),
    str(3, 'concurrencyPolicy'),
    bool(4, 'suspend', 'keep'),
    msg(5, 'jobTemplate', 'batch.v1.JobTemplateSpec', 'keep'),
    i32(6, 'successfulJobsHistoryLimit', 'keep'),
    i32(7, 'failedJobsHistoryLimit', 'keep'),
  ],
  'batch.v1.CronJobStatus': [
    msg(1, 'active', 'core.v1.ObjectReference', 'rep'),
    msg(4, 'lastScheduleTime', 'meta.v1.Time', 'keep'),
    msg(5, 'lastSuccessfulTime', 'meta.v1.Time', 'keep'),
  ],
  'batch.v1.CronJob': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'spec', 'batch.v1.CronJobSpec'),
    msg(3, 'status', 'batch.v1.CronJobStatus'),
  ],
};
