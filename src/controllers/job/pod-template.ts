/**
 * The pod a Job creates (PodControl.CreatePodsWithGenerateName plus the Job controller's
 * additions): the template's labels, annotations and spec, the job-tracking finalizer, a
 * controller ownerReference, and for Indexed jobs the completion-index annotation and label,
 * hostname `<job>-<index>`, generateName `<job>-<index>-` and the JOB_COMPLETION_INDEX variable
 * read from the annotation through the downward API.
 */
import type { KubeObject } from '../../api/object.js';
import type { Job } from './types.js';
import { COMPLETION_INDEX, JOB_TRACKING_FINALIZER } from './types.js';

type Obj = Record<string, unknown>;

const MAX_GENERATED_NAME = 63 - 5;

/** getPodsPrefix / podGenerateNameWithIndex: the prefix is cut so the random suffix still fits. */
export function podGenerateName(jobName: string, index?: number): string {
  if (index === undefined) return `${jobName.slice(0, MAX_GENERATED_NAME - 1)}-`;
  const suffix = `-${index}-`;
  return `${jobName.slice(0, Math.max(0, MAX_GENERATED_NAME - suffix.length))}${suffix}`;
}

function withIndexEnv(containers: unknown): unknown {
  if (!Array.isArray(containers)) return containers;
  return containers.map((c: Obj) => {
    const env = Array.isArray(c.env) ? (c.env as Obj[]) : [];
    if (env.some((e) => e.name === 'JOB_COMPLETION_INDEX')) return c;
    return { ...c, env: [...env, { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } }] };
  });
}

/** The pod manifest for one creation. */
export function podForJob(job: Job, index?: number): KubeObject {
  const tmpl = (job.spec?.template ?? {}) as Obj;
  const tmeta = (tmpl.metadata ?? {}) as Obj;
  const spec = structuredClone((tmpl.spec ?? {}) as Obj);
  const labels = { ...((tmeta.labels ?? {}) as Record<string, string>) };
  const annotations = { ...((tmeta.annotations ?? {}) as Record<string, string>) };
  const finalizers = [...((tmeta.finalizers ?? []) as string[])];
  if (!finalizers.includes(JOB_TRACKING_FINALIZER)) finalizers.push(JOB_TRACKING_FINALIZER);
  if (index !== undefined) {
    annotations[COMPLETION_INDEX] = String(index);
    labels[COMPLETION_INDEX] = String(index);
    spec.hostname = `${job.metadata?.name ?? ''}-${index}`;
    spec.containers = withIndexEnv(spec.containers);
    spec.initContainers = withIndexEnv(spec.initContainers);
    if (spec.initContainers === undefined) delete spec.initContainers;
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: podGenerateName(job.metadata?.name ?? '', index),
      namespace: job.metadata?.namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      finalizers,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata?.name ?? '', uid: job.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec,
  };
}
