/**
 * ResourceQuota admission (plugin/pkg/admission/resourcequota): the last validating plugin. For an
 * object created (or a pod resized, a Service or claim updated) in a namespace with quotas, every
 * quota whose status.hard tracks the kind and whose scopes select the object must have room for
 * the object's usage; the usage is then added to the quota's status.used in storage *before* the
 * object is written (read-modify-write on the quota's resourceVersion, retried on conflict), so two
 * concurrent creates cannot both take the last slot. The resourcequota controller later corrects
 * status.used from the real objects (e.g. after a delete, or when a write after admission failed).
 * Dry-run requests are checked but not charged.
 */
import type { KubeObject } from '../../api/object.js';
import { ApiError } from '../../api/errors.js';
import { StorageError } from '../../storage/store.js';
import type { ApiDeps } from '../pipeline.js';
import { storageKey, storagePrefix } from '../resources.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';
import { admissionForbidden } from './forbidden.js';
import { addList, cmpQ, formatQ, listToJson, maskList, parseList, removeZeros, subtractNonNegative, type QList } from '../../api/quota/quantity.js';
import { constraintsError, handles, matchingResources, usageOf } from '../../api/quota/usage.js';
import { scopesSelect } from '../../api/quota/scopes.js';

/** What the plugin needs beyond the attributes: storage for the status.used charge. */
export type ResourceQuotaDeps = Pick<ApiDeps, 'store' | 'resources' | 'now' | 'reads'>;

function status(q: KubeObject): { hard: QList; used: QList } {
  const s = (q.status ?? {}) as { hard?: unknown; used?: unknown };
  return { hard: parseList(s.hard), used: parseList(s.used) };
}

/** prettyPrint: "k=v" pairs sorted by name, joined by ",". */
export function prettyPrint(list: QList): string {
  return [...list.keys()].sort().map((k) => `${k}=${formatQ(list.get(k)!)}`).join(',');
}

/**
 * The charge of `delta` to one quota: its new status.used, or upstream's "exceeded quota"
 * reason naming the resources that would go over (requested, used and hard of just those).
 */
export function chargeQuota(quota: KubeObject, delta: QList): { used: QList } | { exceeded: string } {
  const { hard, used } = status(quota);
  const requested = maskList(delta, hard.keys());
  const newUsage = addList(used, requested);
  const exceeded = [...requested.keys()].filter((k) => cmpQ(newUsage.get(k)!, hard.get(k)!) > 0);
  if (exceeded.length) {
    return {
      exceeded: `exceeded quota: ${quota.metadata.name ?? ''}, requested: ${prettyPrint(maskList(requested, exceeded))}, used: ${prettyPrint(maskList(used, exceeded))}, limited: ${prettyPrint(maskList(hard, exceeded))}`,
    };
  }
  return { used: newUsage };
}

/** The request as the pure check sees it. */
export interface QuotaRequest {
  group: string;
  resource: string;
  operation: string;
  object: KubeObject;
  oldObject?: KubeObject;
}

/** The outcome of checkQuotas: a Forbidden reason, or the quotas to charge with the usage delta. */
export type QuotaDecision = { reject: string } | { charge: KubeObject[]; delta: QList };

/**
 * checkRequest for one object against the namespace's quotas: constraints ("failed quota"),
 * missing usage stats ("status unknown for quota"), then the delta (create: the object's usage;
 * update: only what grew) against each interesting quota ("exceeded quota").
 */
export function checkQuotas(quotas: KubeObject[], req: QuotaRequest, now: Date): QuotaDecision {
  const interesting: KubeObject[] = [];
  for (const q of quotas) {
    const { hard, used } = status(q);
    const restricted = matchingResources(req.group, req.resource, hard.keys());
    if (!restricted.length || !scopesSelect(q, req.group, req.resource, req.object)) continue;
    const missing = constraintsError(req.group, req.resource, restricted, req.object);
    if (missing) return { reject: `failed quota: ${q.metadata.name ?? ''}: ${missing}` };
    if (restricted.some((r) => !used.has(r))) {
      return { reject: `status unknown for quota: ${q.metadata.name ?? ''}, resources: ${[...restricted].sort().join(',')}` };
    }
    interesting.push(q);
  }
  if (!interesting.length) return { charge: [], delta: new Map() };
  let delta = usageOf(req.group, req.resource, req.object, now);
  if (req.operation === 'UPDATE' && req.oldObject?.metadata.resourceVersion) {
    delta = subtractNonNegative(delta, usageOf(req.group, req.resource, req.oldObject, now));
  }
  delta = removeZeros(delta);
  if (!delta.size) return { charge: [], delta };
  const charge: KubeObject[] = [];
  for (const q of interesting) {
    const r = chargeQuota(q, delta);
    if ('exceeded' in r) return { reject: r.exceeded };
    if (maskList(delta, status(q).hard.keys()).size) charge.push(q);
  }
  return { charge, delta };
}

class QuotaRejected extends Error {}

/** The ResourceQuota plugin over the given storage. */
export function resourceQuotaAdmission(deps: ResourceQuotaDeps): AdmissionPlugin {
  const quotaDef = (): ReturnType<ResourceQuotaDeps['resources']['lookup']> => deps.resources.lookup('', 'v1', 'resourcequotas');

  const listQuotas = async (ns: string): Promise<KubeObject[]> => {
    // Which quotas apply comes from the mirror when there is one (upstream's quota lister); the
    // charge itself reads and writes each quota in storage atomically.
    const mirrored = deps.reads?.list('', 'resourcequotas', ns);
    if (mirrored) return mirrored;
    const def = quotaDef();
    if (!def) return [];
    return (await deps.store.list(storagePrefix(def, ns))).items;
  };

  /** Adds (sign 1) or returns (sign -1) `delta` on one quota; a rejection on the fresh quota aborts. */
  const update = async (a: AdmissionAttributes, quota: KubeObject, delta: QList, sign: 1 | -1): Promise<void> => {
    const def = quotaDef();
    if (!def) return;
    try {
      await deps.store.guaranteedUpdate(storageKey(def, a.namespace, quota.metadata.name ?? ''), (cur) => {
        if (!cur) throw new StorageError('NotFound', '', 'quota gone');
        const next = cur;
        const st = (next.status ??= {}) as { used?: Record<string, string> };
        if (sign === 1) {
          const r = chargeQuota(cur, delta);
          if ('exceeded' in r) throw new QuotaRejected(r.exceeded);
          st.used = listToJson(r.used);
        } else {
          const { hard, used } = status(cur);
          st.used = listToJson(subtractNonNegative(used, maskList(delta, hard.keys())));
        }
        return next;
      });
    } catch (e) {
      // A quota deleted meanwhile no longer limits anything.
      if (e instanceof StorageError && e.code === 'NotFound') return;
      throw e;
    }
  };

  return {
    name: 'ResourceQuota',
    async validate(a) {
      if (!a.def.namespaced || !a.namespace || !a.object) return;
      const { group, resource } = a.def;
      if (!handles(group, resource, a.operation, a.subresource)) return;
      const quotas = await listQuotas(a.namespace);
      if (!quotas.length) return;
      const decision = checkQuotas(quotas, { group, resource, operation: a.operation, object: a.object, oldObject: a.oldObject }, deps.now());
      if ('reject' in decision) throw admissionForbidden(a, decision.reject);
      if (a.dryRun || !decision.charge.length) return;
      const charged: KubeObject[] = [];
      try {
        for (const q of decision.charge) {
          await update(a, q, decision.delta, 1);
          charged.push(q);
        }
      } catch (e) {
        // Give back what was taken from the quotas already charged, then reject.
        for (const q of charged) await update(a, q, decision.delta, -1).catch(() => undefined);
        if (e instanceof QuotaRejected) throw admissionForbidden(a, e.message);
        if (e instanceof ApiError) throw e;
        throw admissionForbidden(a, `failed to update quota: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  };
}
