/**
 * Discovery helpers shared by controllers: which resources to watch or purge, and the mapping
 * from an ownerReference's apiVersion/kind to a resource (the RESTMapper's job upstream).
 */
import type { DiscoveredResource } from '../../client/discovery.js';
import type { ResourceRef } from '../../client/rest.js';

/** A stable id of a group/version/resource, e.g. "apps/v1/deployments" or "/v1/pods". */
export function resourceId(r: { group: string; version: string; resource: string }): string {
  return `${r.group}/${r.version}/${r.resource}`;
}

/** Splits "group/version" (or "version" for the core group). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** The collection reference of a discovered resource. */
export function refOf(r: { group: string; version: string; resource: string }, namespace?: string, name?: string): ResourceRef {
  return { group: r.group, version: r.version, resource: r.resource, ...(namespace ? { namespace } : {}), ...(name !== undefined ? { name } : {}) };
}

/** True when the resource answers every verb given. */
export function hasVerbs(r: DiscoveredResource, ...verbs: string[]): boolean {
  return verbs.every((v) => r.verbs.includes(v));
}

/**
 * Preferred versions only: the same objects are served under every version of a group (e.g.
 * autoscaling/v1 and v2 HPAs), so watching one version sees each object once.
 */
export function preferredOnly(all: DiscoveredResource[]): DiscoveredResource[] {
  return all.filter((r) => r.preferred);
}

/** Finds the resource serving `kind` in the ownerReference's apiVersion (or, failing that, any version of its group). */
export function resourceForKind(all: DiscoveredResource[], apiVersion: string, kind: string): DiscoveredResource | undefined {
  const { group, version } = parseApiVersion(apiVersion);
  return all.find((r) => r.group === group && r.version === version && r.kind === kind) ?? all.find((r) => r.group === group && r.kind === kind && r.preferred);
}
