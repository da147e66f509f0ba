/**
 * Discovery of every served resource: aggregated discovery (apidiscovery.k8s.io/v2, one request
 * for /api and one for /apis), with legacy per-group-version discovery as the fallback when a
 * server answers the aggregated Accept with plain JSON, as client-go's discovery client does.
 */
import type { RestClient } from './rest.js';

/** One served resource (subresources are not listed). */
export interface DiscoveredResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  /** true for the group's preferred (first) version */
  preferred: boolean;
}

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

interface AggregatedList {
  kind?: string;
  items?: {
    metadata?: { name?: string };
    versions?: { version: string; resources?: { resource: string; scope?: string; verbs?: string[]; responseKind?: { kind?: string } }[] }[];
  }[];
}

interface LegacyResourceList {
  resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
}

/** Resources from an aggregated discovery document. */
export function parseAggregated(doc: AggregatedList): DiscoveredResource[] {
  const out: DiscoveredResource[] = [];
  for (const g of doc.items ?? []) {
    const group = g.metadata?.name ?? '';
    (g.versions ?? []).forEach((v, i) => {
      for (const r of v.resources ?? []) {
        out.push({
          group,
          version: v.version,
          resource: r.resource,
          kind: r.responseKind?.kind ?? '',
          namespaced: r.scope === 'Namespaced',
          verbs: r.verbs ?? [],
          preferred: i === 0,
        });
      }
    });
  }
  return out;
}

function parseLegacy(group: string, version: string, preferred: boolean, doc: LegacyResourceList): DiscoveredResource[] {
  return (doc.resources ?? [])
    .filter((r) => !r.name.includes('/'))
    .map((r) => ({ group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? [], preferred }));
}

async function fetchRoot(client: RestClient, path: string): Promise<{ aggregated?: AggregatedList; legacy?: unknown }> {
  const res = await client.raw('GET', path, { accept: AGGREGATED });
  if (res.status !== 200) throw new Error(`discovery ${path}: HTTP ${res.status}`);
  const body = JSON.parse(res.body.toString('utf8')) as AggregatedList;
  if (String(res.headers['content-type'] ?? '').includes('apidiscovery.k8s.io') || body.kind === 'APIGroupDiscoveryList') {
    return { aggregated: body };
  }
  return { legacy: body };
}

/** Every served resource of the cluster. */
export async function discoverResources(client: RestClient): Promise<DiscoveredResource[]> {
  const [core, groups] = await Promise.all([fetchRoot(client, '/api'), fetchRoot(client, '/apis')]);
  const out: DiscoveredResource[] = [];
  if (core.aggregated) out.push(...parseAggregated(core.aggregated));
  else {
    for (const v of (core.legacy as { versions?: string[] }).versions ?? []) {
      out.push(...parseLegacy('', v, v === 'v1', await client.json<LegacyResourceList>('GET', `/api/${v}`)));
    }
  }
  if (groups.aggregated) out.push(...parseAggregated(groups.aggregated));
  else {
    const list = groups.legacy as { groups?: { name: string; versions: { version: string }[]; preferredVersion?: { version: string } }[] };
    for (const g of list.groups ?? []) {
      for (const v of g.versions) {
        const doc = await client.json<LegacyResourceList>('GET', `/apis/${g.name}/${v.version}`);
        out.push(...parseLegacy(g.name, v.version, (g.preferredVersion?.version ?? g.versions[0]?.version) === v.version, doc));
      }
    }
  }
  return out;
}
