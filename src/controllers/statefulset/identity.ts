/**
 * StatefulSet pod identity and storage (upstream pkg/controller/statefulset/stateful_set_utils.go):
 * pods are named `<set>-<ordinal>` with hostname = name and subdomain = serviceName, labelled
 * `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index` and
 * `controller-revision-hash: <revision name>`; each volumeClaimTemplate gives the claim
 * `<template>-<set>-<ordinal>` mounted as a volume named after the template; the
 * persistentVolumeClaimRetentionPolicy decides whether claims are owned by the set or the pod.
 */
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { deepCopy } from '../../api/object.js';
import { isPodAvailable, isPodReady, isTerminating, newControllerRef, podPhase } from '../common/workload-helpers-ds-sts.js';

/** apps.StatefulSetPodNameLabel */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** apps.PodIndexLabel (PodIndexLabel feature, on since 1.28) */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
/** apps.StatefulSetRevisionLabel: the pod's revision (a ControllerRevision name) */
export const REVISION_LABEL = 'controller-revision-hash';

/** The StatefulSet spec fields the controller reads. */
export interface StatefulSetSpec {
  replicas?: number;
  serviceName?: string;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] }; spec?: Record<string, unknown> };
  volumeClaimTemplates?: KubeObject[];
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
  ordinals?: { start?: number };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

/** The StatefulSet's spec. */
export function stsSpec(set: KubeObject): StatefulSetSpec {
  return (set.spec ?? {});
}

/** getParentNameAndOrdinal: `<parent>-<n>`, or undefined. */
export function parentAndOrdinal(pod: KubeObject): { parent: string; ordinal: number } | undefined {
  const m = /^(.*)-(\d+)$/.exec(pod.metadata.name ?? '');
  if (!m) return undefined;
  const ordinal = Number(m[2]);
  return Number.isSafeInteger(ordinal) ? { parent: m[1] ?? '', ordinal } : undefined;
}

/** getOrdinal: the pod's ordinal, -1 when its name has none. */
export function ordinalOf(pod: KubeObject): number {
  return parentAndOrdinal(pod)?.ordinal ?? -1;
}

/** isMemberOf: the pod's name says it belongs to the set. */
export function isMemberOf(set: KubeObject, pod: KubeObject): boolean {
  return parentAndOrdinal(pod)?.parent === set.metadata.name;
}

/** getStartOrdinal (spec.ordinals.start, StatefulSetStartOrdinal). */
export function startOrdinal(set: KubeObject): number {
  return stsSpec(set).ordinals?.start ?? 0;
}

/** The number of replicas wanted (spec.replicas, default 1). */
export function replicasOf(set: KubeObject): number {
  return stsSpec(set).replicas ?? 1;
}

/** podInOrdinalRange: start ≤ ordinal < start + replicas. */
export function inOrdinalRange(pod: KubeObject, set: KubeObject): boolean {
  const o = ordinalOf(pod);
  return o >= startOrdinal(set) && o < startOrdinal(set) + replicasOf(set);
}

/** The pod's revision label. */
export function podRevision(pod: KubeObject): string {
  return pod.metadata.labels?.[REVISION_LABEL] ?? '';
}

/** isCreated: the API server has given the pod a phase. */
export function isCreated(pod: KubeObject): boolean {
  return podPhase(pod) !== '';
}

/** isRunningAndReady */
export function isRunningAndReady(pod: KubeObject): boolean {
  return podPhase(pod) === 'Running' && isPodReady(pod);
}

/** isRunningAndAvailable */
export function isRunningAndAvailable(pod: KubeObject, minReadySeconds: number, now: Date): boolean {
  return podPhase(pod) === 'Running' && isPodAvailable(pod, minReadySeconds, now);
}

/** isHealthy: running, ready and not terminating. */
export function isHealthy(pod: KubeObject): boolean {
  return isRunningAndReady(pod) && !isTerminating(pod);
}

/** getPersistentVolumeClaimName */
export function claimName(set: KubeObject, template: KubeObject, ordinal: number): string {
  return `${template.metadata.name ?? ''}-${set.metadata.name ?? ''}-${ordinal}`;
}

/** getPersistentVolumeClaims: the claims of one ordinal, labelled with the set's matchLabels, in template order. */
export function claimsFor(set: KubeObject, ordinal: number): { template: string; claim: KubeObject }[] {
  const matchLabels = stsSpec(set).selector?.matchLabels ?? {};
  return (stsSpec(set).volumeClaimTemplates ?? []).map((t) => {
    const claim = deepCopy(t);
    delete claim.status;
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    claim.metadata = { ...claim.metadata, name: claimName(set, t, ordinal), namespace: set.metadata.namespace, labels: { ...(t.metadata.labels ?? {}), ...matchLabels } };
    return { template: t.metadata.name ?? '', claim };
  });
}

interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  [k: string]: unknown;
}

/** updateStorage: the claim volumes first, then the template's other volumes. */
function withClaimVolumes(set: KubeObject, ordinal: number, volumes: Volume[] | undefined): Volume[] {
  const claims = claimsFor(set, ordinal);
  const names = new Set(claims.map((c) => c.template));
  return [...claims.map((c) => ({ name: c.template, persistentVolumeClaim: { claimName: c.claim.metadata.name ?? '', readOnly: false } })), ...(volumes ?? []).filter((v) => !names.has(v.name))];
}

/** newStatefulSetPod: the pod of `ordinal` from the set (whose template is a revision's). */
export function newStatefulSetPod(set: KubeObject, ordinal: number, revisionName: string): KubeObject {
  const tmpl = deepCopy(stsSpec(set).template ?? {});
  const meta = tmpl.metadata ?? {};
  const name = `${set.metadata.name ?? ''}-${ordinal}`;
  const spec = { ...(tmpl.spec ?? {}) } as Record<string, unknown> & { volumes?: Volume[] };
  spec.hostname = name;
  const service = stsSpec(set).serviceName;
  if (service) spec.subdomain = service;
  spec.volumes = withClaimVolumes(set, ordinal, spec.volumes);
  if (spec.volumes.length === 0) delete spec.volumes;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...(meta.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revisionName },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [newControllerRef(set, 'apps/v1', 'StatefulSet')],
    },
    spec,
  };
}

/** identityMatches: name, namespace and the pod-name / pod-index labels agree with the ordinal. */
export function identityMatches(set: KubeObject, pod: KubeObject): boolean {
  const p = parentAndOrdinal(pod);
  if (!p || p.parent !== set.metadata.name || pod.metadata.namespace !== set.metadata.namespace) return false;
  const l = pod.metadata.labels ?? {};
  return l[POD_NAME_LABEL] === pod.metadata.name && l[POD_INDEX_LABEL] === String(p.ordinal);
}

/** storageMatches: every claim template is mounted from the right claim. */
export function storageMatches(set: KubeObject, pod: KubeObject): boolean {
  const vols = ((pod.spec as { volumes?: Volume[] } | undefined)?.volumes ?? []);
  return claimsFor(set, ordinalOf(pod)).every((c) => vols.some((v) => v.name === c.template && v.persistentVolumeClaim?.claimName === c.claim.metadata.name));
}

function ref(o: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: o.metadata.name ?? '', uid: o.metadata.uid ?? '' };
}

/**
 * updateClaimOwnerRefForSetAndPod: the owner references a claim should carry under the
 * retention policy (whenDeleted=Delete → owned by the set; whenScaled=Delete → owned by its pod
 * once the pod is scaled away), or undefined when the claim's references already agree.
 */
export function claimOwnerRefs(set: KubeObject, pod: KubeObject, claim: KubeObject): OwnerReference[] | undefined {
  const policy = stsSpec(set).persistentVolumeClaimRetentionPolicy ?? {};
  const del = (v: string | undefined): boolean => v === 'Delete';
  const scaledDown = !inOrdinalRange(pod, set);
  let refs = [...(claim.metadata.ownerReferences ?? [])];
  let changed = false;
  const set_ = (o: KubeObject, apiVersion: string, kind: string): void => {
    if (!o.metadata.uid || refs.some((r) => r.uid === o.metadata.uid)) return;
    refs.push(ref(o, apiVersion, kind));
    changed = true;
  };
  const remove = (o: KubeObject): void => {
    if (!refs.some((r) => r.uid === o.metadata.uid)) return;
    refs = refs.filter((r) => r.uid !== o.metadata.uid);
    changed = true;
  };
  const wantSet = del(policy.whenDeleted) && !(del(policy.whenScaled) && scaledDown);
  const wantPod = del(policy.whenScaled) && scaledDown;
  if (wantSet) set_(set, 'apps/v1', 'StatefulSet');
  else remove(set);
  if (wantPod) set_(pod, 'v1', 'Pod');
  else remove(pod);
  return changed ? refs : undefined;
}

/** hasStaleOwnerRef: the claim names a pod of this name with another uid (an earlier incarnation). */
export function claimIsStale(claim: KubeObject, pod: KubeObject): boolean {
  return (claim.metadata.ownerReferences ?? []).some((r) => r.apiVersion === 'v1' && r.kind === 'Pod' && r.name === pod.metadata.name && r.uid !== pod.metadata.uid);
}
