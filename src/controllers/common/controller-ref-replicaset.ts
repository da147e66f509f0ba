/**
 * ControllerRefManager (pkg/controller/controller_ref_manager.go) as the ReplicaSet and
 * Deployment controllers use it: an owner claims the objects its selector matches. Orphans are
 * adopted (a controller ownerReference with blockOwnerDeletion), owned objects that stopped
 * matching are released, and objects controlled by someone else are left alone. The decision
 * (`planClaims`) is pure; `claimObjects` applies it through the API.
 */
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { isStatus, type ResourceRef, type RestClient } from '../../client/rest.js';

/** The owner doing the claiming. */
export interface ClaimOwner {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; uid?: string; deletionTimestamp?: string };
}

import { controllerRefOf } from './owners.js';
export { controllerRefOf };

/** The ownerReference a controller puts on what it creates or adopts (metav1.NewControllerRef). */
export function newControllerRef(owner: ClaimOwner): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** What claiming decides for a set of candidates. */
export interface ClaimPlan {
  /** already controlled by the owner and still matching */
  owned: KubeObject[];
  /** orphans that match: to adopt */
  adopt: KubeObject[];
  /** controlled by the owner but no longer matching: to release */
  release: KubeObject[];
}

/**
 * ClaimObject for every candidate. A deleting owner neither adopts nor releases (upstream keeps
 * its dependents attached so the garbage collector can finish), and a deleting orphan is not adopted.
 */
export function planClaims(owner: ClaimOwner, candidates: KubeObject[], matches: (o: KubeObject) => boolean): ClaimPlan {
  const plan: ClaimPlan = { owned: [], adopt: [], release: [] };
  const deleting = !!owner.metadata.deletionTimestamp;
  for (const o of candidates) {
    const ref = controllerRefOf(o);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches(o)) plan.owned.push(o);
      else if (!deleting) plan.release.push(o);
      continue;
    }
    if (deleting || !matches(o) || o.metadata.deletionTimestamp) continue;
    plan.adopt.push(o);
  }
  return plan;
}

/**
 * A JSON patch adding the controller reference, guarded by the object's uid and resourceVersion
 * (upstream guards its strategic patch with metadata.uid; a lost race is retried by the queue).
 */
export function adoptPatch(owner: ClaimOwner, obj: KubeObject): unknown[] {
  const refs = [...(obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid), newControllerRef(owner)];
  return [
    { op: 'test', path: '/metadata/uid', value: obj.metadata.uid },
    { op: 'test', path: '/metadata/resourceVersion', value: obj.metadata.resourceVersion },
    { op: 'add', path: '/metadata/ownerReferences', value: refs },
  ];
}

/** A JSON patch removing the owner's reference (orphaning the object). */
export function releasePatch(owner: ClaimOwner, obj: KubeObject): unknown[] {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
  return [
    { op: 'test', path: '/metadata/uid', value: obj.metadata.uid },
    { op: 'test', path: '/metadata/resourceVersion', value: obj.metadata.resourceVersion },
    refs.length ? { op: 'replace', path: '/metadata/ownerReferences', value: refs } : { op: 'remove', path: '/metadata/ownerReferences' },
  ];
}

/**
 * Applies a claim plan and returns the objects the owner now controls. `canAdopt` re-reads the
 * owner from the API before the first adoption (RecheckDeletionTimestamp): a cache may still show
 * an owner that was deleted and recreated under the same name.
 */
export async function claimObjects(
  client: RestClient,
  collection: (o: KubeObject) => ResourceRef,
  owner: ClaimOwner,
  candidates: KubeObject[],
  matches: (o: KubeObject) => boolean,
  canAdopt: () => Promise<boolean>,
): Promise<KubeObject[]> {
  const plan = planClaims(owner, candidates, matches);
  const claimed = [...plan.owned];
  if (plan.adopt.length && (await canAdopt())) {
    for (const o of plan.adopt) {
      try {
        claimed.push(await client.patch(collection(o), 'json', adoptPatch(owner, o)));
      } catch (e) {
        // Gone, or changed since the cache saw it: the change brings another event and sync.
        if (!isStatus(e, 404) && !isStatus(e, 422) && !isStatus(e, 409)) throw e;
      }
    }
  }
  for (const o of plan.release) {
    try {
      await client.patch(collection(o), 'json', releasePatch(owner, o));
    } catch (e) {
      if (!isStatus(e, 404) && !isStatus(e, 422) && !isStatus(e, 409)) throw e;
    }
  }
  return claimed;
}
