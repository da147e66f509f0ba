/** NodePorts: a host port (hostIP, protocol, port) may be claimed by one pod per node. */
import type { NodeInfo } from '../../nodeinfo.js';
import type { PodInfo } from '../../podinfo.js';
import { unschedulable, type FilterPlugin, type Status } from '../../types.js';

const REJECT = unschedulable("node(s) didn't have free ports for the requested pod ports");

/** The NodePorts filter plugin. */
export class NodePorts implements FilterPlugin {
  readonly name = 'NodePorts';

  /** Rejects a node where any requested host port is taken (0.0.0.0 overlaps every address). */
  filter(pod: PodInfo, node: NodeInfo): Status | null {
    for (const hp of pod.hostPorts) if (node.portConflicts(hp)) return REJECT;
    return null;
  }
}
