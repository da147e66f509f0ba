/**
 * LimitRanger (plugin/pkg/admission/limitranger): a pod created in a namespace with LimitRanges
 * gets each `type: Container` item's `default` as missing limits and `defaultRequest` as missing
 * requests of every container and init container (recorded in the kubernetes.io/limit-ranger
 * annotation), then must satisfy min, max and maxLimitRequestRatio per Container and per Pod;
 * PersistentVolumeClaims must request storage within the PersistentVolumeClaim min/max. Pod
 * updates are not re-checked (containers' resources are immutable there). Errors use upstream's
 * wording and an aggregate of all violations of one LimitRange.
 */
import type { KubeObject } from '../../api/object.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';
import { admissionForbidden } from './forbidden.js';
import { formatQ, parseQ, type QList, type Quantity } from '../../api/quota/quantity.js';
import { podResourceList } from '../../api/quota/usage.js';
import { objects, str, view } from '../../api/registry/core/helpers.js';

type Obj = Record<string, unknown>;

const ANNOTATION = 'kubernetes.io/limit-ranger';

function items(lr: KubeObject): Obj[] {
  return objects(view(lr.spec).limits);
}

/** defaultContainerResourceRequirements: the union of every Container item's defaultRequest and default. */
export function containerDefaults(lr: KubeObject): { requests: Obj; limits: Obj } {
  const requests: Obj = {};
  const limits: Obj = {};
  for (const it of items(lr)) {
    if (it.type !== 'Container') continue;
    Object.assign(requests, view(it.defaultRequest));
    Object.assign(limits, view(it.default));
  }
  return { requests, limits };
}

/** mergeContainerResources for one container; returns the annotation fragments it produced. */
function mergeContainer(c: Obj, defaults: { requests: Obj; limits: Obj }, prefix: string): string[] {
  const res = view(c.resources);
  const limits = { ...view(res.limits) };
  const requests = { ...view(res.requests) };
  const setLimits: string[] = [];
  const setRequests: string[] = [];
  for (const [k, v] of Object.entries(defaults.limits)) {
    if (limits[k] === undefined) {
      limits[k] = v;
      setLimits.push(k);
    }
  }
  for (const [k, v] of Object.entries(defaults.requests)) {
    if (requests[k] === undefined) {
      requests[k] = v;
      setRequests.push(k);
    }
  }
  // Empty lists are omitted on the wire (omitempty), so leave them out rather than store {}.
  if (Object.keys(limits).length) res.limits = limits;
  if (Object.keys(requests).length) res.requests = requests;
  if (Object.keys(res).length) c.resources = res;
  const out: string[] = [];
  if (setRequests.length) out.push(`${setRequests.sort().join(', ')} request for ${prefix} ${str(c.name)}`);
  if (setLimits.length) out.push(`${setLimits.sort().join(', ')} limit for ${prefix} ${str(c.name)}`);
  return out;
}

/** PodMutateLimitFunc: fills defaults in place and sets the annotation when something was set. */
export function mutatePod(lr: KubeObject, pod: KubeObject): void {
  const defaults = containerDefaults(lr);
  const spec = view(pod.spec);
  const notes: string[] = [];
  for (const c of objects(spec.containers)) notes.push(...mergeContainer(c, defaults, 'container'));
  for (const c of objects(spec.initContainers)) notes.push(...mergeContainer(c, defaults, 'init container'));
  if (!notes.length) return;
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
}

/** Quantity.MilliValue (rounded up), the unit upstream compares in. */
function milli(q: Quantity): bigint {
  const m = q.nano / 1_000_000n;
  return q.nano % 1_000_000n > 0n ? m + 1n : m;
}

function sortedEntries(o: unknown): [string, Quantity][] {
  return Object.keys(view(o))
    .sort()
    .flatMap((k) => {
      const q = parseQ(view(o)[k]);
      return q ? [[k, q] as [string, Quantity]] : [];
    });
}

function lookup(list: QList, k: string): Quantity | undefined {
  return list.get(k);
}

/** minConstraint. */
function minConstraint(type: string, r: string, enforced: Quantity, req: QList, lim: QList): string | undefined {
  const rq = lookup(req, r);
  const lm = lookup(lim, r);
  if (!rq) return `minimum ${r} usage per ${type} is ${formatQ(enforced)}.  No request is specified`;
  if (milli(rq) < milli(enforced)) return `minimum ${r} usage per ${type} is ${formatQ(enforced)}, but request is ${formatQ(rq)}`;
  if (lm && milli(lm) < milli(enforced)) return `minimum ${r} usage per ${type} is ${formatQ(enforced)}, but limit is ${formatQ(lm)}`;
  return undefined;
}

/** maxConstraint. */
function maxConstraint(type: string, r: string, enforced: Quantity, req: QList, lim: QList): string | undefined {
  const rq = lookup(req, r);
  const lm = lookup(lim, r);
  if (!lm) return `maximum ${r} usage per ${type} is ${formatQ(enforced)}.  No limit is specified`;
  if (milli(lm) > milli(enforced)) return `maximum ${r} usage per ${type} is ${formatQ(enforced)}, but limit is ${formatQ(lm)}`;
  if (rq && milli(rq) > milli(enforced)) return `maximum ${r} usage per ${type} is ${formatQ(enforced)}, but request is ${formatQ(rq)}`;
  return undefined;
}

/** maxRequestConstraint (claims: the max applies to what was requested). */
function maxRequestConstraint(type: string, r: string, enforced: Quantity, req: QList): string | undefined {
  const rq = lookup(req, r);
  if (!rq) return `maximum ${r} usage per ${type} is ${formatQ(enforced)}.  No request is specified`;
  if (milli(rq) > milli(enforced)) return `maximum ${r} usage per ${type} is ${formatQ(enforced)}, but request is ${formatQ(rq)}`;
  return undefined;
}

/** limitRequestRatioConstraint: limit / request ≤ the ratio (compared in milli units; printed with %f). */
function ratioConstraint(type: string, r: string, enforced: Quantity, req: QList, lim: QList): string | undefined {
  const rq = lookup(req, r);
  const lm = lookup(lim, r);
  if (!rq || rq.nano === 0n) return `${r} max limit to request ratio per ${type} is ${formatQ(enforced)}, but no request is specified or request is 0`;
  if (!lm || lm.nano === 0n) return `${r} max limit to request ratio per ${type} is ${formatQ(enforced)}, but no limit is specified or limit is 0`;
  const observed = Number(milli(lm)) / Number(milli(rq));
  if (observed * 1000 > Number(milli(enforced))) return `${r} max limit to request ratio per ${type} is ${formatQ(enforced)}, but provided ratio is ${observed.toFixed(6)}`;
  return undefined;
}

function lists(res: unknown): { req: QList; lim: QList } {
  const toList = (o: unknown): QList => new Map(sortedEntries(o));
  return { req: toList(view(res).requests), lim: toList(view(res).limits) };
}

function checkItem(it: Obj, type: string, req: QList, lim: QList, errs: string[]): void {
  const push = (m: string | undefined): void => {
    if (m) errs.push(m);
  };
  for (const [r, q] of sortedEntries(it.min)) push(minConstraint(type, r, q, req, lim));
  for (const [r, q] of sortedEntries(it.max)) push(maxConstraint(type, r, q, req, lim));
  for (const [r, q] of sortedEntries(it.maxLimitRequestRatio)) push(ratioConstraint(type, r, q, req, lim));
}

/** PodValidateLimitFunc: every violation of one LimitRange, per container, init container and pod. */
export function validatePod(lr: KubeObject, pod: KubeObject): string[] {
  const errs: string[] = [];
  const spec = view(pod.spec);
  for (const it of items(lr)) {
    if (it.type === 'Container') {
      for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) {
        const { req, lim } = lists(c.resources);
        checkItem(it, 'Container', req, lim, errs);
      }
    }
    if (it.type === 'Pod') checkItem(it, 'Pod', podResourceList(pod, 'requests', false), podResourceList(pod, 'limits', false), errs);
  }
  return errs;
}

/** PersistentVolumeClaimValidateLimitFunc: min and max against spec.resources.requests. */
export function validateClaim(lr: KubeObject, pvc: KubeObject): string[] {
  const errs: string[] = [];
  const { req } = lists(view(pvc.spec).resources);
  for (const it of items(lr)) {
    if (it.type !== 'PersistentVolumeClaim') continue;
    for (const [r, q] of sortedEntries(it.min)) {
      const m = minConstraint('PersistentVolumeClaim', r, q, req, new Map());
      if (m) errs.push(m);
    }
    for (const [r, q] of sortedEntries(it.max)) {
      const m = maxRequestConstraint('PersistentVolumeClaim', r, q, req);
      if (m) errs.push(m);
    }
  }
  return errs;
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several de-duplicated in brackets. */
export function aggregate(errs: string[]): string {
  const uniq = [...new Set(errs)];
  return uniq.length === 1 ? (uniq[0] ?? '') : `[${uniq.join(', ')}]`;
}

function isPod(a: AdmissionAttributes): boolean {
  return a.def.group === '' && a.def.resource === 'pods';
}

function isClaim(a: AdmissionAttributes): boolean {
  return a.def.group === '' && a.def.resource === 'persistentvolumeclaims';
}

/** SupportsAttributes: pods on create, claims on create and update; no subresources, nothing being deleted. */
function supports(a: AdmissionAttributes): boolean {
  if (a.subresource !== '' || !a.object || !a.namespace) return false;
  if (a.oldObject?.metadata.deletionTimestamp) return false;
  if (isPod(a)) return a.operation === 'CREATE';
  return isClaim(a) && (a.operation === 'CREATE' || a.operation === 'UPDATE');
}

async function limitRanges(a: AdmissionAttributes): Promise<KubeObject[]> {
  const all = (await a.list?.('', 'limitranges')) ?? [];
  return all.filter((lr) => lr.metadata.namespace === a.namespace).sort((x, y) => (x.metadata.name ?? '').localeCompare(y.metadata.name ?? ''));
}

/** The LimitRanger plugin: defaults in admit, checks in validate. */
export const limitRanger: AdmissionPlugin = {
  name: 'LimitRanger',
  async admit(a) {
    if (!supports(a) || !isPod(a) || !a.object) return;
    for (const lr of await limitRanges(a)) mutatePod(lr, a.object);
  },
  async validate(a) {
    if (!supports(a) || !a.object) return;
    for (const lr of await limitRanges(a)) {
      const errs = isPod(a) ? validatePod(lr, a.object) : validateClaim(lr, a.object);
      if (errs.length) throw admissionForbidden(a, aggregate(errs));
    }
  },
};

