/**
 * NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods tolerating the
 * node.kubernetes.io/unschedulable:NoSchedule taint (DaemonSet pods get that toleration).
 */
import type { Taint } from 'kubernetes-types/core/v1.js';
import { toleratesTaint } from '../../labels.js';
import type { NodeInfo } from '../../nodeinfo.js';
import type { PodInfo } from '../../podinfo.js';
import { unresolvable, type FilterPlugin, type Status } from '../../types.js';

const TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
const REJECT = unresolvable('node(s) were unschedulable');

/** The NodeUnschedulable filter plugin. */
export class NodeUnschedulable implements FilterPlugin {
  readonly name = 'NodeUnschedulable';

  /** Rejects cordoned nodes unless the pod tolerates the unschedulable taint. */
  filter(pod: PodInfo, node: NodeInfo): Status | null {
    if (!node.node?.spec?.unschedulable) return null;
    const tolerated = (pod.pod.spec?.tolerations ?? []).some((t) => toleratesTaint(t, TAINT));
    return tolerated ? null : REJECT;
  }
}
