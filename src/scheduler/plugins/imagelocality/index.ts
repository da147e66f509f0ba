/**
 * ImageLocality: favours nodes that already hold the pod's images, each image weighted by its size
 * and by how widely it is spread (so a ubiquitous image does not dominate), between 23 MB and
 * 1000 MB per container.
 */
import { normalizeImage, type NodeInfo } from '../../nodeinfo.js';
import type { PodInfo } from '../../podinfo.js';
import { MAX_NODE_SCORE, type Handle, type ScorePlugin } from '../../types.js';

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** The ImageLocality score plugin. */
export class ImageLocality implements ScorePlugin {
  readonly name = 'ImageLocality';
  constructor(private readonly handle: Pick<Handle, 'imageNodeCount' | 'nodeInfos'>) {}

  /** Scaled sum of sizes of the pod's images present on the node. */
  score(pod: PodInfo, node: NodeInfo): number {
    const containers = [...(pod.pod.spec?.initContainers ?? []), ...(pod.pod.spec?.containers ?? [])];
    if (node.images.size === 0 || containers.length === 0) return 0;
    const total = this.handle.nodeInfos().length || 1;
    let sum = 0;
    for (const c of containers) {
      if (!c.image) continue;
      const img = normalizeImage(c.image);
      const size = node.images.get(img);
      if (size === undefined) continue;
      sum += Math.trunc(size * (this.handle.imageNodeCount(img) / total));
    }
    const max = MAX_CONTAINER_THRESHOLD * containers.length;
    sum = Math.min(Math.max(sum, MIN_THRESHOLD), max);
    return Math.trunc((MAX_NODE_SCORE * (sum - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
  }
}
