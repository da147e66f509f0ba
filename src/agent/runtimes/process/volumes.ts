/**
 * The bind mounts of a container when the agent does not pass them: emptyDir volumes become a
 * directory under the pod's data dir and hostPath volumes their host path (created for
 * DirectoryOrCreate); other volume types need the agent to materialise them and pass `mounts`.
 * The pod's managed /etc/hosts is added unless the container mounts /etc/hosts itself, as kubelet
 * does for pods off the host network.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { MountSpec } from './launch.js';

/** Mounts derived from the pod spec for one container. */
export function defaultMounts(pod: Pod, container: Container, dataDir: string): MountSpec[] {
  const out: MountSpec[] = [];
  for (const vm of container.volumeMounts ?? []) {
    const vol = pod.spec?.volumes?.find((v) => v.name === vm.name);
    let base: string | undefined;
    if (vol?.emptyDir) {
      base = join(dataDir, 'volumes', 'empty-dir', vol.name);
      mkdirSync(base, { recursive: true });
    } else if (vol?.hostPath) {
      base = vol.hostPath.path;
      if (vol.hostPath.type === 'DirectoryOrCreate') mkdirSync(base, { recursive: true });
    }
    if (base === undefined) continue;
    const hostPath = vm.subPath ? join(base, vm.subPath) : base;
    if (vm.subPath && vol?.emptyDir) mkdirSync(hostPath, { recursive: true });
    out.push({ hostPath, containerPath: vm.mountPath, readOnly: vm.readOnly === true });
  }
  return out;
}

/** Adds the pod's hosts file unless the container already mounts /etc/hosts. */
export function withHostsFile(mounts: MountSpec[], hostsFile: string | undefined): MountSpec[] {
  if (!hostsFile || mounts.some((m) => m.containerPath === '/etc/hosts')) return mounts;
  return [...mounts, { hostPath: hostsFile, containerPath: '/etc/hosts' }];
}
