/**
 * TaintToleration: NoSchedule/NoExecute taints the pod does not tolerate reject the node;
 * PreferNoSchedule taints it does not tolerate lower the score (fewer is better).
 */
import { findUntoleratedTaint, toleratesTaint } from '../../labels.js';
import type { NodeInfo } from '../../nodeinfo.js';
import type { PodInfo } from '../../podinfo.js';
import { defaultNormalizeScore } from '../normalize.js';
import { unresolvable, type FilterPlugin, type ScorePlugin, type Status } from '../../types.js';

const hardEffect = (e: string) => e === 'NoSchedule' || e === 'NoExecute';

/** The TaintToleration filter and score plugin. */
export class TaintToleration implements FilterPlugin, ScorePlugin {
  readonly name = 'TaintToleration';

  /** "node(s) had untolerated taint {key: value}" for the first hard taint not tolerated. */
  filter(pod: PodInfo, node: NodeInfo): Status | null {
    if (node.taints.length === 0) return null;
    const t = findUntoleratedTaint(node.taints, pod.pod.spec?.tolerations ?? [], hardEffect);
    return t ? unresolvable(`node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`) : null;
  }

  /** Counts PreferNoSchedule taints not tolerated by a toleration with effect PreferNoSchedule or empty. */
  score(pod: PodInfo, node: NodeInfo): number {
    if (node.taints.length === 0) return 0;
    const tols = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    let n = 0;
    for (const taint of node.taints) {
      if (taint.effect !== 'PreferNoSchedule') continue;
      if (!tols.some((t) => toleratesTaint(t, taint))) n++;
    }
    return n;
  }

  /** Reversed: the node with the fewest intolerable taints scores 100. */
  normalizeScore(_pod: PodInfo, _nodes: readonly NodeInfo[], scores: number[]): void {
    defaultNormalizeScore(scores, true);
  }
}
