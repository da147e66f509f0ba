/**
 * delete and deletecollection with DeleteOptions (body or query): preconditions, graceful deletion
 * (deletionTimestamp + grace period for pods bound to a node), finalizers, and propagationPolicy
 * recorded as the orphan/foregroundDeletion finalizers for the garbage collector. Namespaces go
 * Terminating and are removed by the namespace controller once their content is gone.
 */
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { apiVersionOf } from '../../api/resource.js';
import { StorageError } from '../../storage/store.js';
import { readBody, send } from '../http.js';
import { decodeBody } from '../negotiate.js';
import { gr, toExternal, translateStorageError } from '../pipeline.js';
import { rfc3339 } from '../object-meta.js';
import { runAdmission } from '../admission/types.js';
import { storageKey, storagePrefix } from '../resources.js';
import type { RequestCtx } from './context.js';
import { isDryRun, opContext, selectorPredicate } from './context.js';
import { respondObject, getObject } from './read.js';

interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

async function deleteOptionsOf(rc: RequestCtx): Promise<DeleteOptions> {
  const body = await readBody(rc.req);
  let o: DeleteOptions = {};
  if (body.length > 0) o = decodeBody(rc.req.headers['content-type'], body, 'couldn\'t decode DeleteOptions');
  const q = rc.query;
  if (q.get('gracePeriodSeconds') !== null) o.gracePeriodSeconds = Number(q.get('gracePeriodSeconds'));
  if (q.get('propagationPolicy')) o.propagationPolicy = q.get('propagationPolicy') as DeleteOptions['propagationPolicy'];
  if (q.get('orphanDependents') !== null) o.orphanDependents = q.get('orphanDependents') === 'true';
  if (o.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(o.propagationPolicy)) {
    throw errors.badRequest(`propagationPolicy: Unsupported value: "${o.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  if (o.orphanDependents !== undefined && o.propagationPolicy) {
    throw errors.badRequest('orphanDependents: Invalid value: "...": orphanDependents and deletionPropagation cannot be both set');
  }
  if (o.gracePeriodSeconds !== undefined && (!Number.isInteger(o.gracePeriodSeconds) || o.gracePeriodSeconds < 0)) {
    throw errors.badRequest(`gracePeriodSeconds: Invalid value: ${o.gracePeriodSeconds}: must be greater than or equal to 0`);
  }
  return o;
}

/** Upstream pod graceful-deletion rule: only pods bound to a node and still running wait for the kubelet. */
function gracePeriodFor(obj: KubeObject, opts: DeleteOptions, isPod: boolean): number {
  if (!isPod) return 0;
  const spec = obj.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
  const phase = (obj.status as { phase?: string } | undefined)?.phase;
  if (!spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  return opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
}

export async function deleteOne(rc: RequestCtx, name: string, opts: DeleteOptions): Promise<KubeObject> {
  const { def, deps } = rc;
  const ctx = opContext(rc);
  const key = storageKey(def, rc.info.namespace, name);
  const cur = await getObject(rc, name);
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== cur.metadata.uid) {
    throw errors.conflict(gr(def), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid ?? ''}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
    throw errors.conflict(gr(def), name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${cur.metadata.resourceVersion ?? ''}`);
  }
  await runAdmission(deps.admission, {
    operation: 'DELETE', def, namespace: rc.info.namespace, name, subresource: '', oldObject: cur, user: rc.user, dryRun: ctx.dryRun,
    warn: (m) => rc.warnings.push(m),
    addAuditAnnotation: ctx.addAuditAnnotation,
    get: async (g, r, ns, n) => {
      const d = deps.resources.preferred(g, r);
      return d ? deps.store.get(storageKey(d, ns, n)) : undefined;
    },
  });
  const isPod = def.group === '' && def.resource === 'pods';
  const isNamespace = def.group === '' && def.resource === 'namespaces';
  const grace = gracePeriodFor(cur, opts, isPod);
  const finalizers = new Set(cur.metadata.finalizers ?? []);
  const orphan = opts.propagationPolicy === 'Orphan' || opts.orphanDependents === true;
  if (orphan) finalizers.add('orphan');
  if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
  const nsFinalizers = isNamespace ? ((cur.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
  const graceful = grace > 0 || finalizers.size > 0 || nsFinalizers.length > 0;

  if (graceful) {
    // carrySystemMeta protects deletion fields on ordinary updates, so they are written directly here.
    if (cur.metadata.deletionTimestamp && !isPod) return cur; // already being deleted
    return markDeleting(rc, key, cur, grace, [...finalizers], isNamespace, ctx.dryRun);
  }
  if (ctx.dryRun) return cur;
  try {
    const gone = await deps.store.delete(key, { uid: cur.metadata.uid });
    return toExternal(def, gone);
  } catch (e) {
    translateStorageError(def, name, e);
  }
}

/** Writes deletionTimestamp/grace/finalizers (fields the generic update path protects). */
async function markDeleting(rc: RequestCtx, key: string, obj: KubeObject, grace: number, finalizers: string[], isNamespace: boolean, dryRun: boolean): Promise<KubeObject> {
  const apply = (o: KubeObject): KubeObject => {
    const now = rc.deps.now().getTime();
    const target = now + grace * 1000;
    const existing = o.metadata.deletionTimestamp ? Date.parse(String(o.metadata.deletionTimestamp)) : undefined;
    if (existing === undefined || target < existing) {
      o.metadata.deletionTimestamp = rfc3339(new Date(target));
      o.metadata.deletionGracePeriodSeconds = grace;
    }
    if (finalizers.length) o.metadata.finalizers = finalizers;
    if (isNamespace) o.status = { ...((o.status) ?? {}), phase: 'Terminating' };
    return o;
  };
  if (dryRun) return apply(obj);
  try {
    const stored = await rc.deps.store.guaranteedUpdate(key, (cur) => {
      if (!cur) throw new StorageError('NotFound', key, 'not found');
      return apply(cur);
    });
    return toExternal(rc.def, stored);
  } catch (e) {
    translateStorageError(rc.def, obj.metadata.name ?? '', e);
  }
}

export async function handleDelete(rc: RequestCtx): Promise<void> {
  const opts = await deleteOptionsOf(rc);
  const obj = await deleteOne(rc, rc.info.name, opts);
  respondObject(rc, 200, obj);
}

export async function handleDeleteCollection(rc: RequestCtx): Promise<void> {
  const opts = await deleteOptionsOf(rc);
  isDryRun(rc.query);
  const predicate = selectorPredicate(rc.def, rc.query);
  const prefix = storagePrefix(rc.def, rc.def.namespaced ? rc.info.namespace || undefined : undefined);
  const list = await rc.deps.store.list(prefix, { predicate });
  const deleted: KubeObject[] = [];
  for (const item of list.items) {
    const sub: RequestCtx = { ...rc, info: { ...rc.info, namespace: item.metadata.namespace ?? '' } };
    try {
      deleted.push(await deleteOne(sub, item.metadata.name!, opts));
    } catch (e) {
      if (!(e instanceof Error && 'code' in e && (e as { code: number }).code === 404)) throw e;
    }
  }
  send(rc.req, rc.res, 200, { kind: `${rc.def.kind}List`, apiVersion: apiVersionOf(rc.def), metadata: { resourceVersion: String(list.resourceVersion) }, items: deleted }, { warnings: rc.warnings });
}
