/**
 * PodTopologySpread: DoNotSchedule constraints filter (skew = matching pods in the domain + self
 * − global minimum must stay ≤ maxSkew; fewer domains than minDomains make the minimum 0);
 * ScheduleAnyway constraints (or the cluster defaults) score nodes with fewer matching pods higher.
 */
import type { NodeInfo } from '../../nodeinfo.js';
import type { PodInfo } from '../../podinfo.js';
import { CycleState, MAX_NODE_SCORE, SKIP, unresolvable, unschedulable, type FilterPlugin, type Handle, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin, type StateData, type Status } from '../../types.js';
import { requiredNodeAffinity, type RequiredNodeAffinity } from '../nodeaffinity/index.js';
import { countMatching, hasAllKeys, nodeIncluded, podConstraints, type Constraint, type PodTopologySpreadArgs } from './constraints.js';

export { SYSTEM_DEFAULT_CONSTRAINTS, type PodTopologySpreadArgs } from './constraints.js';

const MISSING_LABEL = unresolvable("node(s) didn't match pod topology spread constraints (missing required label)");
const SKEW = unschedulable("node(s) didn't match pod topology spread constraints");
const HOSTNAME = 'kubernetes.io/hostname';

class FilterState implements StateData {
  private mins: (number | undefined)[];
  constructor(
    readonly constraints: Constraint[],
    readonly counts: Map<string, number>[],
    readonly req: RequiredNodeAffinity | undefined,
  ) {
    this.mins = constraints.map(() => undefined);
  }
  /** Global minimum of constraint i (0 when there are fewer domains than minDomains). */
  min(i: number): number {
    let m = this.mins[i];
    if (m !== undefined) return m;
    const counts = this.counts[i]!;
    if (counts.size < this.constraints[i]!.minDomains) m = 0;
    else {
      m = Infinity;
      for (const v of counts.values()) if (v < m) m = v;
      if (m === Infinity) m = 0;
    }
    this.mins[i] = m;
    return m;
  }
  bump(i: number, value: string, d: number): void {
    const c = this.counts[i]!;
    c.set(value, (c.get(value) ?? 0) + d);
    this.mins[i] = undefined;
  }
  clone(): StateData {
    return new FilterState(this.constraints, this.counts.map((m) => new Map(m)), this.req);
  }
}

class ScoreState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    readonly counts: Map<string, number>[],
    readonly weights: number[],
    readonly ignored: Set<string>,
  ) {}
  clone(): StateData {
    return this;
  }
}

/** The PodTopologySpread plugin. */
export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = 'PodTopologySpread';
  constructor(private readonly args: PodTopologySpreadArgs = {}) {}

  /** Counts matching pods per domain over the eligible nodes, once per cycle. */
  preFilter(pod: PodInfo, state: CycleState, handle: Handle): Status | null {
    const { constraints } = podConstraints(pod.pod, 'DoNotSchedule', this.args);
    if (constraints.length === 0) return SKIP;
    const req = requiredNodeAffinity(pod.pod);
    const counts = constraints.map(() => new Map<string, number>());
    for (const ni of handle.nodeInfos()) {
      if (!hasAllKeys(ni, constraints)) continue;
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i]!;
        if (!nodeIncluded(c, pod, ni, req)) continue;
        const v = ni.labels[c.topologyKey]!;
        counts[i]!.set(v, (counts[i]!.get(v) ?? 0) + countMatching(ni.pods, c.selector, pod.namespace));
      }
    }
    state.write(this.name, new FilterState(constraints, counts, req));
    return null;
  }

  /** Preemption what-if: a pod added to a node. */
  addPod(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void {
    this.update(state, pod, added, node, 1);
  }

  /** Preemption what-if: a victim removed from a node. */
  removePod(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void {
    this.update(state, pod, removed, node, -1);
  }

  private update(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, d: number): void {
    const st = state.read<FilterState>(this.name);
    if (!st || other.namespace !== pod.namespace || other.terminating || !hasAllKeys(node, st.constraints)) return;
    st.constraints.forEach((c, i) => {
      if (nodeIncluded(c, pod, node, st.req) && c.selector(other.labels)) st.bump(i, node.labels[c.topologyKey]!, d);
    });
  }

  /** Missing topology label → unresolvable; skew above maxSkew → unschedulable. */
  filter(pod: PodInfo, node: NodeInfo, state: CycleState): Status | null {
    const st = state.read<FilterState>(this.name);
    if (!st) return null;
    for (let i = 0; i < st.constraints.length; i++) {
      const c = st.constraints[i]!;
      const v = node.labels[c.topologyKey];
      if (v === undefined) return MISSING_LABEL;
      const self = c.selector(pod.labels) ? 1 : 0;
      const skew = (st.counts[i]!.get(v) ?? 0) + self - st.min(i);
      if (skew > c.maxSkew) return SKEW;
    }
    return null;
  }

  /** Counts matching pods per domain seen among the feasible nodes; Skip without soft constraints. */
  preScore(pod: PodInfo, nodes: readonly NodeInfo[], state: CycleState, handle: Handle): Status | null {
    const { constraints, fromSpec } = podConstraints(pod.pod, 'ScheduleAnyway', this.args);
    if (constraints.length === 0) return SKIP;
    const ignored = new Set<string>();
    const counts = constraints.map(() => new Map<string, number>());
    const sizes = constraints.map(() => 0);
    for (const ni of nodes) {
      if (fromSpec && !hasAllKeys(ni, constraints)) {
        ignored.add(ni.name);
        continue;
      }
      constraints.forEach((c, i) => {
        const v = ni.labels[c.topologyKey];
        if (v === undefined) return;
        if (c.topologyKey === HOSTNAME) sizes[i]!++;
        else if (!counts[i]!.has(v)) {
          counts[i]!.set(v, 0);
          sizes[i]!++;
        }
      });
    }
    const req = requiredNodeAffinity(pod.pod);
    const needCounts = constraints.some((c) => c.topologyKey !== HOSTNAME);
    if (needCounts) {
      for (const ni of handle.nodeInfos()) {
        if (fromSpec && !hasAllKeys(ni, constraints)) continue;
        constraints.forEach((c, i) => {
          if (c.topologyKey === HOSTNAME) return;
          const v = ni.labels[c.topologyKey];
          if (v === undefined || !counts[i]!.has(v) || !nodeIncluded(c, pod, ni, req)) return;
          counts[i]!.set(v, counts[i]!.get(v)! + countMatching(ni.pods, c.selector, pod.namespace));
        });
      }
    }
    state.write(`${this.name}/score`, new ScoreState(constraints, counts, sizes.map((s) => Math.log(s + 2)), ignored));
    return null;
  }

  /** Σ count × log(domains + 2) + (maxSkew − 1) over the constraints; lower is better. */
  score(pod: PodInfo, node: NodeInfo, state: CycleState): number {
    const st = state.read<ScoreState>(`${this.name}/score`);
    if (!st || st.ignored.has(node.name)) return 0;
    let s = 0;
    st.constraints.forEach((c, i) => {
      const v = node.labels[c.topologyKey];
      if (v === undefined) return;
      const cnt = c.topologyKey === HOSTNAME ? countMatching(node.pods, c.selector, pod.namespace) : (st.counts[i]!.get(v) ?? 0);
      s += cnt * st.weights[i]! + (c.maxSkew - 1);
    });
    return Math.round(s);
  }

  /** Reversed scaling: the least crowded node scores 100; ignored nodes 0. */
  normalizeScore(_pod: PodInfo, nodes: readonly NodeInfo[], scores: number[], state: CycleState): void {
    const st = state.read<ScoreState>(`${this.name}/score`);
    if (!st) return;
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      if (st.ignored.has(nodes[i]!.name)) continue;
      const s = scores[i]!;
      if (s < min) min = s;
      if (s > max) max = s;
    }
    for (let i = 0; i < scores.length; i++) {
      if (st.ignored.has(nodes[i]!.name)) scores[i] = 0;
      else if (max === 0) scores[i] = MAX_NODE_SCORE;
      else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
    }
  }
}
