/**
 * The StatefulSet controller's decision as a pure function (upstream stateful_set_control.go
 * updateStatefulSet / processReplica / processCondemned and the RollingUpdate loop): from the set,
 * its pods and claims and the current/update revisions, the writes of one pass in order, and the
 * status. With OrderedReady (monotonic) the pass stops at the first pod that is missing, not yet
 * Running and Ready, or terminating, so ordinal n+1 is created only after n is Ready and scale
 * down goes from the highest ordinal; Parallel (burst) acts on every ordinal at once.
 */
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { isTerminating, podPhase } from '../common/workload-helpers-ds-sts.js';
import {
  claimIsStale,
  claimOwnerRefs,
  claimsFor,
  identityMatches,
  inOrdinalRange,
  isCreated,
  isHealthy,
  isRunningAndAvailable,
  isRunningAndReady,
  newStatefulSetPod,
  ordinalOf,
  podRevision,
  replicasOf,
  startOrdinal,
  storageMatches,
  stsSpec,
} from './identity.js';

/** One write of a pass. */
export type StsAction =
  | { type: 'create'; pod: KubeObject; claims: KubeObject[] }
  | { type: 'delete'; pod: KubeObject; reason: 'failed' | 'succeeded' | 'scale' | 'update' }
  | { type: 'createClaims'; pod: KubeObject; claims: KubeObject[] }
  | { type: 'updateIdentity'; pod: KubeObject }
  | { type: 'claimOwners'; claim: KubeObject; ownerReferences: OwnerReference[] };

/** StatefulSetStatus as the controller writes it. */
export interface StsStatus {
  observedGeneration: number;
  replicas: number;
  readyReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
}

/** What planStatefulSet reads. */
export interface StsInput {
  set: KubeObject;
  /** the set with the current revision's template (ApplyRevision) */
  currentSet: KubeObject;
  /** the set with the update revision's template */
  updateSet: KubeObject;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
  pods: KubeObject[];
  /** claims by name (the PVC informer) */
  claim: (name: string) => KubeObject | undefined;
  now: Date;
}

/** The writes of the pass and the resulting status. */
export interface StsPlan {
  actions: StsAction[];
  status: StsStatus;
}

/** computeReplicaStatus over every list given. */
export function countStatus(lists: (KubeObject | undefined)[][], minReady: number, current: string, update: string, now: Date): Pick<StsStatus, 'replicas' | 'readyReplicas' | 'availableReplicas' | 'currentReplicas' | 'updatedReplicas'> {
  const s = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const list of lists) {
    for (const pod of list) {
      if (!pod) continue;
      if (isCreated(pod)) s.replicas++;
      if (isRunningAndReady(pod)) {
        s.readyReplicas++;
        if (isRunningAndAvailable(pod, minReady, now)) s.availableReplicas++;
      }
      if (isCreated(pod) && !isTerminating(pod)) {
        if (podRevision(pod) === current) s.currentReplicas++;
        if (podRevision(pod) === update) s.updatedReplicas++;
      }
    }
  }
  return s;
}

/**
 * newVersionedStatefulSetPod: ordinals below the partition (or, without rollingUpdate, below the
 * current replica count) are created at the current revision, the others at the update revision.
 */
function versionedPod(input: StsInput, ordinal: number): KubeObject {
  const { currentSet, updateSet } = input;
  const us = stsSpec(currentSet).updateStrategy;
  const currentReplicas = Number((currentSet.status as { currentReplicas?: number } | undefined)?.currentReplicas ?? 0);
  const start = startOrdinal(currentSet);
  const useCurrent = (us?.type === 'RollingUpdate' && !us.rollingUpdate && ordinal < start + currentReplicas) || (!!us?.rollingUpdate && ordinal < start + (us.rollingUpdate.partition ?? 0));
  return useCurrent ? newStatefulSetPod(currentSet, ordinal, input.currentRevision) : newStatefulSetPod(updateSet, ordinal, input.updateRevision);
}

/** The claims of a pod's ordinal that do not exist yet. */
function missingClaims(input: StsInput, pod: KubeObject): KubeObject[] {
  return claimsFor(input.updateSet, ordinalOf(pod)).map((c) => c.claim).filter((c) => !input.claim(c.metadata.name ?? ''));
}

/** Claim owner-reference fixes the retention policy asks for. */
function claimFixes(input: StsInput, pod: KubeObject): StsAction[] {
  const out: StsAction[] = [];
  for (const { claim } of claimsFor(input.updateSet, ordinalOf(pod))) {
    const existing = input.claim(claim.metadata.name ?? '');
    if (!existing) continue;
    const refs = claimOwnerRefs(input.updateSet, pod, existing);
    if (refs) out.push({ type: 'claimOwners', claim: existing, ownerReferences: refs });
  }
  return out;
}

/** updateStatefulSet for one pass. */
export function planStatefulSet(input: StsInput): StsPlan {
  const { set, now } = input;
  const minReady = stsSpec(set).minReadySeconds ?? 0;
  const actions: StsAction[] = [];
  const start = startOrdinal(set);
  const count = replicasOf(set);
  const replicas: (KubeObject | undefined)[] = new Array<KubeObject | undefined>(count).fill(undefined);
  const condemned: KubeObject[] = [];
  for (const pod of input.pods) {
    if (inOrdinalRange(pod, set)) replicas[ordinalOf(pod) - start] = pod;
    else if (ordinalOf(pod) >= 0) condemned.push(pod);
  }
  for (let i = 0; i < count; i++) if (!replicas[i]) replicas[i] = versionedPod(input, start + i);
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  const base = { observedGeneration: set.metadata.generation ?? 0, currentRevision: input.currentRevision, updateRevision: input.updateRevision, collisionCount: input.collisionCount };
  const result = (): StsPlan => ({ actions, status: { ...base, ...countStatus([replicas, condemned], minReady, input.currentRevision, input.updateRevision, now) } });

  const firstUnhealthy = replicas.find((p) => p && !isHealthy(p)) ?? [...condemned].reverse().find((p) => !isHealthy(p));
  if (set.metadata.deletionTimestamp) return result();
  const monotonic = stsSpec(set).podManagementPolicy !== 'Parallel';

  // processReplica for each ordinal; in monotonic mode the first blocking pod ends the pass.
  for (let i = 0; i < count; i++) {
    let pod = replicas[i]!;
    const phase = podPhase(pod);
    if (phase === 'Failed' || phase === 'Succeeded') {
      actions.push({ type: 'delete', pod, reason: phase === 'Failed' ? 'failed' : 'succeeded' });
      pod = replicas[i] = versionedPod(input, start + i);
    }
    if (!isCreated(pod)) {
      const stale = stsSpec(set).persistentVolumeClaimRetentionPolicy?.whenScaled === 'Delete' && claimsFor(set, start + i).some(({ claim }) => {
        const c = input.claim(claim.metadata.name ?? '');
        return !!c && claimIsStale(c, pod);
      });
      // A claim still owned by an earlier pod of this ordinal is being deleted with it: wait.
      if (stale) return result();
      actions.push({ type: 'create', pod, claims: missingClaims(input, pod) });
      if (monotonic) return result();
      continue;
    }
    if (podPhase(pod) === 'Pending') {
      const missing = missingClaims(input, pod);
      if (missing.length) actions.push({ type: 'createClaims', pod, claims: missing });
    }
    if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, now))) return result();
    const fixes = claimFixes(input, pod);
    if (!identityMatches(set, pod) || !storageMatches(set, pod)) actions.push({ type: 'updateIdentity', pod });
    actions.push(...fixes);
  }

  // Claims of condemned pods get their scale-down owners before the pods go.
  for (const pod of condemned) actions.push(...claimFixes(input, pod));

  // processCondemned: highest ordinal first; monotonic waits for terminations and healthy predecessors.
  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return result();
      continue;
    }
    if (monotonic && pod !== firstUnhealthy && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, now))) return result();
    actions.push({ type: 'delete', pod, reason: 'scale' });
    if (monotonic) return result();
  }

  const plan = result();
  const us = stsSpec(set).updateStrategy;
  if (us?.type === 'OnDelete') return plan;
  // RollingUpdate: from the highest ordinal down to the partition, one pod at a time.
  const partition = us?.rollingUpdate?.partition ?? 0;
  for (let target = count - 1; target >= partition; target--) {
    const pod = replicas[target]!;
    if (podRevision(pod) !== input.updateRevision && !isTerminating(pod)) {
      actions.push({ type: 'delete', pod, reason: 'update' });
      plan.status.currentReplicas--;
      return plan;
    }
    if (!isHealthy(pod)) return plan;
  }
  return plan;
}

/**
 * completeRollingUpdate: once every replica is updated and ready the update revision becomes
 * the current one.
 */
export function completeRollingUpdate(set: KubeObject, s: StsStatus): StsStatus {
  if (stsSpec(set).updateStrategy?.type === 'RollingUpdate' && s.updatedReplicas === s.replicas && s.readyReplicas === s.replicas) {
    return { ...s, currentReplicas: s.updatedReplicas, currentRevision: s.updateRevision };
  }
  return s;
}

/** inconsistentStatus: whether the stored status differs from the computed one. */
export function statusChanged(set: KubeObject, s: StsStatus): boolean {
  const cur = (set.status ?? {}) as Partial<StsStatus>;
  return (
    s.observedGeneration > (cur.observedGeneration ?? 0) ||
    (['replicas', 'currentReplicas', 'readyReplicas', 'updatedReplicas', 'availableReplicas'] as const).some((k) => s[k] !== (cur[k] ?? 0)) ||
    s.currentRevision !== (cur.currentRevision ?? '') ||
    s.updateRevision !== (cur.updateRevision ?? '')
  );
}
