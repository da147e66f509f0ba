/**
 * downwardAPI volumes (pkg/volume/downwardapi): one file per item, holding a pod field
 * (labels/annotations as `key="value"` lines) or a container resource (ceil(amount / divisor)).
 */
import type { DownwardAPIVolumeFile, Pod } from 'kubernetes-types/core/v1.js';
import type { Payload } from './atomic-writer.js';
import { defaultFileMode } from './configmap.js';
import { containerResourceValue, findContainer, podFieldValue, type PodRuntimeInfo } from './downward.js';

/** The files of downwardAPI items. */
export function downwardApiPayload(pod: Pod, items: DownwardAPIVolumeFile[] | undefined, defaultMode: number | undefined, info: PodRuntimeInfo): Payload {
  const out: Payload = new Map();
  for (const it of items ?? []) {
    let value: string;
    if (it.fieldRef) value = podFieldValue(pod, it.fieldRef, info);
    else if (it.resourceFieldRef) {
      const c = findContainer(pod, it.resourceFieldRef.containerName);
      if (!c) throw new Error(`container ${it.resourceFieldRef.containerName ?? ''} not found in pod`);
      value = containerResourceValue(it.resourceFieldRef, c, info.nodeAllocatable);
    } else continue;
    out.set(it.path, { data: Buffer.from(value, 'utf8'), mode: it.mode ?? defaultMode ?? defaultFileMode });
  }
  return out;
}
