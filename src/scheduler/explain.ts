/**
 * Explanations: the FailedScheduling message exactly as upstream's FitError.Error() builds it,
 * and a JSON-serialisable per-node, per-plugin account of one decision for `kubeling explain pod`.
 */
import type { CycleResult, Diagnosis, NodeScore } from './cycle.js';
import type { NodeVerdict } from './types.js';

/**
 * "0/N nodes are available: <count reason>, …. <postfilter>." — the reason histogram is sorted as
 * strings ("2 node(s)…" before "3 Insufficient cpu"), each part ends with " %v." as upstream.
 * A PreFilter rejection is reported once instead of per node.
 */
export function fitErrorMessage(d: Pick<Diagnosis, 'numAllNodes' | 'nodeStatuses' | 'preFilter' | 'postFilterMessage'>): string {
  let msg = `0/${d.numAllNodes} nodes are available:`;
  if (d.preFilter) {
    msg += ` ${d.preFilter.status.reasons.join(', ')}.`;
  } else {
    const hist = reasonHistogram(d.nodeStatuses.values());
    if (hist.length) msg += ` ${hist.join(', ')}.`;
  }
  if (d.postFilterMessage) msg += ` ${d.postFilterMessage}.`;
  return msg;
}

/** "count reason" strings, sorted lexicographically like upstream's sortReasonsHistogram. */
export function reasonHistogram(verdicts: Iterable<NodeVerdict>): string[] {
  const counts = new Map<string, number>();
  for (const v of verdicts) for (const r of v.status.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const out = [...counts].map(([r, c]) => `${c} ${r}`);
  out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return out;
}

/** One node's filter verdict in an explanation. */
export interface NodeFilterAccount {
  node: string;
  /** "Passed", or the code of the rejecting plugin. */
  verdict: 'Passed' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error' | 'NotEvaluated';
  plugin?: string;
  reasons?: string[];
}

/** The full account of one scheduling decision (JSON-serialisable). */
export interface Explanation {
  pod: string;
  uid: string;
  /** RFC 3339 time of the decision. */
  time: string;
  schedulerName: string;
  result: 'Scheduled' | 'Unschedulable' | 'Error';
  nodeName?: string;
  /** The FailedScheduling message (absent when scheduled). */
  message?: string;
  numAllNodes: number;
  evaluatedNodes: number;
  feasibleNodes: number;
  preFilter?: { plugin: string; reasons: string[] };
  /** Per node: the plugin that rejected it and why, or Passed / NotEvaluated. */
  nodes: NodeFilterAccount[];
  /** Chosen node first, then runners-up, each with per-plugin normalised score × weight. */
  scores: NodeScore[];
  preemption?: { nominatedNodeName?: string; victims: string[]; message?: string };
}

/**
 * Builds the explanation of a cycle. `allNodes` lists every node name (so nodes not evaluated
 * because enough feasible nodes were found are reported as NotEvaluated).
 */
export function explain(r: CycleResult, allNodes: readonly string[], schedulerName: string, now: Date): Explanation {
  const d = r.diagnosis;
  const feasible = new Set(d.feasibleNodes);
  const nodes: NodeFilterAccount[] = allNodes.map((name) => {
    const v = d.nodeStatuses.get(name);
    if (v) return { node: name, verdict: v.status.code === 'Unschedulable' || v.status.code === 'UnschedulableAndUnresolvable' ? v.status.code : 'Error', plugin: v.plugin, reasons: [...v.status.reasons] };
    return { node: name, verdict: feasible.has(name) ? 'Passed' : 'NotEvaluated' };
  });
  const e: Explanation = {
    pod: r.pod.key,
    uid: r.pod.uid,
    time: now.toISOString(),
    schedulerName,
    result: r.nodeName ? 'Scheduled' : r.failure?.code === 'Error' ? 'Error' : 'Unschedulable',
    numAllNodes: d.numAllNodes,
    evaluatedNodes: d.evaluatedNodes,
    feasibleNodes: d.feasibleNodes.length,
    nodes,
    scores: d.scores,
  };
  if (r.nodeName) e.nodeName = r.nodeName;
  if (r.failure) e.message = r.failure.message;
  if (d.preFilter) e.preFilter = { plugin: d.preFilter.plugin, reasons: [...d.preFilter.status.reasons] };
  if (r.nominatedNodeName || d.postFilterMessage) {
    e.preemption = { victims: (r.victims ?? []).map((v) => v.key) };
    if (r.nominatedNodeName) e.preemption.nominatedNodeName = r.nominatedNodeName;
    if (d.postFilterMessage) e.preemption.message = d.postFilterMessage;
  }
  return e;
}

/** A human rendering of an explanation (what `kubeling explain pod` prints without -o json). */
export function formatExplanation(e: Explanation): string {
  const lines: string[] = [];
  lines.push(`Pod ${e.pod}: ${e.result}${e.nodeName ? ` on ${e.nodeName}` : ''} (${e.time}, ${e.schedulerName})`);
  if (e.message) lines.push(`  ${e.message}`);
  lines.push(`Nodes: ${e.numAllNodes} total, ${e.evaluatedNodes} evaluated, ${e.feasibleNodes} feasible`);
  if (e.preFilter) lines.push(`  PreFilter ${e.preFilter.plugin}: ${e.preFilter.reasons.join(', ')}`);
  for (const n of e.nodes) {
    if (n.verdict === 'Passed' || n.verdict === 'NotEvaluated') continue;
    lines.push(`  ${n.node}: rejected by ${n.plugin}: ${(n.reasons ?? []).join(', ')}`);
  }
  if (e.scores.length) {
    lines.push('Scores (chosen first):');
    for (const s of e.scores) {
      lines.push(`  ${s.node}: ${s.total} = ${s.plugins.map((p) => `${p.plugin} ${p.score}×${p.weight}`).join(' + ')}`);
    }
  }
  if (e.preemption) {
    const p = e.preemption;
    lines.push(`Preemption: ${p.nominatedNodeName ? `nominated ${p.nominatedNodeName}, victims ${p.victims.join(', ') || 'none'}` : p.message ?? ''}`);
  }
  return lines.join('\n');
}
