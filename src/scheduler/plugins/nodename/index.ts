/** NodeName: a pod naming spec.nodeName fits only that node. */
import type { NodeInfo } from '../../nodeinfo.js';
import type { PodInfo } from '../../podinfo.js';
import { unresolvable, type FilterPlugin, type Status } from '../../types.js';

const REJECT = unresolvable("node(s) didn't match the requested node name");

/** The NodeName filter plugin. */
export class NodeName implements FilterPlugin {
  readonly name = 'NodeName';

  /** Rejects every node but the one in spec.nodeName (when set). */
  filter(pod: PodInfo, node: NodeInfo): Status | null {
    const want = pod.pod.spec?.nodeName;
    return !want || want === node.name ? null : REJECT;
  }
}
