/**
 * The framework (pkg/scheduler/framework/runtime): a profile's plugins per extension point with
 * their score weights, and the runners the cycle calls. A plugin implementing several extension
 * points is registered at each of them (upstream's multiPoint).
 */
import type { NodeInfo } from './nodeinfo.js';
import type { PodInfo } from './podinfo.js';
import {
  CycleState,
  type BindPlugin,
  type FilterPlugin,
  type FilterRunner,
  type Handle,
  type NodeVerdict,
  type PermitPlugin,
  type Plugin,
  type PostFilterPlugin,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ReservePlugin,
  type ScorePlugin,
  type Status,
} from './types.js';

/** A score plugin with its weight (KubeSchedulerConfiguration plugins.score.enabled[].weight). */
export interface WeightedScorePlugin {
  plugin: ScorePlugin;
  weight: number;
}

/** Options of one profile. */
export interface FrameworkOptions {
  /** The profile's schedulerName (pods with another spec.schedulerName are not ours). */
  schedulerName?: string;
  /** Plugins in order; each is registered at every extension point it implements. */
  plugins: Plugin[];
  /** Score weights by plugin name; missing → 1. */
  weights?: Record<string, number>;
  handle: Handle;
  /** percentageOfNodesToScore (0 or unset: adaptive). */
  percentageOfNodesToScore?: number;
  /** Random source for tie-breaking and preemption offsets; tests inject a fixed one. */
  random?: () => number;
}

const has = <K extends string>(p: Plugin, k: K): p is Plugin & Record<K, (...a: never[]) => unknown> =>
  typeof (p as unknown as Record<string, unknown>)[k] === 'function';

/** One scheduling profile ready to run cycles. */
export class Framework implements FilterRunner {
  readonly schedulerName: string;
  readonly handle: Handle;
  readonly preFilter: PreFilterPlugin[] = [];
  readonly filter: FilterPlugin[] = [];
  readonly postFilter: PostFilterPlugin[] = [];
  readonly preScore: PreScorePlugin[] = [];
  readonly score: WeightedScorePlugin[] = [];
  readonly reserve: ReservePlugin[] = [];
  readonly permit: PermitPlugin[] = [];
  readonly bind: BindPlugin[] = [];
  readonly percentageOfNodesToScore: number;
  /** Round-robin start of the next Filter pass (Scheduler.nextStartNodeIndex). */
  nextStartNodeIndex = 0;
  private readonly rand: () => number;

  constructor(opts: FrameworkOptions) {
    this.schedulerName = opts.schedulerName ?? 'default-scheduler';
    this.handle = opts.handle;
    this.percentageOfNodesToScore = opts.percentageOfNodesToScore ?? 0;
    this.rand = opts.random ?? Math.random;
    for (const p of opts.plugins) {
      if (has(p, 'preFilter')) this.preFilter.push(p as unknown as PreFilterPlugin);
      if (has(p, 'filter')) this.filter.push(p as unknown as FilterPlugin);
      if (has(p, 'postFilter')) this.postFilter.push(p as unknown as PostFilterPlugin);
      if (has(p, 'preScore')) this.preScore.push(p as unknown as PreScorePlugin);
      if (has(p, 'score')) {
        const w = opts.weights?.[p.name] ?? 1;
        if (w > 0) this.score.push({ plugin: p as unknown as ScorePlugin, weight: w });
      }
      if (has(p, 'reserve')) this.reserve.push(p as unknown as ReservePlugin);
      if (has(p, 'permit')) this.permit.push(p as unknown as PermitPlugin);
      if (has(p, 'bind')) this.bind.push(p as unknown as BindPlugin);
    }
  }

  /** The random source (FilterRunner). */
  random(): number {
    return this.rand();
  }

  /**
   * RunPreFilterPlugins: the first non-success verdict stops the cycle for every node; results
   * narrowing the node set are intersected.
   */
  runPreFilter(pod: PodInfo, state: CycleState): { verdict?: NodeVerdict; nodeNames?: Set<string> } {
    let names: Set<string> | undefined;
    for (const p of this.preFilter) {
      const r = p.preFilter(pod, state, this.handle);
      let status: Status | null | undefined;
      let narrowed: ReadonlySet<string> | undefined;
      if (r && 'code' in r) status = r;
      else if (r) {
        status = r.status;
        narrowed = r.nodeNames;
      }
      if (status && status.code === 'Skip') {
        state.skipFilter.add(p.name);
        continue;
      }
      if (status && status.code !== 'Success') return { verdict: { plugin: p.name, status } };
      if (narrowed) names = names ? new Set([...names].filter((n) => narrowed.has(n))) : new Set(narrowed);
    }
    return names ? { nodeNames: names } : {};
  }

  /** RunFilterPlugins: the first rejecting plugin decides (its name is what `explain` shows). */
  runFilters(pod: PodInfo, node: NodeInfo, state: CycleState): NodeVerdict | null {
    const skip = state.skipFilter;
    for (const p of this.filter) {
      if (skip.size && skip.has(p.name)) continue;
      const s = p.filter(pod, node, state);
      if (s && s.code !== 'Success') return { plugin: p.name, status: s };
    }
    return null;
  }

  /** PreFilterExtensions.AddPod on every PreFilter plugin that has it. */
  runAddPod(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void {
    for (const p of this.preFilter) if (p.addPod && !state.skipFilter.has(p.name)) p.addPod(state, pod, added, node, this.handle);
  }

  /** PreFilterExtensions.RemovePod on every PreFilter plugin that has it. */
  runRemovePod(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void {
    for (const p of this.preFilter) if (p.removePod && !state.skipFilter.has(p.name)) p.removePod(state, pod, removed, node, this.handle);
  }

  /** RunPreScorePlugins: Skip disables that plugin's Score for this cycle. */
  runPreScore(pod: PodInfo, nodes: readonly NodeInfo[], state: CycleState): NodeVerdict | null {
    for (const p of this.preScore) {
      const s = p.preScore(pod, nodes, state, this.handle);
      if (!s || s.code === 'Success') continue;
      if (s.code === 'Skip') state.skipScore.add(p.name);
      else return { plugin: p.name, status: s };
    }
    return null;
  }

  /**
   * RunScorePlugins + NormalizeScore + weights: returns per-plugin normalised scores (parallel to
   * `nodes`) and the weighted totals.
   */
  runScore(pod: PodInfo, nodes: readonly NodeInfo[], state: CycleState): { perPlugin: { name: string; weight: number; scores: number[] }[]; totals: number[] } {
    const totals = new Array<number>(nodes.length).fill(0);
    const perPlugin: { name: string; weight: number; scores: number[] }[] = [];
    for (const { plugin, weight } of this.score) {
      if (state.skipScore.has(plugin.name)) continue;
      const scores = new Array<number>(nodes.length);
      for (let i = 0; i < nodes.length; i++) scores[i] = plugin.score(pod, nodes[i]!, state);
      plugin.normalizeScore?.(pod, nodes, scores, state);
      for (let i = 0; i < nodes.length; i++) totals[i]! += scores[i]! * weight;
      perPlugin.push({ name: plugin.name, weight, scores });
    }
    return { perPlugin, totals };
  }
}

/**
 * numFeasibleNodesToFind: below 100 nodes all are checked; otherwise the adaptive percentage
 * (50% minus 1% per 125 nodes, at least 5%) unless configured, and never fewer than 100.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore = 0): number {
  const minFeasible = 100;
  if (numAllNodes < minFeasible) return numAllNodes;
  let pct = percentageOfNodesToScore;
  if (!(pct > 0)) {
    pct = 50 - Math.trunc(numAllNodes / 125);
    if (pct < 5) pct = 5;
  }
  if (pct >= 100) return numAllNodes;
  const n = Math.trunc((numAllNodes * pct) / 100);
  return n < minFeasible ? minFeasible : n;
}

export { CycleState };
