/**
 * getExpectedScale of the disruption controller: the total desired replicas of the controllers
 * owning the selected pods, each controller counted once. Upstream's finders, read through the
 * client: a ReplicaSet owned by a Deployment counts as the Deployment (so the ReplicaSets of a
 * rollout are not counted twice), then ReplicaSet, StatefulSet and ReplicationController.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { isStatus, type RestClient } from '../../client/rest.js';

interface Scaled {
  uid: string;
  replicas: number;
}

const RESOURCES: Record<string, { group: string; version: string; resource: string }> = {
  'apps/ReplicaSet': { group: 'apps', version: 'v1', resource: 'replicasets' },
  'apps/Deployment': { group: 'apps', version: 'v1', resource: 'deployments' },
  'apps/StatefulSet': { group: 'apps', version: 'v1', resource: 'statefulsets' },
  '/ReplicationController': { group: '', version: 'v1', resource: 'replicationcontrollers' },
};

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** metav1.GetControllerOf. */
export function controllerOf(o: { metadata?: { ownerReferences?: readonly OwnerReference[] } }): OwnerReference | undefined {
  return o.metadata?.ownerReferences?.find((r) => r.controller === true);
}

async function fetchOwner(client: RestClient, namespace: string, ref: OwnerReference): Promise<KubeObject | undefined> {
  const r = RESOURCES[`${groupOf(ref.apiVersion)}/${ref.kind}`];
  if (!r) return undefined;
  try {
    const o = await client.get({ ...r, namespace, name: ref.name });
    // A same-named replacement is not the pod's controller.
    return o.metadata.uid === ref.uid ? o : undefined;
  } catch (e) {
    if (isStatus(e, 404)) return undefined;
    throw e;
  }
}

function replicasOf(o: KubeObject): number {
  const r = (o.spec as { replicas?: number } | undefined)?.replicas;
  return typeof r === 'number' ? r : 1;
}

/** Finds the scaled controller of a pod (Deployment above a ReplicaSet), or undefined when none is known. */
async function findController(client: RestClient, namespace: string, ref: OwnerReference): Promise<Scaled | undefined> {
  const owner = await fetchOwner(client, namespace, ref);
  if (!owner) return undefined;
  if (ref.kind === 'ReplicaSet') {
    const dref = controllerOf(owner);
    if (dref && dref.kind === 'Deployment' && groupOf(dref.apiVersion) === 'apps') {
      const d = await fetchOwner(client, namespace, dref);
      if (d) return { uid: d.metadata.uid ?? '', replicas: replicasOf(d) };
      return undefined;
    }
  }
  return { uid: owner.metadata.uid ?? '', replicas: replicasOf(owner) };
}

/**
 * The summed scale of the pods' controllers; pods without a controller are reported as
 * `unmanaged` (upstream logs them and carries on); a controller that cannot be found is an error,
 * as upstream's "found no controllers for pod".
 */
export async function expectedScale(client: RestClient, pods: readonly Pod[]): Promise<{ scale: number; unmanaged: string[] }> {
  // pod's controller uid → the scaled controller it resolves to (a Deployment for its ReplicaSets)
  const resolved = new Map<string, Scaled>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanaged.push(pod.metadata?.name ?? '');
      continue;
    }
    if (resolved.has(ref.uid)) continue;
    const found = await findController(client, pod.metadata?.namespace ?? '', ref);
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata?.name ?? ''}"`);
    resolved.set(ref.uid, found);
  }
  const scales = new Map([...resolved.values()].map((s) => [s.uid, s.replicas] as const));
  let scale = 0;
  for (const r of scales.values()) scale += r;
  return { scale, unmanaged };
}
