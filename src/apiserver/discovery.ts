/**
 * API discovery: legacy (/api, /apis, /api/v1, /apis/<g>/<v>) and aggregated
 * (apidiscovery.k8s.io v2 and v2beta1, answered with exactly the version the Accept header
 * lists, since kubectl reads the body by the response Content-Type).
 */
import type { ResourceDef } from '../api/resource.js';
import type { ResourceTable } from './resources.js';
import { parseAccept } from './negotiate.js';

const defaultVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface SubresourceInfo {
  kind: { group: string; version: string; kind: string };
  verbs: string[];
}

/** What each well-known subresource answers with, as kube-apiserver advertises them. */
function subresourceInfo(def: ResourceDef, sub: string): SubresourceInfo {
  const self = { group: def.group, version: def.version, kind: def.kind };
  switch (sub) {
    case 'status':
      return { kind: self, verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] };
    case 'log':
      return { kind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] };
    case 'exec':
      return { kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] };
    case 'attach':
      return { kind: { group: '', version: 'v1', kind: 'PodAttachOptions' }, verbs: ['create', 'get'] };
    case 'portforward':
      return { kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, verbs: ['create', 'get'] };
    case 'proxy':
      return { kind: { group: '', version: 'v1', kind: def.kind === 'Node' ? 'NodeProxyOptions' : def.kind === 'Service' ? 'ServiceProxyOptions' : 'PodProxyOptions' }, verbs: ['create', 'delete', 'get', 'patch', 'update'] };
    case 'binding':
      return { kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] };
    case 'eviction':
      return { kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] };
    case 'token':
      return { kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] };
    case 'finalize':
      return { kind: self, verbs: ['update'] };
    case 'approval':
      return { kind: self, verbs: ['get', 'patch', 'update'] };
    case 'ephemeralcontainers':
      return { kind: self, verbs: ['get', 'patch', 'update'] };
    default:
      return { kind: self, verbs: ['get'] };
  }
}

function subresourcesOf(def: ResourceDef): string[] {
  const out: string[] = [];
  if (def.subresources?.status) out.push('status');
  if (def.subresources?.scale) out.push('scale');
  out.push(...(def.subresources?.others ?? []));
  return out;
}

function gv(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** GET /api */
export function legacyApiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** GET /apis */
export function legacyGroupList(table: ResourceTable): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: table
      .groups()
      .filter((g) => g.group !== '')
      .map((g) => groupObject(g.group, g.versions)),
  };
}

export function groupObject(group: string, versions: string[]): Record<string, unknown> {
  return {
    name: group,
    versions: versions.map((v) => ({ groupVersion: gv(group, v), version: v })),
    preferredVersion: { groupVersion: gv(group, versions[0]!), version: versions[0] },
  };
}

/** GET /api/v1 or /apis/<g>/<v> */
export function legacyResourceList(table: ResourceTable, group: string, version: string): Record<string, unknown> | undefined {
  const defs = table.resourcesFor(group, version);
  if (defs.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const d of defs) {
    const r: Record<string, unknown> = { name: d.resource, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: d.verbs ?? defaultVerbs };
    if (d.shortNames?.length) r.shortNames = d.shortNames;
    if (d.categories?.length) r.categories = d.categories;
    resources.push(r);
    for (const s of subresourcesOf(d)) {
      const info = subresourceInfo(d, s);
      const sr: Record<string, unknown> = { name: `${d.resource}/${s}`, singularName: '', namespaced: d.namespaced, kind: info.kind.kind, verbs: info.verbs };
      if (info.kind.group !== d.group || info.kind.version !== d.version) {
        sr.group = info.kind.group;
        sr.version = info.kind.version;
      }
      resources.push(sr);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv(group, version), resources };
}

function aggregatedResource(d: ResourceDef): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resource: d.resource,
    responseKind: { group: d.group, version: d.version, kind: d.kind },
    scope: d.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: d.singular,
    verbs: d.verbs ?? defaultVerbs,
  };
  if (d.shortNames?.length) r.shortNames = d.shortNames;
  if (d.categories?.length) r.categories = d.categories;
  const subs = subresourcesOf(d);
  if (subs.length) {
    r.subresources = subs.map((s) => {
      const info = subresourceInfo(d, s);
      return { subresource: s, responseKind: info.kind, verbs: info.verbs };
    });
  }
  return r;
}

/** Aggregated discovery document for /api (core=true) or /apis. */
export function aggregatedDiscovery(table: ResourceTable, core: boolean, version: 'v2' | 'v2beta1'): Record<string, unknown> {
  const items = table
    .groups()
    .filter((g) => (g.group === '') === core)
    .map((g) => ({
      metadata: core ? { creationTimestamp: null } : { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: table.resourcesFor(g.group, v).map(aggregatedResource),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

/** Which aggregated discovery version the Accept header asks for first, if any. */
export function aggregatedVersionWanted(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const mt of parseAccept(accept)) {
    if (mt.params.g === 'apidiscovery.k8s.io' && mt.params.as === 'APIGroupDiscoveryList') {
      if (mt.params.v === 'v2' || mt.params.v === 'v2beta1') return mt.params.v;
    }
    if (!mt.params.as && (mt.type === 'application/json' || mt.type === '*/*')) return undefined;
  }
  return undefined;
}

export function aggregatedContentType(v: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
}
