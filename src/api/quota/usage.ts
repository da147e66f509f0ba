/**
 * Quota evaluators (pkg/quota/v1/evaluator/core and the generic object-count evaluator): what an
 * object charges against a ResourceQuota, which hard resources a kind tracks, and whether a
 * quota's scopes select an object. Pure functions over JSON objects, shared by the ResourceQuota
 * admission plugin (charge on create) and the resourcequota controller (recompute from objects).
 */
import type { KubeObject } from '../object.js';
import { addList, intQ, parseList, parseQ, type QList, type Quantity, addQ, cmpQ } from './quantity.js';
import { objects, str, view } from '../registry/core/helpers.js';

/** ObjectCountQuotaResourceNameFor: count/<resource> for the core group, count/<resource>.<group> otherwise. */
export function countName(group: string, resource: string): string {
  return group ? `count/${resource}.${group}` : `count/${resource}`;
}

/** Kinds whose count also has a legacy name equal to the resource (pods, services, secrets …). */
const legacyCounted = new Set(['pods', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'resourcequotas', 'replicationcontrollers']);

const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';

/** Compute resources a pod quota may name (podResources plus the prefixed and extended ones). */
function isPodResource(name: string): boolean {
  if (['pods', 'count/pods', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage'].includes(name)) return true;
  if (name.startsWith('hugepages-') || name.startsWith('requests.hugepages-')) return true;
  // extended resources are quota'd only as requests.<domain>/<name>
  return name.startsWith('requests.') && name.includes('/') && !name.includes('kubernetes.io/');
}

/** evaluator.MatchingResources: the hard resources the kind's evaluator tracks. */
export function matchingResources(group: string, resource: string, hard: Iterable<string>): string[] {
  const out: string[] = [];
  for (const n of hard) {
    let match = n === countName(group, resource) || (group === '' && legacyCounted.has(resource) && n === resource);
    if (group === '' && resource === 'pods') match ||= isPodResource(n);
    if (group === '' && resource === 'services') match ||= n === 'services.nodeports' || n === 'services.loadbalancers';
    if (group === '' && resource === 'persistentvolumeclaims') match ||= n === 'requests.storage' || (n.includes(STORAGE_CLASS_SUFFIX) && (n.endsWith('/requests.storage') || n.endsWith('/persistentvolumeclaims')));
    if (match) out.push(n);
  }
  return out;
}

/** Whether the evaluator of a kind charges this operation (Handles): counts on create; pods on resize; services and claims on update. */
export function handles(group: string, resource: string, operation: string, subresource: string): boolean {
  if (group === '' && resource === 'pods') return (subresource === '' && operation === 'CREATE') || (subresource === 'resize' && operation === 'UPDATE');
  if (subresource !== '') return false;
  if (group === '' && (resource === 'services' || resource === 'persistentvolumeclaims')) return operation === 'CREATE' || operation === 'UPDATE';
  return operation === 'CREATE';
}

/** QuotaV1Pod: pods in a terminal phase, or past their deletion grace period, no longer use compute quota. */
export function podCountsForQuota(pod: KubeObject, now: Date): boolean {
  const phase = view(pod.status).phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const ts = pod.metadata.deletionTimestamp;
  const grace = pod.metadata.deletionGracePeriodSeconds;
  if (ts && typeof grace === 'number') {
    if (now.getTime() > Date.parse(ts) + grace * 1000) return false;
  }
  return true;
}

function maxInto(a: QList, b: QList): void {
  for (const [k, v] of b) {
    const cur = a.get(k);
    if (!cur || cmpQ(v, cur) > 0) a.set(k, v);
  }
}

/**
 * resourcehelper.PodRequests / PodLimits: sum of app containers and sidecars, raised to the peak
 * of any init container (plus the sidecars started before it), plus the overhead (for limits only
 * where a limit exists; LimitRanger's own podRequests leaves the overhead out).
 */
export function podResourceList(pod: KubeObject, which: 'requests' | 'limits', withOverhead = true): QList {
  const spec = view(pod.spec);
  let sum: QList = new Map();
  for (const c of objects(spec.containers)) sum = addList(sum, parseList(view(c.resources)[which]));
  let sidecars: QList = new Map();
  const initPeak: QList = new Map();
  for (const c of objects(spec.initContainers)) {
    const r = parseList(view(c.resources)[which]);
    if (c.restartPolicy === 'Always') {
      sum = addList(sum, r);
      sidecars = addList(sidecars, r);
      maxInto(initPeak, sidecars);
    } else {
      maxInto(initPeak, addList(r, sidecars));
    }
  }
  maxInto(sum, initPeak);
  const overhead = withOverhead ? parseList(spec.overhead) : new Map<string, Quantity>();
  if (which === 'requests') return addList(sum, overhead);
  for (const [k, v] of overhead) {
    const cur = sum.get(k);
    if (cur) sum.set(k, addQ(cur, v));
  }
  return sum;
}

/** podComputeUsageHelper: pods=1 plus cpu/memory/ephemeral-storage requests and limits, hugepages and extended requests. */
export function computeUsage(requests: QList, limits: QList): QList {
  const out: QList = new Map([['pods', intQ(1)]]);
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const req = requests.get(r);
    if (req) {
      out.set(r, req);
      out.set(`requests.${r}`, req);
    }
    const lim = limits.get(r);
    if (lim) out.set(`limits.${r}`, lim);
  }
  for (const [r, q] of requests) {
    if (r.startsWith('hugepages-')) {
      out.set(r, q);
      out.set(`requests.${r}`, q);
    } else if (r.includes('/') && !r.includes('kubernetes.io/')) {
      out.set(`requests.${r}`, q);
    }
  }
  return out;
}

/** PodUsageFunc: count/pods always; compute usage only while the pod counts. */
export function podUsage(pod: KubeObject, now: Date): QList {
  const out: QList = new Map([['count/pods', intQ(1)]]);
  if (!podCountsForQuota(pod, now)) return out;
  return addList(out, computeUsage(podResourceList(pod, 'requests'), podResourceList(pod, 'limits')));
}

/** The services evaluator: services, node ports (NodePort and LoadBalancer) and load balancers. */
export function serviceUsage(svc: KubeObject): QList {
  const spec = view(svc.spec);
  const ports = objects(spec.ports);
  const out: QList = new Map([['services', intQ(1)], ['count/services', intQ(1)]]);
  if (spec.type === 'NodePort') out.set('services.nodeports', intQ(ports.length));
  if (spec.type === 'LoadBalancer') {
    // With node-port allocation suppressed only explicitly requested node ports count.
    const n = spec.allocateLoadBalancerNodePorts === false ? ports.filter((p) => typeof p.nodePort === 'number' && p.nodePort !== 0).length : ports.length;
    out.set('services.nodeports', intQ(n));
    out.set('services.loadbalancers', intQ(1));
  }
  return out;
}

/** The claims evaluator: count, requests.storage (the larger of spec and allocated) and per-storage-class figures. */
export function pvcUsage(pvc: KubeObject): QList {
  const spec = view(pvc.spec);
  const out: QList = new Map([['persistentvolumeclaims', intQ(1)], ['count/persistentvolumeclaims', intQ(1)]]);
  const cls = typeof spec.storageClassName === 'string' ? spec.storageClassName : (pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '');
  if (cls) out.set(`${cls}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`, intQ(1));
  let storage: Quantity | undefined = parseQ(view(view(spec.resources).requests).storage);
  const allocated = parseQ(view(view(pvc.status).allocatedResources).storage);
  if (allocated && (!storage || cmpQ(allocated, storage) > 0)) storage = allocated;
  if (storage) {
    out.set('requests.storage', storage);
    if (cls) out.set(`${cls}${STORAGE_CLASS_SUFFIX}requests.storage`, storage);
  }
  return out;
}

/** evaluator.Usage for any kind: the special evaluators, else one object of count/<resource>.<group> (and the legacy name). */
export function usageOf(group: string, resource: string, obj: KubeObject, now: Date): QList {
  if (group === '') {
    if (resource === 'pods') return podUsage(obj, now);
    if (resource === 'services') return serviceUsage(obj);
    if (resource === 'persistentvolumeclaims') return pvcUsage(obj);
  }
  const out: QList = new Map([[countName(group, resource), intQ(1)]]);
  if (group === '' && legacyCounted.has(resource)) out.set(resource, intQ(1));
  return out;
}

/** The resources whose quota obliges every container to state them (a historical coupling upstream keeps). */
const validationSet = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

/**
 * podEvaluator.Constraints: when a quota tracks cpu or memory, each container and init container
 * must state it; the error lists, per missing resource, the containers lacking it
 * ("must specify limits.cpu for: nginx; requests.cpu for: nginx"). Other kinds have no constraints.
 */
export function constraintsError(group: string, resource: string, required: string[], obj: KubeObject): string | undefined {
  if (group !== '' || resource !== 'pods') return undefined;
  const req = required.filter((r) => validationSet.has(r));
  if (!req.length) return undefined;
  const spec = view(obj.spec);
  const missing = new Map<string, Set<string>>();
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) {
    const res = view(c.resources);
    const has = computeUsage(parseList(res.requests), parseList(res.limits));
    for (const r of req) {
      if (has.has(r)) continue;
      const set = missing.get(r) ?? new Set<string>();
      set.add(str(c.name));
      missing.set(r, set);
    }
  }
  if (!missing.size) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...(missing.get(r) ?? [])].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}
