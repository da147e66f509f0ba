/**
 * NodeResourcesBalancedAllocation: favours nodes whose cpu and memory utilisation (with the pod)
 * are close to each other: score = (1 − standard deviation of the fractions) × 100.
 */
import type { NodeInfo } from '../../nodeinfo.js';
import type { PodInfo } from '../../podinfo.js';
import { MAX_NODE_SCORE, type ScorePlugin } from '../../types.js';
import { requestedWithPod, resourceAmount, type ResourceSpec } from './fit.js';

/** NodeResourcesBalancedAllocationArgs. */
export interface BalancedAllocationArgs {
  resources?: ResourceSpec[];
}

/** The NodeResourcesBalancedAllocation score plugin. */
export class NodeResourcesBalancedAllocation implements ScorePlugin {
  readonly name = 'NodeResourcesBalancedAllocation';
  private readonly resources: string[];

  constructor(args: BalancedAllocationArgs = {}) {
    this.resources = (args.resources?.length ? args.resources : [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }]).map((r) => r.name);
  }

  /** Balanced-ness of the requested fractions (exact requests, capped at 1). */
  score(pod: PodInfo, node: NodeInfo): number {
    const fr: number[] = [];
    for (const name of this.resources) {
      const alloc = resourceAmount(node.allocatable, name);
      if (alloc === 0) continue;
      fr.push(Math.min(1, requestedWithPod(pod, node, name, false) / alloc));
    }
    let std = 0;
    if (fr.length === 2) std = Math.abs((fr[0]! - fr[1]!) / 2);
    else if (fr.length > 2) {
      const mean = fr.reduce((a, b) => a + b, 0) / fr.length;
      std = Math.sqrt(fr.reduce((a, f) => a + (f - mean) ** 2, 0) / fr.length);
    }
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  }
}
