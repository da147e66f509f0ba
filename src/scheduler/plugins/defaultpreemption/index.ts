/**
 * DefaultPreemption (PostFilter): when no node fits, find nodes where evicting lower-priority pods
 * would let the pod in, pick the least damaging, and return it as the nominated node with its
 * victims — the caller deletes them gracefully and records nominatedNodeName.
 */
import { fitErrorMessage } from '../../explain.js';
import type { PodInfo } from '../../podinfo.js';
import { unresolvable, unschedulable, type CycleState, type FilterRunner, type NodeVerdict, type PostFilterPlugin, type PostFilterResult } from '../../types.js';
import { pickCandidate, selectVictimsOnNode, type Candidate } from './victims.js';

export { moreImportant, pickCandidate, selectVictimsOnNode, splitByPDB, type Candidate } from './victims.js';

/** DefaultPreemptionArgs. */
export interface DefaultPreemptionArgs {
  minCandidateNodesPercentage?: number;
  minCandidateNodesAbsolute?: number;
}

const NOT_HELPFUL: NodeVerdict = { plugin: 'DefaultPreemption', status: unresolvable('Preemption is not helpful for scheduling') };

/** The DefaultPreemption plugin. */
export class DefaultPreemption implements PostFilterPlugin {
  readonly name = 'DefaultPreemption';
  private readonly pct: number;
  private readonly abs: number;

  constructor(args: DefaultPreemptionArgs = {}) {
    this.pct = args.minCandidateNodesPercentage ?? 10;
    this.abs = args.minCandidateNodesAbsolute ?? 100;
  }

  /** calculateNumCandidates: 10% of the nodes, at least 100, at most all. */
  numCandidates(n: number): number {
    let c = Math.trunc((n * this.pct) / 100);
    if (c < this.abs) c = this.abs;
    return Math.min(c, n);
  }

  /** Preempt: eligibility, dry runs on a slice of the nodes from a random offset, best candidate. */
  postFilter(pod: PodInfo, state: CycleState, statuses: ReadonlyMap<string, NodeVerdict>, fw: FilterRunner): PostFilterResult {
    if (pod.pod.spec?.preemptionPolicy === 'Never') return { status: unschedulable('preemption: not eligible due to preemptionPolicy=Never') };
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      // PodEligibleToPreemptOthers: wait while lower-priority victims on the nominated node terminate.
      const ni = fw.handle.nodeInfo(nominated);
      const v = statuses.get(nominated);
      if (ni && v?.status.code !== 'UnschedulableAndUnresolvable' && ni.pods.some((p) => p.terminating && p.priority < pod.priority)) {
        return { status: unschedulable('preemption: not eligible due to a terminating pod on the nominated node') };
      }
    }
    const all = fw.handle.nodeInfos();
    const result = new Map<string, NodeVerdict>();
    const potential = [];
    for (const ni of all) {
      const v = statuses.get(ni.name);
      // nodesWherePreemptionMightHelp: an unresolvable verdict cannot be fixed by removing pods.
      if (v && v.status.code === 'UnschedulableAndUnresolvable') result.set(ni.name, NOT_HELPFUL);
      else potential.push(ni);
    }
    const candidates: Candidate[] = [];
    if (potential.length) {
      const pdbs = fw.handle.pdbs();
      const want = this.numCandidates(potential.length);
      const offset = Math.floor(fw.random() * potential.length);
      let nonViolating = 0;
      for (let i = 0; i < potential.length; i++) {
        const ni = potential[(offset + i) % potential.length]!;
        const r = selectVictimsOnNode(fw, pod, state, ni, pdbs);
        if ('victims' in r) {
          candidates.push(r);
          if (r.numPDBViolations === 0) nonViolating++;
          if (nonViolating > 0 && candidates.length >= want) break;
        } else result.set(ni.name, r);
      }
    }
    const best = pickCandidate(candidates);
    if (!best) {
      const msg = fitErrorMessage({ numAllNodes: result.size, nodeStatuses: result });
      return { status: unschedulable(`preemption: ${msg}`) };
    }
    return { nominatedNodeName: best.node, victims: best.victims, status: null };
  }
}
