/**
 * create (POST), update (PUT), patch (all four patch types incl. server-side apply) and the
 * status subresource, all through the generic pipeline.
 */
import { parse as parseYaml } from 'yaml';
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { apiVersionOf } from '../../api/resource.js';
import { readBody } from '../http.js';
import { decodeBody } from '../negotiate.js';
import { createObject, rootDef, updateObject } from '../pipeline.js';
import { rfc3339 } from '../object-meta.js';
import { applyPatch, patchTypeFromContentType } from '../patch/index.js';
import { serverSideApply } from '../patch/apply.js';
import type { RequestCtx } from './context.js';
import { fieldManagerOf, opContext } from './context.js';
import { respondObject } from './read.js';

export async function handleCreate(rc: RequestCtx): Promise<void> {
  const body = await readBody(rc.req);
  const obj = decodeBody(rc.req.headers['content-type'], body, 'couldn\'t decode the request body') as KubeObject;
  if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))) {
    throw errors.badRequest(`${rc.def.kind} in version "${rc.def.version}" cannot be handled as a ${rc.def.kind}: json: cannot unmarshal ${typeof obj.metadata} into Go struct field ${rc.def.kind}.metadata of type v1.ObjectMeta`);
  }
  obj.metadata ??= {};
  const created = await createObject(opContext(rc), obj);
  respondObject(rc, rc.query.getAll('dryRun').length ? 201 : 201, created);
}

export async function handleUpdate(rc: RequestCtx, subresource = ''): Promise<void> {
  const body = await readBody(rc.req);
  const obj = decodeBody(rc.req.headers['content-type'], body, 'couldn\'t decode the request body') as KubeObject;
  obj.metadata ??= {};
  const ctx = opContext(rc);
  const { object, created } = await updateObject(ctx, rc.info.name, () => obj, { subresource, allowCreate: allowCreateOnUpdate(rc) });
  respondObject(rc, created ? 201 : 200, object);
}

/** Kinds that upstream lets PUT create (AllowCreateOnUpdate): Endpoints, Leases, events, CRs do not; keep the upstream set. */
function allowCreateOnUpdate(rc: RequestCtx): boolean {
  const k = `${rc.def.group}/${rc.def.resource}`;
  return k === '/endpoints' || k === 'coordination.k8s.io/leases' || k === 'discovery.k8s.io/endpointslices';
}

export async function handlePatch(rc: RequestCtx, subresource = ''): Promise<void> {
  const ct = String(rc.req.headers['content-type'] ?? '');
  const type = patchTypeFromContentType(ct);
  if (!type) {
    throw errors.unsupportedMediaType(ct || '(none)');
  }
  const body = (await readBody(rc.req)).toString('utf8');
  if (type === 'apply') {
    const manager = fieldManagerOf(rc, true);
    const ctx = opContext(rc, { manager });
    let applied: KubeObject;
    try {
      applied = parseYaml(body) as KubeObject;
    } catch (e) {
      throw errors.badRequest(`error decoding YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (typeof applied !== 'object' || applied === null || Array.isArray(applied)) throw errors.badRequest('the apply configuration must be an object');
    if (applied.apiVersion === undefined || applied.kind === undefined) {
      throw errors.badRequest('apiVersion and kind must be set in an apply configuration');
    }
    const forceStr = rc.query.get('force');
    if (forceStr && forceStr !== 'true' && forceStr !== 'false') throw errors.badRequest(`force: Invalid value: "${forceStr}"`);
    const force = forceStr === 'true';
    const { object, created } = await updateObject(
      ctx,
      rc.info.name,
      (cur) =>
        serverSideApply(cur, { ...applied, metadata: { ...(applied.metadata ?? {}), name: applied.metadata?.name ?? rc.info.name } }, {
          manager,
          force,
          subresource: subresource || undefined,
          apiVersion: apiVersionOf(rc.def),
          time: rfc3339(rc.deps.now()),
          defs: rc.deps.defs,
          rootDef: rootDef(rc.def),
        }),
      { subresource, operation: 'Apply', allowCreate: subresource === '', skipManagedFields: true },
    );
    respondObject(rc, created ? 201 : 200, object);
    return;
  }
  const ctx = opContext(rc);
  const { object } = await updateObject(ctx, rc.info.name, (cur) => applyPatch(type, cur!, body, { defs: rc.deps.defs, rootDef: rootDef(rc.def) }), { subresource });
  respondObject(rc, 200, object);
}
