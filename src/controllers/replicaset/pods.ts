/**
 * Pod predicates and the pod a ReplicaSet creates, as pkg/api/v1/pod (IsPodReady,
 * IsPodAvailable) and pkg/controller (FilterActivePods, GetPodFromTemplate) define them.
 */
import type { KubeObject } from '../../api/object.js';
import type { PodCondition, PodSpec, PodStatus, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { newControllerRef, type ClaimOwner } from '../common/controller-ref-replicaset.js';

/** A Pod as the controller reads it. */
export interface PodObj extends KubeObject {
  spec?: PodSpec;
  status?: PodStatus;
}

/** The Ready condition, if reported. */
export function readyCondition(pod: PodObj): PodCondition | undefined {
  return (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
}

/** IsPodReady: the Ready condition is True. */
export function isPodReady(pod: PodObj): boolean {
  return readyCondition(pod)?.status === 'True';
}

/**
 * IsPodAvailable: ready for at least minReadySeconds, measured from the Ready condition's
 * lastTransitionTime (strictly before `now`, as upstream compares with Before).
 */
export function isPodAvailable(pod: PodObj, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const t = readyCondition(pod)?.lastTransitionTime;
  if (!t) return false;
  return Date.parse(t) + minReadySeconds * 1000 < now.getTime();
}

/** IsPodActive: not Succeeded/Failed and not being deleted (FilterActivePods). */
export function isPodActive(pod: PodObj): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** The highest restart count of the pod's containers (compareMaxContainerRestarts). */
export function maxContainerRestarts(pod: PodObj): number {
  let max = 0;
  for (const s of pod.status?.containerStatuses ?? []) max = Math.max(max, s.restartCount);
  return max;
}

/**
 * GetPodFromTemplate: labels, annotations and finalizers of the template, generateName
 * `<owner>-`, the controller reference (blockOwnerDeletion), and the template's spec.
 */
export function podFromTemplate(template: PodTemplateSpec | undefined, owner: ClaimOwner, namespace: string): PodObj {
  const meta = template?.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${owner.metadata.name ?? ''}-`,
      namespace,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [newControllerRef(owner)],
    },
    spec: structuredClone(template?.spec ?? { containers: [] }),
  };
}
