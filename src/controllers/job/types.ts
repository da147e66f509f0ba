/**
 * The batch/v1 Job and core/v1 Pod shapes the Job controller reads and writes: kubernetes-types
 * for reading, a mutable JobStatus for the status the controller builds.
 */
import type { Job, JobCondition as K8sJobCondition, JobSpec } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';

export type { Job, JobSpec, Pod };

/** batch.JobTrackingFinalizer: keeps a finished pod until the controller has counted it. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** batch.JobCompletionIndexAnnotation (also the pod label of the PodIndexLabel feature). */
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

/** A job condition (all fields writable). */
export type JobCondition = { -readonly [K in keyof K8sJobCondition]: K8sJobCondition[K] };

/** The JobStatus the controller writes. */
export interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  ready?: number;
  completedIndexes?: string;
  failedIndexes?: string;
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
}

/** A cached object as a Job. */
export function asJob(o: KubeObject): Job {
  return o as unknown as Job;
}

/** A cached object as a Pod. */
export function asPod(o: KubeObject): Pod {
  return o as unknown as Pod;
}

/** metav1.Time as the API writes it: RFC 3339 with whole seconds. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}
