/**
 * Adoption and release writes of the controller-ref manager (upstream
 * pkg/controller/controller_ref_manager.go AdoptPod/ReleasePod), shared by the DaemonSet and
 * StatefulSet controllers: an orphan that matches the selector gains the owner's controller
 * reference; an owned object that stopped matching loses it. The patch carries the object's
 * resourceVersion so a concurrent change fails with a conflict instead of being overwritten.
 */
import type { KubeObject } from '../../api/object.js';
import { isStatus, type ResourceRef, type RestClient } from '../../client/rest.js';
import { newControllerRef } from './workload-helpers-ds-sts.js';

type Collection = Pick<ResourceRef, 'group' | 'version' | 'resource'>;

/** Adds the owner's controller reference to `obj`; false when the object changed or vanished. */
export async function adopt(client: RestClient, res: Collection, owner: KubeObject, ownerApiVersion: string, ownerKind: string, obj: KubeObject): Promise<boolean> {
  const refs = [...(obj.metadata.ownerReferences ?? []), newControllerRef(owner, ownerApiVersion, ownerKind)];
  try {
    await client.patch({ ...res, namespace: obj.metadata.namespace, name: obj.metadata.name }, 'merge', { metadata: { ownerReferences: refs, resourceVersion: obj.metadata.resourceVersion } });
    return true;
  } catch (e) {
    if (isStatus(e, 404) || isStatus(e, 409)) return false;
    throw e;
  }
}

/** Removes the owner's reference from `obj` (ignoring objects already gone). */
export async function release(client: RestClient, res: Collection, owner: KubeObject, obj: KubeObject): Promise<void> {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
  try {
    await client.patch({ ...res, namespace: obj.metadata.namespace, name: obj.metadata.name }, 'merge', { metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: obj.metadata.resourceVersion } });
  } catch (e) {
    if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
  }
}
