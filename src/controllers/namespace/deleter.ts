/**
 * One deletion pass over a namespace's content (upstream namespacedResourcesDeleter.deleteAllContent):
 * for every namespaced resource (preferred versions) that supports delete, deletecollection when
 * served, else list and delete one by one (propagation Background, so the garbage collector
 * takes dependents), then a verification list counting what remains and which finalizers hold it.
 */
import type { KubeObject } from '../../api/object.js';
import type { DiscoveredResource } from '../../client/discovery.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import { hasVerbs, preferredOnly, refOf } from '../common/resources.js';
import type { DeletionPass, ResourceOutcome } from './status.js';

/** Namespaced, deletable, listable resources: what a namespace deletion must empty. */
export function deletableNamespaced(all: DiscoveredResource[]): DiscoveredResource[] {
  return preferredOnly(all).filter((r) => r.namespaced && hasVerbs(r, 'delete', 'list'));
}

/** Finalizer counts over remaining objects. */
export function countFinalizers(items: KubeObject[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of items) for (const f of o.metadata.finalizers ?? []) out[f] = (out[f] ?? 0) + 1;
  return out;
}

async function purge(client: RestClient, r: DiscoveredResource, namespace: string): Promise<ResourceOutcome> {
  const ref = refOf(r, namespace);
  const base = { group: r.group, resource: r.resource };
  try {
    if (hasVerbs(r, 'deletecollection')) {
      await client.deleteCollection(ref, { propagationPolicy: 'Background' });
    } else {
      const list = await client.list(ref);
      for (const o of list.items) {
        if (o.metadata.deletionTimestamp) continue;
        try {
          await client.delete(refOf(r, namespace, o.metadata.name), { propagationPolicy: 'Background' });
        } catch (e) {
          if (!isStatus(e, 404)) throw e;
        }
      }
    }
    const left = await client.list(ref);
    return { ...base, remaining: left.items.length, finalizers: countFinalizers(left.items) };
  } catch (e) {
    if (isStatus(e, 404) || isStatus(e, 405)) return { ...base, remaining: 0, finalizers: {} };
    const msg = e instanceof Error ? e.message : String(e);
    return { ...base, error: `unable to delete ${r.group ? `${r.resource}.${r.group}` : r.resource}: ${msg}`, remaining: 0, finalizers: {} };
  }
}

/** Deletes everything in `namespace`; never throws (failures are reported in the pass). */
export async function deleteAllContent(client: RestClient, namespace: string): Promise<DeletionPass> {
  let all: DiscoveredResource[];
  try {
    all = await client.discover();
  } catch (e) {
    return { discoveryError: e instanceof Error ? e.message : String(e), outcomes: [] };
  }
  const outcomes = await Promise.all(deletableNamespaced(all).map((r) => purge(client, r, namespace)));
  return { outcomes };
}
