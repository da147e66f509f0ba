/**
 * get and list, with resourceVersion/resourceVersionMatch semantics, limit/continue, selectors and
 * server-side Tables.
 */
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { apiVersionOf } from '../../api/resource.js';
import type { ListOptions } from '../../storage/store.js';
import { send } from '../http.js';
import { wantedOutput } from '../negotiate.js';
import { gr, toExternal, translateStorageError } from '../pipeline.js';
import { storageKey, storagePrefix } from '../resources.js';
import { parseIncludeObject, toTable } from '../table.js';
import type { RequestCtx } from './context.js';
import { selectorPredicate } from './context.js';

/** Answers one object in the form the client asked for. */
export function respondObject(rc: RequestCtx, code: number, obj: KubeObject): void {
  const want = wantedOutput(rc.req.headers.accept);
  if (want.output === 'table') {
    send(rc.req, rc.res, code, toTable(rc.def, [obj], { include: parseIncludeObject(rc.query.get('includeObject')), version: want.version }), { warnings: rc.warnings });
  } else if (want.output === 'partial') {
    send(rc.req, rc.res, code, { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${want.version}`, metadata: obj.metadata }, { warnings: rc.warnings });
  } else {
    send(rc.req, rc.res, code, obj, { yaml: want.yaml, warnings: rc.warnings });
  }
}

export async function getObject(rc: RequestCtx, name: string): Promise<KubeObject> {
  let stored: KubeObject | undefined;
  try {
    stored = await rc.deps.store.get(storageKey(rc.def, rc.info.namespace, name));
  } catch (e) {
    translateStorageError(rc.def, name, e);
  }
  if (!stored) throw errors.notFound(gr(rc.def), name);
  return toExternal(rc.def, stored);
}

export async function handleGet(rc: RequestCtx): Promise<void> {
  const want = wantedOutput(rc.req.headers.accept);
  void want;
  respondObject(rc, 200, await getObject(rc, rc.info.name));
}

/** Parses resourceVersion + resourceVersionMatch into store list options (upstream semantics). */
export function listVersionOptions(q: URLSearchParams): Pick<ListOptions, 'resourceVersion' | 'exact'> {
  const rv = q.get('resourceVersion');
  const match = q.get('resourceVersionMatch');
  if (match && match !== 'Exact' && match !== 'NotOlderThan') {
    throw errors.badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (rv === null || rv === '') {
    if (match) throw errors.badRequest(`resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided`);
    return {};
  }
  if (!/^\d+$/.test(rv)) throw errors.badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
  const n = Number(rv);
  if (match === 'Exact' && n === 0) throw errors.badRequest(`resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"`);
  return { resourceVersion: n, exact: match === 'Exact' };
}

export async function handleList(rc: RequestCtx): Promise<void> {
  const want = wantedOutput(rc.req.headers.accept);
  const limitStr = rc.query.get('limit');
  const limit = limitStr ? Number(limitStr) : undefined;
  if (limitStr && (!Number.isInteger(limit) || limit! < 0)) throw errors.badRequest(`limit: Invalid value: "${limitStr}"`);
  const cont = rc.query.get('continue') || undefined;
  const versionOpts = cont ? {} : listVersionOptions(rc.query);
  if (cont && rc.query.get('resourceVersion') && rc.query.get('resourceVersion') !== '0') {
    throw errors.badRequest(`specifying resource version is not allowed when using continue`);
  }
  const predicate = selectorPredicate(rc.def, rc.query);
  const prefix = storagePrefix(rc.def, rc.def.namespaced ? rc.info.namespace || undefined : undefined);
  let result;
  try {
    result = await rc.deps.store.list(prefix, { ...versionOpts, limit: limit || undefined, continueToken: cont, predicate });
  } catch (e) {
    translateStorageError(rc.def, '', e);
  }
  const listMeta: Record<string, unknown> = { resourceVersion: String(result.resourceVersion) };
  if (result.continueToken) listMeta.continue = result.continueToken;
  if (result.remainingItemCount !== undefined && result.continueToken) listMeta.remainingItemCount = result.remainingItemCount;
  const items = result.items.map((o) => toExternal(rc.def, o));
  if (want.output === 'table') {
    send(rc.req, rc.res, 200, toTable(rc.def, items, { include: parseIncludeObject(rc.query.get('includeObject')), version: want.version, listMeta }), { warnings: rc.warnings });
    return;
  }
  if (want.output === 'partial') {
    send(rc.req, rc.res, 200, {
      kind: 'PartialObjectMetadataList',
      apiVersion: `meta.k8s.io/${want.version}`,
      metadata: listMeta,
      items: items.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${want.version}`, metadata: o.metadata })),
    });
    return;
  }
  send(rc.req, rc.res, 200, { kind: `${rc.def.kind}List`, apiVersion: apiVersionOf(rc.def), metadata: listMeta, items }, { yaml: want.yaml, warnings: rc.warnings });
}
