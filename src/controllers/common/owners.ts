/**
 * Controller references, shared by every workload controller: metav1.GetControllerOf, and the
 * two lookups each controller's handlers make: "which of my objects controls this one"
 * (resolveControllerRef: same kind, name and uid as the cached owner) and "which of my objects
 * would adopt this orphan" (the owners of its namespace whose selector matches its labels).
 */
import type { KubeObject, OwnerReference } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { objectKey } from '../../client/informer.js';

/** metav1.GetControllerOf: the ownerReference with controller=true, if any. */
export function controllerRefOf(o: KubeObject): OwnerReference | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** The `namespace/name` of o's controller of `kind`, when the cached owner still has that uid. */
export function controllerKey(o: KubeObject, kind: string, owners: Informer): string | undefined {
  const ref = controllerRefOf(o);
  if (!ref || ref.kind !== kind) return undefined;
  const key = `${o.metadata.namespace ?? ''}/${ref.name}`;
  return owners.get(key)?.metadata.uid === ref.uid ? key : undefined;
}

/** Keys of the cached owners in o's namespace whose selector matches o's labels. */
export function matchingOwnerKeys(o: KubeObject, owners: Informer, matches: (owner: KubeObject, labels: Record<string, string> | undefined) => boolean): string[] {
  return owners
    .list()
    .filter((owner) => owner.metadata.namespace === o.metadata.namespace && matches(owner, o.metadata.labels))
    .map(objectKey);
}
