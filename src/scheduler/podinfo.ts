/**
 * PodInfo: a pod with everything the plugins need precomputed once (framework.PodInfo): requests,
 * compiled affinity terms, host ports, priority. Built when the pod enters the cache or a cycle.
 */
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';
import type { LabelSelectorRequirement } from 'kubernetes-types/meta/v1.js';
import { compileLabelSelector, type LabelMatcher } from './labels.js';
import { podNonZeroRequests, podRequests, type Resource } from './resources.js';

/** One (anti-)affinity term, compiled (framework.AffinityTerm). */
export interface AffinityTerm {
  topologyKey: string;
  selector: LabelMatcher;
  /** Namespaces listed, or the pod's own when neither namespaces nor namespaceSelector is set. */
  namespaces: ReadonlySet<string>;
  /** Compiled namespaceSelector; undefined when absent (matches no extra namespace). */
  namespaceSelector?: LabelMatcher;
}

/** A preferred term with its weight. */
export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** A host port claim: `hostIP/protocol/port`. */
export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** A pod plus precomputed scheduling facts. */
export interface PodInfo {
  pod: Pod;
  /** `namespace/name`. */
  key: string;
  uid: string;
  namespace: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  priority: number;
  requests: Resource;
  nonZero: { milliCPU: number; memory: number };
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
  hostPorts: HostPort[];
  /** status.startTime in ms (0 when unknown): preemption prefers evicting the youngest. */
  startTime: number;
  terminating: boolean;
}

function compileTerm(pod: Pod, t: PodAffinityTerm): AffinityTerm {
  const ns = pod.metadata?.namespace ?? 'default';
  const labels = pod.metadata?.labels ?? {};
  // matchLabelKeys / mismatchLabelKeys (1.29+): merged into the selector with the incoming pod's values.
  const extra: LabelSelectorRequirement[] = [];
  if (t.labelSelector) {
    for (const k of t.matchLabelKeys ?? []) if (labels[k] !== undefined) extra.push({ key: k, operator: 'In', values: [labels[k]] });
    for (const k of t.mismatchLabelKeys ?? []) if (labels[k] !== undefined) extra.push({ key: k, operator: 'NotIn', values: [labels[k]] });
  }
  const namespaces = new Set(t.namespaces ?? []);
  if (namespaces.size === 0 && !t.namespaceSelector) namespaces.add(ns);
  return {
    topologyKey: t.topologyKey,
    selector: compileLabelSelector(t.labelSelector, extra),
    namespaces,
    ...(t.namespaceSelector ? { namespaceSelector: compileLabelSelector(t.namespaceSelector) } : {}),
  };
}

function compileWeighted(pod: Pod, ts: WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] {
  return (ts ?? []).map((w) => ({ ...compileTerm(pod, w.podAffinityTerm), weight: w.weight }));
}

/** Builds the PodInfo of a pod. */
export function newPodInfo(pod: Pod): PodInfo {
  const aff = pod.spec?.affinity;
  const hostPorts: HostPort[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (p.hostPort && p.hostPort > 0) hostPorts.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol ?? 'TCP', port: p.hostPort });
    }
  }
  const ns = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '';
  const start = pod.status?.startTime ?? pod.metadata?.creationTimestamp;
  return {
    pod,
    key: `${ns}/${name}`,
    uid: pod.metadata?.uid ?? `${ns}/${name}`,
    namespace: ns,
    name,
    labels: pod.metadata?.labels ?? {},
    priority: pod.spec?.priority ?? 0,
    requests: podRequests(pod),
    nonZero: podNonZeroRequests(pod),
    requiredAffinity: (aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(pod, t)),
    requiredAntiAffinity: (aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(pod, t)),
    preferredAffinity: compileWeighted(pod, aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: compileWeighted(pod, aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    hostPorts,
    startTime: start ? Date.parse(start) || 0 : 0,
    terminating: !!pod.metadata?.deletionTimestamp,
  };
}

/** True when the pod has any pod (anti-)affinity term. */
export function hasAffinity(p: PodInfo): boolean {
  return p.requiredAffinity.length > 0 || p.requiredAntiAffinity.length > 0 || p.preferredAffinity.length > 0 || p.preferredAntiAffinity.length > 0;
}

/**
 * AffinityTerm.Matches: the pod is in one of the term's namespaces (listed, or selected by the
 * namespaceSelector) and its labels match the selector.
 */
export function termMatches(term: AffinityTerm, p: PodInfo, nsLabels: (ns: string) => Readonly<Record<string, string>> | undefined): boolean {
  if (!term.namespaces.has(p.namespace)) {
    if (!term.namespaceSelector) return false;
    if (!term.namespaceSelector(nsLabels(p.namespace) ?? {})) return false;
  }
  return term.selector(p.labels);
}
