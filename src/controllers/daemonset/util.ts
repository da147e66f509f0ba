/**
 * DaemonSet pod shape and node eligibility (upstream pkg/controller/daemon/util and
 * NodeShouldRunDaemonPod): the pod template gains the default daemon tolerations, the
 * `controller-revision-hash` and `pod-template-generation` labels, and a required node affinity
 * `matchFields metadata.name In [node]` that binds it to its node through the scheduler.
 */
import type { KubeObject } from '../../api/object.js';
import { deepCopy } from '../../api/object.js';
import { findUntoleratedTaint, nodeAffinityMatches, nodeTaints, toleratesTaint, type PodSchedulingSpec, type Toleration } from './nodeaffinity.js';

/** apps.DefaultDaemonSetUniqueLabelKey / ControllerRevisionHashLabelKey */
export const REVISION_HASH_LABEL = 'controller-revision-hash';
/** extensions.DaemonSetTemplateGenerationKey */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** the annotation apps/v1 carries spec.templateGeneration in */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** The DaemonSet spec fields the controller reads. */
export interface DaemonSetSpec {
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] }; spec?: PodSchedulingSpec & { hostNetwork?: boolean } & Record<string, unknown> };
  updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

/** The DaemonSet's spec. */
export function dsSpec(ds: KubeObject): DaemonSetSpec {
  return (ds.spec ?? {});
}

/** The template generation (spec.templateGeneration in the internal API), undefined if unparsable. */
export function templateGeneration(ds: KubeObject): number | undefined {
  const s = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isInteger(n) ? n : undefined;
}

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

/**
 * util.AddOrUpdateDaemonPodTolerations: daemon pods stay on not-ready/unreachable nodes and
 * ignore the pressure and unschedulable taints (network-unavailable too for host-network pods).
 */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const t: Toleration[] = [
    { key: NOT_READY, operator: 'Exists', effect: 'NoExecute' },
    { key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? 'Equal') === (b.operator ?? 'Equal') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
}

/** v1helper.AddOrUpdateTolerationInPodSpec for each default toleration. */
export function withDaemonTolerations(existing: Toleration[] | undefined, hostNetwork: boolean): Toleration[] {
  const out = [...(existing ?? [])];
  for (const t of daemonTolerations(hostNetwork)) {
    const i = out.findIndex((x) => sameToleration(x, t));
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  return out;
}

/** util.CreatePodTemplate: the template with default tolerations and the generation and hash labels. */
export function daemonPodTemplate(ds: KubeObject, hash: string): NonNullable<DaemonSetSpec['template']> {
  const tmpl = deepCopy(dsSpec(ds).template ?? {});
  const spec = (tmpl.spec ??= {});
  spec.tolerations = withDaemonTolerations(spec.tolerations, !!spec.hostNetwork);
  const labels = { ...(tmpl.metadata?.labels ?? {}) };
  const gen = templateGeneration(ds);
  if (gen !== undefined) labels[TEMPLATE_GENERATION_LABEL] = String(gen);
  if (hash) labels[REVISION_HASH_LABEL] = hash;
  tmpl.metadata = { ...(tmpl.metadata ?? {}), labels };
  return tmpl;
}

/**
 * util.ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes the single
 * term `matchFields metadata.name In [node]`, so the scheduler can only place the pod there.
 */
export function bindToNodeAffinity(affinity: PodSchedulingSpec['affinity'] | undefined, nodeName: string): NonNullable<PodSchedulingSpec['affinity']> {
  const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  const a = deepCopy(affinity ?? {});
  const na = (a.nodeAffinity ??= {});
  na.requiredDuringSchedulingIgnoredDuringExecution = { ...(na.requiredDuringSchedulingIgnoredDuringExecution ?? {}), nodeSelectorTerms: [term] };
  return a;
}

/**
 * util.GetTargetNodeName: spec.nodeName once bound, else the node named by the pod's
 * `matchFields metadata.name In [node]` affinity term.
 */
export function targetNodeName(pod: KubeObject): string | undefined {
  const spec = (pod.spec ?? {}) as PodSchedulingSpec;
  if (spec.nodeName) return spec.nodeName;
  for (const term of spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1 && f.values[0]) return f.values[0];
    }
  }
  return undefined;
}

/** Whether a node should run the daemon pod, and whether an existing one may keep running. */
export interface NodeVerdict {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

/**
 * NodeShouldRunDaemonPod: the template's nodeName (if any), nodeSelector and required node
 * affinity must match; an untolerated NoSchedule/NoExecute taint stops new pods, and only an
 * untolerated NoExecute taint evicts existing ones.
 */
export function nodeShouldRunDaemonPod(node: KubeObject, ds: KubeObject): NodeVerdict {
  const tspec = dsSpec(ds).template?.spec ?? {};
  const nodeName = node.metadata.name ?? '';
  if (tspec.nodeName && tspec.nodeName !== nodeName) return { shouldRun: false, shouldContinueRunning: false };
  if (!nodeAffinityMatches(tspec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = withDaemonTolerations(tspec.tolerations, !!tspec.hostNetwork);
  const taints = nodeTaints(node);
  const blocking = findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  if (!blocking) return { shouldRun: true, shouldContinueRunning: true };
  const evicting = findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute');
  return { shouldRun: false, shouldContinueRunning: !evicting };
}

/** util.IsPodUpdated: the pod carries the current hash, or the current template generation. */
export function isPodUpdated(pod: KubeObject, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  const templateMatches = generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === String(generation);
  const hashMatches = hash.length > 0 && labels[REVISION_HASH_LABEL] === hash;
  return hashMatches || templateMatches;
}

export { toleratesTaint };
