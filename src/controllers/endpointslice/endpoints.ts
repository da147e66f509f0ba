/**
 * Desired EndpointSlice content of a Service (pkg/controller/endpointslice reconciler inputs):
 * one endpoint per pod and address family, with the ready/serving/terminating conditions, node,
 * zone, hostname and a Pod targetRef, grouped by the port set the pod resolves (pods whose named
 * targetPorts map to different numbers cannot share a slice).
 */
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { endpointHostname, findPort, ipFamilyOf, isPodReady, podIPs, shouldPodBeInEndpoints } from '../common/endpoint-util.js';

/** The address types a Service's slices carry: its ipFamilies (IPv4 when unset). */
export function serviceAddressTypes(svc: Service): string[] {
  const fams = svc.spec?.ipFamilies ?? [];
  return fams.length ? [...fams] : ['IPv4'];
}

/** Endpoints sharing one address type and port set. */
export interface EndpointGroup {
  addressType: string;
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

/** The key of a port set (order-insensitive), used to match existing slices. */
export function portsKey(ports: readonly EndpointPort[] | undefined): string {
  return JSON.stringify([...(ports ?? [])].map((p) => [p.name ?? '', p.port ?? null, p.protocol ?? 'TCP', p.appProtocol ?? '']).sort());
}

/** The identity of an endpoint inside a slice: its address and the pod it stands for. */
export function endpointKey(ep: Endpoint): string {
  return `${ep.addresses[0] ?? ''}/${ep.targetRef?.uid ?? ep.targetRef?.name ?? ''}`;
}

/**
 * podToEndpoint: ready only for Ready pods that are not terminating (publishNotReadyAddresses
 * forces it true), serving for Ready pods even while terminating, terminating from the
 * deletionTimestamp.
 */
export function podToEndpoint(pod: Pod, svc: Service, ip: string, zone: string | undefined): Endpoint {
  const publish = svc.spec?.publishNotReadyAddresses === true;
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ready = publish || (serving && !terminating);
  const ep: Endpoint = { addresses: [ip], conditions: { ready, serving, terminating } };
  const hostname = endpointHostname(pod, svc);
  if (hostname) ep.hostname = hostname;
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  if (zone) ep.zone = zone;
  ep.targetRef = { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid };
  return ep;
}

/** getEndpointPorts: the Service ports this pod resolves (named targetPorts via its containers). */
export function endpointPorts(svc: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/**
 * The desired endpoints of a Service, grouped by address type and port set. Terminating pods
 * stay (with their conditions), unlike in Endpoints; `zoneOf` reads a node's
 * topology.kubernetes.io/zone label.
 */
export function desiredGroups(svc: Service, pods: Pod[], zoneOf: (node: string) => string | undefined = () => undefined): EndpointGroup[] {
  const types = serviceAddressTypes(svc);
  const groups = new Map<string, EndpointGroup>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(svc, pod);
    const node = pod.spec?.nodeName;
    const zone = node ? zoneOf(node) : undefined;
    for (const addressType of types) {
      const ip = podIPs(pod).find((i) => ipFamilyOf(i) === addressType);
      if (!ip) continue;
      const key = `${addressType}|${portsKey(ports)}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { addressType, ports, endpoints: [] }));
      g.endpoints.push(podToEndpoint(pod, svc, ip, zone));
    }
  }
  return [...groups.values()];
}
