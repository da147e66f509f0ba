/**
 * InterPodAffinity: required pod affinity / anti-affinity of the incoming pod, and existing pods'
 * required anti-affinity honoured symmetrically, checked per topology domain (any topologyKey).
 * PreFilter counts matching pods per (topologyKey, value) once, so Filter is O(labels) per node.
 * Preferred terms (both directions) and existing pods' required affinity (hardPodAffinityWeight)
 * feed the score.
 */
import type { NodeInfo } from '../../nodeinfo.js';
import { termMatches, type PodInfo } from '../../podinfo.js';
import { CycleState, MAX_NODE_SCORE, SKIP, unresolvable, unschedulable, type FilterPlugin, type Handle, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin, type StateData, type Status } from '../../types.js';
import { TopologyCounts, type NsLabels } from './counts.js';

const AFFINITY = unresolvable("node(s) didn't match pod affinity rules");
const ANTI = unschedulable("node(s) didn't match pod anti-affinity rules");
const EXISTING_ANTI = unschedulable("node(s) didn't satisfy existing pods anti-affinity rules");

/** InterPodAffinityArgs. */
export interface InterPodAffinityArgs {
  /** Weight of existing pods' required affinity terms in the score (default 1). */
  hardPodAffinityWeight?: number;
  ignorePreferredTermsOfExistingPods?: boolean;
}

class FilterState implements StateData {
  constructor(
    readonly existingAnti: TopologyCounts,
    readonly affinity: TopologyCounts,
    readonly anti: TopologyCounts,
    readonly podMatchesOwnAffinity: boolean,
  ) {}
  clone(): StateData {
    return new FilterState(this.existingAnti.clone(), this.affinity.clone(), this.anti.clone(), this.podMatchesOwnAffinity);
  }
}

class ScoreState implements StateData {
  constructor(readonly scores: TopologyCounts) {}
  clone(): StateData {
    return this;
  }
}

/** The InterPodAffinity plugin. */
export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = 'InterPodAffinity';
  private readonly hardWeight: number;
  private readonly ignoreExistingPreferred: boolean;

  constructor(args: InterPodAffinityArgs = {}) {
    this.hardWeight = args.hardPodAffinityWeight ?? 1;
    this.ignoreExistingPreferred = args.ignorePreferredTermsOfExistingPods ?? false;
  }

  /** Counts, per domain, pods matching the incoming pod's terms and pods whose anti-affinity it matches. */
  preFilter(pod: PodInfo, state: CycleState, handle: Handle): Status | null {
    const ns: NsLabels = (n) => handle.namespaceLabels(n);
    const withAnti = handle.nodesWithRequiredAntiAffinityPods();
    const req = pod.requiredAffinity;
    const reqAnti = pod.requiredAntiAffinity;
    if (req.length === 0 && reqAnti.length === 0 && withAnti.size === 0) return SKIP;
    const existingAnti = new TopologyCounts();
    for (const ni of withAnti) {
      for (const ex of ni.podsWithRequiredAntiAffinity) existingAnti.addAntiAffinity(ex.requiredAntiAffinity, pod, ns, ni, 1);
    }
    const affinity = new TopologyCounts();
    const anti = new TopologyCounts();
    if (req.length || reqAnti.length) {
      for (const ni of handle.nodesWithPods()) {
        for (const ex of ni.pods) {
          if (req.length) affinity.addAffinity(req, ex, ns, ni, 1);
          if (reqAnti.length) anti.addAntiAffinity(reqAnti, ex, ns, ni, 1);
        }
      }
    }
    const own = req.length > 0 && req.every((t) => termMatches(t, pod, ns));
    state.write(this.name, new FilterState(existingAnti, affinity, anti, own));
    return null;
  }

  /** Preemption: a pod re-added to a node updates the three counters. */
  addPod(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo, handle: Handle): void {
    this.updateWithPod(state, pod, added, node, handle, 1);
  }

  /** Preemption: a victim removed from a node updates the three counters. */
  removePod(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo, handle: Handle): void {
    this.updateWithPod(state, pod, removed, node, handle, -1);
  }

  private updateWithPod(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, handle: Handle, d: number): void {
    const st = state.read<FilterState>(this.name);
    if (!st) return;
    const ns: NsLabels = (n) => handle.namespaceLabels(n);
    st.existingAnti.addAntiAffinity(other.requiredAntiAffinity, pod, ns, node, d);
    if (pod.requiredAffinity.length) st.affinity.addAffinity(pod.requiredAffinity, other, ns, node, d);
    if (pod.requiredAntiAffinity.length) st.anti.addAntiAffinity(pod.requiredAntiAffinity, other, ns, node, d);
  }

  /** Affinity first (unresolvable), then the pod's anti-affinity, then existing pods' anti-affinity. */
  filter(pod: PodInfo, node: NodeInfo, state: CycleState): Status | null {
    const st = state.read<FilterState>(this.name);
    if (!st) return null;
    if (pod.requiredAffinity.length) {
      let podsExist = true;
      for (const t of pod.requiredAffinity) {
        const v = node.labels[t.topologyKey];
        if (v === undefined) return AFFINITY; // every topology label must exist on the node
        if (st.affinity.get(t.topologyKey, v) <= 0) podsExist = false;
      }
      // The first pod of a group with affinity to itself may go anywhere with the topology keys.
      if (!podsExist && !(st.affinity.size === 0 && st.podMatchesOwnAffinity)) return AFFINITY;
    }
    if (st.anti.size > 0) {
      for (const t of pod.requiredAntiAffinity) {
        const v = node.labels[t.topologyKey];
        if (v !== undefined && st.anti.get(t.topologyKey, v) > 0) return ANTI;
      }
    }
    if (st.existingAnti.size > 0) {
      for (const [k, m] of st.existingAnti.byKey) {
        const v = node.labels[k];
        if (v !== undefined && (m.get(v) ?? 0) > 0) return EXISTING_ANTI;
      }
    }
    return null;
  }

  /** Sums weighted preferences per domain; Skip when nothing can contribute. */
  preScore(pod: PodInfo, _nodes: readonly NodeInfo[], state: CycleState, handle: Handle): Status | null {
    const hasOwn = pod.preferredAffinity.length > 0 || pod.preferredAntiAffinity.length > 0;
    if (this.ignoreExistingPreferred && !hasOwn) return SKIP;
    const nodes = hasOwn ? handle.nodesWithPods() : handle.nodesWithAffinityPods();
    if (nodes.size === 0) return SKIP;
    const ns: NsLabels = (n) => handle.namespaceLabels(n);
    const scores = new TopologyCounts();
    const hard = this.hardWeight;
    for (const ni of nodes) {
      for (const ex of hasOwn ? ni.pods : ni.podsWithAffinity) {
        // The incoming pod's preferences towards existing pods…
        for (const t of pod.preferredAffinity) if (termMatches(t, ex, ns)) scores.update(ni, t.topologyKey, t.weight);
        for (const t of pod.preferredAntiAffinity) if (termMatches(t, ex, ns)) scores.update(ni, t.topologyKey, -t.weight);
        // …and existing pods' terms towards the incoming pod (symmetry).
        if (hard > 0) for (const t of ex.requiredAffinity) if (termMatches(t, pod, ns)) scores.update(ni, t.topologyKey, hard);
        for (const t of ex.preferredAffinity) if (termMatches(t, pod, ns)) scores.update(ni, t.topologyKey, t.weight);
        for (const t of ex.preferredAntiAffinity) if (termMatches(t, pod, ns)) scores.update(ni, t.topologyKey, -t.weight);
      }
    }
    if (scores.size === 0) return SKIP;
    state.write(`${this.name}/score`, new ScoreState(scores));
    return null;
  }

  /** Sum of the domain scores of the node's topology values. */
  score(_pod: PodInfo, node: NodeInfo, state: CycleState): number {
    const st = state.read<ScoreState>(`${this.name}/score`);
    if (!st) return 0;
    let s = 0;
    for (const [k, m] of st.scores.byKey) {
      const v = node.labels[k];
      if (v !== undefined) s += m.get(v) ?? 0;
    }
    return s;
  }

  /** Min-max scaling to 0..100 (all equal → 0). */
  normalizeScore(_pod: PodInfo, _nodes: readonly NodeInfo[], scores: number[]): void {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (scores[i]! - min)) / diff) : 0;
  }
}
