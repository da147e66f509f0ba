/**
 * Quota scopes (core/v1 ResourceQuotaScope and spec.scopeSelector): which objects a scoped quota
 * selects. Only pods can match a scope (upstream's other evaluators match no scope), and
 * generic.Matches needs the quota to track one of the kind's resources too.
 */
import type { KubeObject } from '../object.js';
import { matchingResources } from './usage.js';
import { parseList } from './quantity.js';
import { objects, str, view } from '../registry/core/helpers.js';

/** One ScopedResourceSelectorRequirement. */
export interface ScopeRequirement {
  scopeName: string;
  operator: string;
  values?: string[];
}

/** GetScopeSelectorsFromQuota: spec.scopes (as Exists) followed by spec.scopeSelector.matchExpressions. */
export function scopeRequirements(quota: KubeObject): ScopeRequirement[] {
  const spec = view(quota.spec);
  const out: ScopeRequirement[] = [];
  for (const s of Array.isArray(spec.scopes) ? spec.scopes : []) if (typeof s === 'string') out.push({ scopeName: s, operator: 'Exists' });
  for (const e of objects(view(spec.scopeSelector).matchExpressions)) {
    out.push({ scopeName: str(e.scopeName), operator: str(e.operator), values: Array.isArray(e.values) ? e.values.map(String) : undefined });
  }
  return out;
}

/** isTerminating: an activeDeadlineSeconds ≥ 0 bounds the pod's life. */
export function isTerminating(pod: KubeObject): boolean {
  const d = view(pod.spec).activeDeadlineSeconds;
  return typeof d === 'number' && d >= 0;
}

/** GetPodQOS == BestEffort: no container requests or limits a non-zero cpu or memory. */
export function isBestEffort(pod: KubeObject): boolean {
  const spec = view(pod.spec);
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) {
    const res = view(c.resources);
    for (const list of [parseList(res.requests), parseList(res.limits)]) {
      for (const r of ['cpu', 'memory']) {
        const q = list.get(r);
        if (q && q.nano > 0n) return false;
      }
    }
  }
  return true;
}

/** usesCrossNamespacePodAffinity: a pod (anti-)affinity term names namespaces or a namespaceSelector. */
export function usesCrossNamespacePodAffinity(pod: KubeObject): boolean {
  const aff = view(view(pod.spec).affinity);
  for (const kind of [aff.podAffinity, aff.podAntiAffinity]) {
    const k = view(kind);
    const terms = [...objects(k.requiredDuringSchedulingIgnoredDuringExecution), ...objects(k.preferredDuringSchedulingIgnoredDuringExecution).map((w) => view(w.podAffinityTerm))];
    for (const t of terms) {
      if (t.namespaceSelector !== undefined && t.namespaceSelector !== null) return true;
      if (Array.isArray(t.namespaces) && t.namespaces.length > 0) return true;
    }
  }
  return false;
}

/** podMatchesScopeFunc. */
export function podMatchesScope(req: ScopeRequirement, pod: KubeObject): boolean {
  switch (req.scopeName) {
    case 'Terminating':
      return isTerminating(pod);
    case 'NotTerminating':
      return !isTerminating(pod);
    case 'BestEffort':
      return isBestEffort(pod);
    case 'NotBestEffort':
      return !isBestEffort(pod);
    case 'PriorityClass': {
      const pc = typeof view(pod.spec).priorityClassName === 'string' ? (view(pod.spec).priorityClassName as string) : '';
      // A label selector over the set {PriorityClass: <name>}: the key is always present.
      switch (req.operator) {
        case 'Exists':
          return pc !== '';
        case 'DoesNotExist':
          return false;
        case 'In':
          return (req.values ?? []).includes(pc);
        case 'NotIn':
          return !(req.values ?? []).includes(pc);
        default:
          return false;
      }
    }
    case 'CrossNamespacePodAffinity':
      return usesCrossNamespacePodAffinity(pod);
    default:
      return false;
  }
}

/** The scope half of generic.Matches: every scope of the quota selects the object (only pods can match a scope). */
export function scopesSelect(quota: KubeObject, group: string, resource: string, obj: KubeObject): boolean {
  const isPod = group === '' && resource === 'pods';
  return scopeRequirements(quota).every((r) => isPod && podMatchesScope(r, obj));
}

/** generic.Matches: the quota tracks one of the kind's resources (among `hard`) and its scopes select the object. */
export function quotaMatches(quota: KubeObject, hard: Iterable<string>, group: string, resource: string, obj: KubeObject): boolean {
  if (matchingResources(group, resource, hard).length === 0) return false;
  return scopesSelect(quota, group, resource, obj);
}
