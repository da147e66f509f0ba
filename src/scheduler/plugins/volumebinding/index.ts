/**
 * VolumeBinding for bound claims: every PVC the pod mounts must exist and be bound; a bound PV with
 * spec.nodeAffinity restricts the pod to matching nodes. (Dynamic provisioning and
 * WaitForFirstConsumer binding are out of scope.)
 */
import type { PersistentVolume } from 'kubernetes-types/core/v1.js';
import { compileNodeSelector } from '../../labels.js';
import type { NodeInfo } from '../../nodeinfo.js';
import type { PodInfo } from '../../podinfo.js';
import { CycleState, SKIP, unresolvable, type FilterPlugin, type Handle, type PreFilterPlugin, type StateData, type Status } from '../../types.js';

const CONFLICT = unresolvable('node(s) had volume node affinity conflict');

class VolState implements StateData {
  constructor(readonly pvs: PersistentVolume[]) {}
  clone(): StateData {
    return this;
  }
}

/** The VolumeBinding plugin (bound PVCs only). */
export class VolumeBinding implements PreFilterPlugin, FilterPlugin {
  readonly name = 'VolumeBinding';

  /** Resolves the pod's claims; a missing or unbound claim fails the whole cycle. */
  preFilter(pod: PodInfo, state: CycleState, handle: Handle): Status | null {
    const claims = (pod.pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
    if (claims.length === 0) return SKIP;
    const pvs: PersistentVolume[] = [];
    for (const name of claims) {
      const pvc = handle.pvc(pod.namespace, name);
      if (!pvc) return unresolvable(`persistentvolumeclaim "${name}" not found`);
      if (pvc.metadata?.deletionTimestamp) return unresolvable(`persistentvolumeclaim "${name}" is being deleted`);
      const pvName = pvc.spec?.volumeName;
      if (!pvName || pvc.status?.phase === 'Pending') return unresolvable('pod has unbound immediate PersistentVolumeClaims');
      const pv = handle.pv(pvName);
      if (!pv) return unresolvable(`persistentvolume "${pvName}" not found`);
      pvs.push(pv);
    }
    state.write(this.name, new VolState(pvs));
    return null;
  }

  /** Rejects nodes outside a bound PV's node affinity. */
  filter(_pod: PodInfo, node: NodeInfo, state: CycleState): Status | null {
    const st = state.read<VolState>(this.name);
    if (!st || !node.node) return null;
    for (const pv of st.pvs) {
      const req = pv.spec?.nodeAffinity?.required;
      if (req && !compileNodeSelector(req)(node.node, node.labels)) return CONFLICT;
    }
    return null;
  }
}
