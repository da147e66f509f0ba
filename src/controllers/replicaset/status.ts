/**
 * The pure half of syncReplicaSet (pkg/controller/replicaset): how many pods to create or delete
 * (manageReplicas, capped at burstReplicas) and the status the ReplicaSet reports
 * (calculateStatus with its ReplicaFailure condition).
 */
import type { KubeObject } from '../../api/object.js';
import type { ReplicaSetCondition, ReplicaSetSpec, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import { isPodAvailable, isPodReady, type PodObj } from './pods.js';

/** A ReplicaSet as the controller reads it. */
export interface ReplicaSetObj extends KubeObject {
  spec?: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

/** Upstream's BurstReplicas: at most this many creates or deletes per sync. */
export const BURST_REPLICAS = 500;

/** What manageReplicas does: create `create` pods, or delete `delete` of them (never both). */
export interface ReplicaDiff {
  create: number;
  delete: number;
}

/** manageReplicas' arithmetic: the difference between active pods and spec.replicas, capped. */
export function replicaDiff(activePods: number, replicas: number, burst = BURST_REPLICAS): ReplicaDiff {
  const diff = activePods - replicas;
  if (diff < 0) return { create: Math.min(-diff, burst), delete: 0 };
  if (diff > 0) return { create: 0, delete: Math.min(diff, burst) };
  return { create: 0, delete: 0 };
}

function labelsMatch(template: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(template).every(([k, v]) => labels?.[k] === v);
}

/**
 * calculateStatus: counts of the active owned pods; a failed create/delete sets ReplicaFailure
 * (reason FailedCreate or FailedDelete with the error text), a clean sync removes it.
 */
export function calculateStatus(rs: ReplicaSetObj, pods: PodObj[], manageError: { error: Error; creating: boolean } | undefined, now: Date): ReplicaSetStatus {
  const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    if (labelsMatch(templateLabels, p.metadata.labels)) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
  }
  const conditions: ReplicaSetCondition[] = [...(rs.status?.conditions ?? [])];
  const idx = conditions.findIndex((c) => c.type === 'ReplicaFailure');
  if (manageError && idx < 0) {
    conditions.push({
      type: 'ReplicaFailure',
      status: 'True',
      reason: manageError.creating ? 'FailedCreate' : 'FailedDelete',
      message: manageError.error.message,
      lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    });
  } else if (!manageError && idx >= 0) conditions.splice(idx, 1);
  return {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? 0,
    ...(conditions.length ? { conditions } : {}),
  };
}

/** Whether a status write is needed (upstream skips equal counts at the same observedGeneration). */
export function statusChanged(prev: ReplicaSetStatus | undefined, next: ReplicaSetStatus): boolean {
  const p = prev ?? { replicas: 0 };
  return (
    (p.replicas ?? 0) !== next.replicas ||
    (p.fullyLabeledReplicas ?? 0) !== next.fullyLabeledReplicas ||
    (p.readyReplicas ?? 0) !== next.readyReplicas ||
    (p.availableReplicas ?? 0) !== next.availableReplicas ||
    (p.observedGeneration ?? 0) !== next.observedGeneration ||
    JSON.stringify(p.conditions ?? []) !== JSON.stringify(next.conditions ?? [])
  );
}
