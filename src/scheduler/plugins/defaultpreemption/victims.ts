/**
 * Victim selection on one node (SelectVictimsOnNode): remove every lower-priority pod, check the
 * preemptor fits, then reprieve as many as possible — most important first, PDB-violating ones
 * before the others — so the victims are few and of the lowest priority.
 */
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { compileLabelSelector } from '../../labels.js';
import type { NodeInfo } from '../../nodeinfo.js';
import type { PodInfo } from '../../podinfo.js';
import { unresolvable, type CycleState, type FilterRunner, type NodeVerdict } from '../../types.js';

/** A node where preemption would let the pod in. */
export interface Candidate {
  node: string;
  victims: PodInfo[];
  numPDBViolations: number;
}

/** MoreImportantPod: higher priority first, then the older (earlier start) pod. */
export function moreImportant(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.startTime - b.startTime;
}

/**
 * filterPodsWithPDBViolation: a pod violates a PDB when a budget selecting it has no disruptions
 * left (counting down as earlier victims use them up).
 */
export function splitByPDB(pods: PodInfo[], pdbs: readonly PodDisruptionBudget[]): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const sels = pdbs.map((p) => compileLabelSelector(p.spec?.selector));
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const p of pods) {
    let violates = false;
    for (let i = 0; i < pdbs.length; i++) {
      const pdb = pdbs[i]!;
      if ((pdb.metadata?.namespace ?? 'default') !== p.namespace) continue;
      // An empty selector selects nothing for PDBs in this check (as upstream).
      if (!pdb.spec?.selector || (Object.keys(pdb.spec.selector).length === 0)) continue;
      if (!sels[i]!(p.labels)) continue;
      // A pod already disrupted (listed in disruptedPods) does not count again.
      if (pdb.status?.disruptedPods?.[p.name]) continue;
      allowed[i]!--;
      if (allowed[i]! < 0) violates = true;
    }
    (violates ? violating : nonViolating).push(p);
  }
  return { violating, nonViolating };
}

/** Tries one node; returns the candidate or the verdict explaining why preemption does not help there. */
export function selectVictimsOnNode(
  fw: FilterRunner,
  pod: PodInfo,
  state: CycleState,
  original: NodeInfo,
  pdbs: readonly PodDisruptionBudget[],
): Candidate | NodeVerdict {
  const node = original.clone();
  const st = state.clone();
  const potential: PodInfo[] = [];
  for (const p of original.pods) {
    if (p.priority < pod.priority) {
      potential.push(p);
      node.removePod(p.key);
      fw.runRemovePod(st, pod, p, node);
    }
  }
  if (potential.length === 0) return { plugin: 'DefaultPreemption', status: unresolvable('No preemption victims found for incoming pod') };
  const v = fw.runFilters(pod, node, st);
  if (v) return v;
  potential.sort(moreImportant);
  const { violating, nonViolating } = splitByPDB(potential, pdbs);
  const victims: PodInfo[] = [];
  let numPDBViolations = 0;
  const reprieve = (p: PodInfo, isViolating: boolean) => {
    node.addPod(p);
    fw.runAddPod(st, pod, p, node);
    if (fw.runFilters(pod, node, st)) {
      node.removePod(p.key);
      fw.runRemovePod(st, pod, p, node);
      victims.push(p);
      if (isViolating) numPDBViolations++;
    }
  };
  for (const p of violating) reprieve(p, true);
  for (const p of nonViolating) reprieve(p, false);
  victims.sort(moreImportant);
  return { node: original.name, victims, numPDBViolations };
}

/**
 * pickOneNodeForPreemption: fewest PDB violations, then lowest highest-victim priority, then
 * smallest priority sum, then fewest victims, then the latest start among the most important
 * victims (evict the youngest work), then the first.
 */
export function pickCandidate(cs: Candidate[]): Candidate | undefined {
  const OFFSET = 2 ** 31; // shift priorities so sums of negative priorities still order correctly
  const criteria: ((c: Candidate) => number)[] = [
    (c) => -c.numPDBViolations,
    (c) => -(c.victims[0]?.priority ?? -Infinity),
    (c) => -c.victims.reduce((s, v) => s + v.priority + OFFSET, 0),
    (c) => -c.victims.length,
    (c) => {
      const top = c.victims[0]?.priority;
      let earliest = Infinity;
      for (const v of c.victims) if (v.priority === top && v.startTime < earliest) earliest = v.startTime;
      return earliest === Infinity ? 0 : earliest;
    },
  ];
  let pool = cs;
  for (const f of criteria) {
    if (pool.length <= 1) break;
    let best = -Infinity;
    for (const c of pool) best = Math.max(best, f(c));
    pool = pool.filter((c) => f(c) === best);
  }
  return pool[0];
}
