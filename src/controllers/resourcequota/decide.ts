/**
 * The pure part of syncResourceQuota: CalculateUsage over the namespace's objects (every kind whose
 * evaluator tracks one of the hard resources; objects the quota's scopes do not select are left
 * out) and the status to write — hard from spec, used masked to the hard resources, with "0" for
 * tracked resources nothing uses — or undefined when nothing changed.
 */
import type { KubeObject } from '../../api/object.js';
import { addList, listToJson, maskList, parseList, sameList, zeroQ, type QList } from '../../api/quota/quantity.js';
import { matchingResources, usageOf } from '../../api/quota/usage.js';
import { scopesSelect } from '../../api/quota/scopes.js';

/** A kind the controller can count. */
export interface TrackedKind {
  group: string;
  version: string;
  resource: string;
}

/** Where decideStatus gets objects from. */
export interface UsageSource {
  now: Date;
  /** kinds known up front (pods, services, claims, configmaps …) */
  informed: TrackedKind[];
  /** the namespace's objects of a kind */
  objects(kind: TrackedKind): Promise<KubeObject[]>;
  /** resolves count/<resource>.<group> to a served kind; undefined when not served */
  kindFor(group: string, resource: string): Promise<TrackedKind | undefined>;
}

/** Splits count/<resource>[.<group>] into group and resource. */
export function parseCountName(name: string): { group: string; resource: string } | undefined {
  if (!name.startsWith('count/')) return undefined;
  const rest = name.slice('count/'.length);
  const dot = rest.indexOf('.');
  return dot < 0 ? { group: '', resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
}

/** The usage of one kind's selected objects, masked to `matched`, zero-filled (UsageStats). */
export function kindUsage(quota: KubeObject, kind: TrackedKind, objects: KubeObject[], matched: string[], now: Date): QList {
  let total: QList = new Map();
  for (const o of objects) {
    if (!scopesSelect(quota, kind.group, kind.resource, o)) continue;
    total = addList(total, usageOf(kind.group, kind.resource, o, now));
  }
  const out = maskList(total, matched);
  for (const m of matched) if (!out.has(m)) out.set(m, zeroQ());
  return out;
}

/** CalculateUsage for the quota's spec.hard. */
export async function calculateUsage(quota: KubeObject, src: UsageSource): Promise<QList> {
  const hard = [...parseList(((quota.spec ?? {}) as { hard?: unknown }).hard).keys()];
  const kinds = [...src.informed];
  const seen = new Set(kinds.map((k) => `${k.group}/${k.resource}`));
  for (const h of hard) {
    const c = parseCountName(h);
    if (!c || seen.has(`${c.group}/${c.resource}`)) continue;
    seen.add(`${c.group}/${c.resource}`);
    const k = await src.kindFor(c.group, c.resource);
    if (k) kinds.push(k);
  }
  let used: QList = new Map();
  for (const kind of kinds) {
    const matched = matchingResources(kind.group, kind.resource, hard);
    if (!matched.length) continue;
    used = addList(used, kindUsage(quota, kind, await src.objects(kind), matched, src.now));
  }
  return used;
}

/** The status to write (hard = spec.hard, used recomputed), or undefined when it is already current. */
export async function decideStatus(quota: KubeObject, src: UsageSource): Promise<{ hard: Record<string, string>; used: Record<string, string> } | undefined> {
  const spec = (quota.spec ?? {}) as { hard?: unknown };
  const cur = (quota.status ?? {}) as { hard?: unknown; used?: unknown };
  const hard = parseList(spec.hard);
  // Previously observed usage is kept for resources no evaluator computed (upstream keeps them too).
  const used = parseList(cur.used);
  for (const [k, v] of await calculateUsage(quota, src)) used.set(k, v);
  const next = { hard: listToJson(hard), used: listToJson(maskList(used, hard.keys())) };
  const dirty = cur.hard === undefined || cur.used === undefined || !sameList(spec.hard, cur.hard) || !sameList(next.used, cur.used);
  return dirty ? next : undefined;
}
