/**
 * emptyDir volumes (pkg/volume/emptydir): a directory that lives as long as the pod; medium
 * Memory is a tmpfs (sized by sizeLimit) when the agent can mount, as kubelet does.
 */
import { mkdirSync } from 'node:fs';
import type { EmptyDirVolumeSource } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../api/validation/quantity.js';
import { canMount, mountTmpfs } from './tmpfs.js';

/** Creates the emptyDir at `dir` (tmpfs for medium Memory when possible). */
export function setUpEmptyDir(dir: string, src: EmptyDirVolumeSource, mount = canMount()): void {
  mkdirSync(dir, { recursive: true, mode: 0o777 });
  if (src.medium === 'Memory' && mount) {
    const size = src.sizeLimit !== undefined ? parseQuantity(String(src.sizeLimit)) : undefined;
    mountTmpfs(dir, size);
  }
}
