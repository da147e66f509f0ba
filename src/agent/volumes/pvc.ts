/**
 * persistentVolumeClaim volumes: the claim must be Bound; its PersistentVolume must be a hostPath
 * or local volume on this machine (the only kinds this agent can attach), whose path is mounted.
 */
import type { PersistentVolumeClaimVolumeSource } from 'kubernetes-types/core/v1.js';
import { setUpHostPath } from './host-path.js';
import type { VolumeSources } from './sources.js';

/** The host path backing a claim; throws kubelet-style messages while it is not usable. */
export async function resolveClaim(namespace: string, src: PersistentVolumeClaimVolumeSource, sources: VolumeSources): Promise<{ path: string; readOnly: boolean }> {
  const name = src.claimName;
  const pvc = await sources.persistentVolumeClaim(namespace, name);
  if (!pvc) throw new Error(`persistentvolumeclaim "${name}" not found`);
  if (pvc.metadata?.deletionTimestamp) throw new Error(`can't start pod because PVC ${namespace}/${name} is being deleted`);
  const pvName = pvc.spec?.volumeName;
  if (!pvName || pvc.status?.phase !== 'Bound') throw new Error(`PVC ${namespace}/${name} is not bound`);
  const pv = await sources.persistentVolume(pvName);
  if (!pv) throw new Error(`persistentvolume "${pvName}" not found`);
  const path = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
  if (!path) throw new Error(`persistentvolume "${pvName}" is neither hostPath nor local: this node cannot attach it`);
  if (pv.spec?.hostPath) setUpHostPath({ path, type: pv.spec.hostPath.type ?? 'DirectoryOrCreate' });
  else setUpHostPath({ path, type: 'Directory' });
  return { path, readOnly: src.readOnly === true };
}
