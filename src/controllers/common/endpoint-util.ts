/**
 * Helpers the Endpoints and EndpointSlice controllers share, as upstream shares
 * staging/src/k8s.io/endpointslice/util and pkg/api/v1/pod: which pods back a Service
 * (ShouldPodBeInEndpoints), readiness (IsPodReady), targetPort resolution (FindPort), selector
 * matching, and the `endpoints.kubernetes.io/last-change-trigger-time` tracker.
 */
import type { KubeObject } from '../../api/object.js';
import type { IndexFunc } from '../../client/informer.js';
import type { Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';

/** The annotation carrying the time of the earliest change a write reflects (EndpointsLastChangeTriggerTime). */
export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
/** The label marking a headless Service's Endpoints and slices (v1.IsHeadlessService). */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

/** A typed view of a cached object (the cache holds plain JSON). */
export function asPod(o: KubeObject): Pod {
  return o as unknown as Pod;
}

/** A typed view of a cached Service. */
export function asService(o: KubeObject): Service {
  return o as unknown as Service;
}

/** IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Succeeded or Failed: the pod's containers will not run again. */
export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * ShouldPodBeInEndpoints: a pod backs a Service once it has an IP, while it is not terminal,
 * and — unless terminating endpoints are wanted — while it has no deletionTimestamp.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && !(pod.status?.podIPs ?? []).length) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** The pod's IPs (status.podIPs, falling back to status.podIP). */
export function podIPs(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
  if (ips.length) return ips;
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

/** IPv4 or IPv6 of an address, as the address types of EndpointSlices name them. */
export function ipFamilyOf(ip: string): 'IPv4' | 'IPv6' {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

/**
 * FindPort: a numeric targetPort is used as is; a named one is looked up among the pod's
 * container ports with the same protocol. Undefined when the name matches no port, in which
 * case the pod is left out of that Service port (as upstream logs and skips it).
 */
export function findPort(pod: Pod, svcPort: ServicePort): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = svcPort.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** True when every selector pair is among the labels (a Service's equality-based selector). */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** The Services of the pod's namespace whose selector selects it (getPodServiceMemberships). */
export function servicesSelecting(services: KubeObject[], pod: KubeObject): KubeObject[] {
  return services.filter((s) => {
    if (s.metadata.namespace !== pod.metadata.namespace) return false;
    const sel = asService(s).spec?.selector;
    return !!sel && selectorMatches(sel, pod.metadata.labels);
  });
}

/** True when the Service has no cluster IP (headless): its Endpoints carry the headless label. */
export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

/**
 * The endpoint hostname: the pod's spec.hostname when its subdomain names this Service in the
 * same namespace, so DNS can publish `<hostname>.<svc>` records.
 */
export function endpointHostname(pod: Pod, svc: Service): string | undefined {
  const h = pod.spec?.hostname;
  if (h && pod.spec?.subdomain === svc.metadata?.name && pod.metadata?.namespace === svc.metadata?.namespace) return h;
  return undefined;
}

/** Upstream's trigger time of a pod: its Ready condition's last transition (zero when absent). */
function podTriggerTime(pod: Pod): number | undefined {
  const c = (pod.status?.conditions ?? []).find((x) => x.type === 'Ready');
  const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

interface TriggerState {
  service?: number;
  pods: Map<string, number>;
}

/**
 * TriggerTimeTracker: remembers, per Service, the trigger times seen at the last sync and
 * returns the earliest one that changed since, so the annotation tells how stale the written
 * Endpoints were (the SLI kube-proxy's network programming latency is measured from).
 */
export class TriggerTimeTracker {
  private readonly state = new Map<string, TriggerState>();

  /** The earliest changed trigger time (RFC 3339) of the service and its pods, or undefined when nothing changed. */
  compute(serviceKey: string, svc: Service, pods: Pod[]): string | undefined {
    const prev = this.state.get(serviceKey);
    const next: TriggerState = { pods: new Map() };
    let min: number | undefined;
    const consider = (t: number): void => {
      if (min === undefined || t < min) min = t;
    };
    for (const pod of pods) {
      if (!podIPs(pod).length) continue;
      const t = podTriggerTime(pod);
      if (t === undefined) continue;
      const name = pod.metadata?.name ?? '';
      next.pods.set(name, t);
      if (prev?.pods.get(name) !== t) consider(t);
    }
    const created = svc.metadata?.creationTimestamp ? Date.parse(svc.metadata.creationTimestamp) : NaN;
    if (!Number.isNaN(created)) {
      next.service = created;
      if (prev?.service !== created) consider(created);
    }
    this.state.set(serviceKey, next);
    return min === undefined ? undefined : new Date(min).toISOString().replace(/\.000Z$/, 'Z');
  }

  /** Forgets a deleted Service (DeleteService). */
  forget(serviceKey: string): void {
    this.state.delete(serviceKey);
  }
}

/**
 * The index the endpoint controllers file Services and pods under: their namespace. The name is
 * specific to these controllers, since an index name is shared by every user of an informer.
 */
export const NAMESPACE_INDEX = 'endpoints:namespace';

/** Indexes an object by metadata.namespace. */
export const namespaceIndex: IndexFunc = (o) => (o.metadata.namespace ? [o.metadata.namespace] : []);
