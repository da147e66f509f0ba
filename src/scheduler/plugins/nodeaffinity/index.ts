/**
 * NodeAffinity: spec.nodeSelector and requiredDuringScheduling node affinity must both match
 * (terms ORed, expressions ANDed); preferred terms add their weight to the score.
 */
import type { NodeSelectorTerm, Pod } from 'kubernetes-types/core/v1.js';
import { compileNodeSelector, compileNodeSelectorTerm, type NodeMatcher } from '../../labels.js';
import type { NodeInfo } from '../../nodeinfo.js';
import type { PodInfo } from '../../podinfo.js';
import { defaultNormalizeScore } from '../normalize.js';
import { CycleState, SKIP, unresolvable, type FilterPlugin, type PreFilterPlugin, type PreFilterResult, type PreScorePlugin, type ScorePlugin, type StateData, type Status } from '../../types.js';

const REJECT = unresolvable("node(s) didn't match Pod's node affinity/selector");

/** The pod's required node constraints, compiled (nodeaffinity.RequiredNodeAffinity). */
export interface RequiredNodeAffinity {
  matches(node: NodeInfo): boolean;
}

/** Compiles nodeSelector + required node affinity of a pod; undefined when it has neither. */
export function requiredNodeAffinity(pod: Pod): RequiredNodeAffinity | undefined {
  const sel = Object.entries(pod.spec?.nodeSelector ?? {});
  const req = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (sel.length === 0 && !req) return undefined;
  const terms = req ? compileNodeSelector(req) : undefined;
  return {
    matches(ni) {
      for (const [k, v] of sel) if (ni.labels[k] !== v) return false;
      return !terms || (!!ni.node && terms(ni.node, ni.labels));
    },
  };
}

class PreferredState implements StateData {
  constructor(readonly terms: { weight: number; match: NodeMatcher }[]) {}
  clone(): StateData {
    return this;
  }
}

class RequiredState implements StateData {
  constructor(readonly req: RequiredNodeAffinity | undefined) {}
  clone(): StateData {
    return this;
  }
}

/** Node names a term pins with matchFields metadata.name In (PreFilterResult narrowing). */
function pinnedNames(terms: NodeSelectorTerm[]): Set<string> | undefined {
  const out = new Set<string>();
  for (const t of terms) {
    const f = (t.matchFields ?? []).find((m) => m.key === 'metadata.name' && m.operator === 'In');
    if (!f) return undefined; // some term is not pinned: any node may match
    for (const v of f.values ?? []) out.add(v);
  }
  return out;
}

/** The NodeAffinity plugin. */
export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = 'NodeAffinity';

  /** Compiles the pod's constraints once; Skip when it has none. */
  preFilter(pod: PodInfo, state: CycleState): Status | PreFilterResult | null {
    const req = requiredNodeAffinity(pod.pod);
    state.write(this.name, new RequiredState(req));
    if (!req) return SKIP;
    const terms = pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    const names = terms?.length ? pinnedNames(terms) : undefined;
    return names ? { nodeNames: names } : null;
  }

  /** Rejects nodes not matching nodeSelector or the required terms. */
  filter(pod: PodInfo, node: NodeInfo, state: CycleState): Status | null {
    const st = state.read<RequiredState>(this.name);
    const req = st ? st.req : requiredNodeAffinity(pod.pod);
    return !req || req.matches(node) ? null : REJECT;
  }

  /** Compiles the preferred terms; Skip when there are none. */
  preScore(pod: PodInfo, _nodes: readonly NodeInfo[], state: CycleState): Status | null {
    const pref = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    if (pref.length === 0) return SKIP;
    state.write(`${this.name}/score`, new PreferredState(pref.map((p) => ({ weight: p.weight, match: compileNodeSelectorTerm(p.preference) }))));
    return null;
  }

  /** Sum of the weights of matching preferred terms. */
  score(pod: PodInfo, node: NodeInfo, state: CycleState): number {
    let st = state.read<PreferredState>(`${this.name}/score`);
    if (!st) {
      const pref = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
      st = new PreferredState(pref.map((p) => ({ weight: p.weight, match: compileNodeSelectorTerm(p.preference) })));
    }
    let s = 0;
    if (!node.node) return 0;
    for (const t of st.terms) if (t.match(node.node, node.labels)) s += t.weight;
    return s;
  }

  /** Scaled so the best node scores 100. */
  normalizeScore(_pod: PodInfo, _nodes: readonly NodeInfo[], scores: number[]): void {
    defaultNormalizeScore(scores, false);
  }
}
