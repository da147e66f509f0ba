/**
 * One scheduling cycle (pkg/scheduler/schedule_one.go): PreFilter → Filter over an adaptive,
 * round-robin slice of the nodes → PostFilter (preemption) when nothing fits → PreScore → Score →
 * NormalizeScore × weight → select (random among ties) → Reserve → Permit. Binding is the
 * caller's asynchronous step. Every verdict is kept in the Diagnosis, so explaining costs nothing.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { numFeasibleNodesToFind, type Framework } from './framework.js';
import type { NodeInfo } from './nodeinfo.js';
import { newPodInfo, type PodInfo } from './podinfo.js';
import { CycleState, type NodeVerdict, type Status } from './types.js';
import { fitErrorMessage } from './explain.js';

/** Per-plugin score of one node: the normalised score and its weight. */
export interface PluginScore {
  plugin: string;
  score: number;
  weight: number;
}

/** Score breakdown of one node. */
export interface NodeScore {
  node: string;
  total: number;
  plugins: PluginScore[];
}

/** Everything the cycle learnt (framework.Diagnosis plus scores). */
export interface Diagnosis {
  numAllNodes: number;
  /** Nodes whose filters ran. */
  evaluatedNodes: number;
  /** Filter verdicts of rejected nodes. */
  nodeStatuses: Map<string, NodeVerdict>;
  /** Set when a PreFilter plugin rejected the pod (every node then shares this verdict). */
  preFilter?: NodeVerdict;
  feasibleNodes: string[];
  /** Chosen node first, then the runners-up. */
  scores: NodeScore[];
  postFilterMessage?: string;
  /** Plugins that rejected at least one node (used to decide which events may help). */
  unschedulablePlugins: Set<string>;
}

/** Result of scheduleOne's algorithm part. */
export interface CycleResult {
  pod: PodInfo;
  state: CycleState;
  /** Set when a node was selected. */
  nodeName?: string;
  /** Unschedulable (no node fits) or Error. */
  failure?: { code: 'Unschedulable' | 'Error'; message: string };
  /** Preemption outcome: node to nominate and pods the caller must delete. */
  nominatedNodeName?: string;
  victims?: PodInfo[];
  diagnosis: Diagnosis;
}

/** How many runners-up the explanation keeps besides the chosen node. */
const RUNNERS_UP = 3;

function emptyDiagnosis(numAllNodes: number): Diagnosis {
  return { numAllNodes, evaluatedNodes: 0, nodeStatuses: new Map(), feasibleNodes: [], scores: [], unschedulablePlugins: new Set() };
}

/** Runs the filters over the nodes (round-robin from the framework's start index) until enough fit. */
function findFeasible(fw: Framework, pod: PodInfo, state: CycleState, nodes: readonly NodeInfo[], diag: Diagnosis): NodeInfo[] {
  const n = nodes.length;
  const want = numFeasibleNodesToFind(n, fw.percentageOfNodesToScore);
  const feasible: NodeInfo[] = [];
  const start = n ? fw.nextStartNodeIndex % n : 0;
  let processed = 0;
  for (; processed < n && feasible.length < want; processed++) {
    const ni = nodes[(start + processed) % n]!;
    const v = fw.runFilters(pod, ni, state);
    if (v) {
      diag.nodeStatuses.set(ni.name, v);
      diag.unschedulablePlugins.add(v.plugin);
    } else feasible.push(ni);
  }
  fw.nextStartNodeIndex = n ? (start + processed) % n : 0;
  diag.evaluatedNodes = processed;
  return feasible;
}

/** Picks the highest total; ties broken uniformly at random (selectHost's reservoir sampling). */
function selectHost(totals: number[], random: () => number): number {
  let best = -1;
  let bestScore = -Infinity;
  let ties = 0;
  for (let i = 0; i < totals.length; i++) {
    const s = totals[i]!;
    if (s > bestScore) {
      bestScore = s;
      best = i;
      ties = 1;
    } else if (s === bestScore) {
      ties++;
      if (random() * ties < 1) best = i;
    }
  }
  return best;
}

function breakdown(nodes: readonly NodeInfo[], idx: number, perPlugin: { name: string; weight: number; scores: number[] }[], totals: number[]): NodeScore {
  return { node: nodes[idx]!.name, total: totals[idx]!, plugins: perPlugin.map((p) => ({ plugin: p.name, score: p.scores[idx]!, weight: p.weight })) };
}

/** Runs PostFilter plugins; the first that nominates a node wins (upstream's order). */
function runPostFilter(fw: Framework, pod: PodInfo, state: CycleState, diag: Diagnosis, res: CycleResult): void {
  const msgs: string[] = [];
  for (const p of fw.postFilter) {
    const r = p.postFilter(pod, state, diag.nodeStatuses, fw);
    if (r.nominatedNodeName) {
      res.nominatedNodeName = r.nominatedNodeName;
      res.victims = r.victims ?? [];
      return;
    }
    if (r.status?.reasons.length) msgs.push(r.status.reasons.join(', '));
  }
  if (msgs.length) diag.postFilterMessage = msgs.join(' ');
}

/**
 * The scheduling algorithm for one pod (schedulePod + PostFilter). Pure with respect to the
 * cluster: it reads the framework's handle and only advances the round-robin index.
 */
export function runCycle(fw: Framework, podOrInfo: Pod | PodInfo): CycleResult {
  const pod = 'key' in podOrInfo ? podOrInfo : newPodInfo(podOrInfo);
  const state = new CycleState();
  const all = fw.handle.nodeInfos();
  const diag = emptyDiagnosis(all.length);
  const res: CycleResult = { pod, state, diagnosis: diag };
  if (all.length === 0) {
    res.failure = { code: 'Unschedulable', message: fitErrorMessage(diag) };
    return res;
  }

  const pre = fw.runPreFilter(pod, state);
  if (pre.verdict) {
    if (pre.verdict.status.code === 'Error') {
      res.failure = { code: 'Error', message: pre.verdict.status.reasons.join(', ') };
      return res;
    }
    diag.preFilter = pre.verdict;
    diag.unschedulablePlugins.add(pre.verdict.plugin);
    for (const ni of all) diag.nodeStatuses.set(ni.name, pre.verdict);
    runPostFilter(fw, pod, state, diag, res);
    res.failure = { code: 'Unschedulable', message: fitErrorMessage(diag) };
    return res;
  }
  let nodes = all;
  if (pre.nodeNames) {
    // Nodes excluded by a PreFilterResult are reported like upstream's "node(s) didn't satisfy plugin(s)".
    nodes = all.filter((n) => pre.nodeNames!.has(n.name));
    const skipped: Status = { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) didn\'t satisfy plugin(s) [PreFilterResult]'] };
    for (const ni of all) if (!pre.nodeNames.has(ni.name)) diag.nodeStatuses.set(ni.name, { plugin: 'PreFilterResult', status: skipped });
  }

  // A nominated node (set by an earlier preemption) is tried first, as evaluateNominatedNode does.
  const nominated = pod.pod.status?.nominatedNodeName;
  if (nominated) {
    const ni = fw.handle.nodeInfo(nominated);
    if (ni && !fw.runFilters(pod, ni, state)) {
      res.nodeName = ni.name;
      diag.feasibleNodes = [ni.name];
      diag.evaluatedNodes = 1;
      return res;
    }
  }

  const feasible = findFeasible(fw, pod, state, nodes, diag);
  diag.feasibleNodes = feasible.map((n) => n.name);
  if (feasible.length === 0) {
    runPostFilter(fw, pod, state, diag, res);
    res.failure = { code: 'Unschedulable', message: fitErrorMessage(diag) };
    return res;
  }
  if (feasible.length === 1) {
    res.nodeName = feasible[0]!.name;
    return res;
  }

  const ps = fw.runPreScore(pod, feasible, state);
  if (ps) {
    res.failure = { code: 'Error', message: `${ps.plugin}: ${ps.status.reasons.join(', ')}` };
    return res;
  }
  const { perPlugin, totals } = fw.runScore(pod, feasible, state);
  const chosen = selectHost(totals, () => fw.random());
  res.nodeName = feasible[chosen]!.name;
  diag.scores.push(breakdown(feasible, chosen, perPlugin, totals));
  // Runners-up: the next best totals (a partial selection, cheap for a few hundred nodes).
  const order = totals.map((_, i) => i).filter((i) => i !== chosen);
  order.sort((a, b) => totals[b]! - totals[a]!);
  for (const i of order.slice(0, RUNNERS_UP)) diag.scores.push(breakdown(feasible, i, perPlugin, totals));
  return res;
}
