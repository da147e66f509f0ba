/**
 * The pure part of the Endpoints controller (pkg/controller/endpoint): which addresses and ports
 * a Service's Endpoints carry, repacked the way RepackSubsets does (addresses offering the same
 * ports share one subset), truncated at 1000 addresses with the over-capacity annotation, and
 * the whole desired object compared against the current one so unchanged Endpoints are not
 * rewritten.
 */
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';
import { deepEqual } from '../../api/object.js';
import { HEADLESS_LABEL, LAST_CHANGE_TRIGGER_TIME, endpointHostname, findPort, ipFamilyOf, isHeadless, isPodReady, podIPs, shouldPodBeInEndpoints } from '../common/endpoint-util.js';

/** maxCapacity of the upstream controller: more addresses than this are truncated. */
export const MAX_ENDPOINTS_CAPACITY = 1000;
/** Set (to "truncated") when the Endpoints hold fewer addresses than the Service has (EndpointsOverCapacity). */
export const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

type Address = EndpointAddress & { ip: string };

/** The EndpointAddress of a pod: IP of the Service's family, node, hostname and a Pod targetRef. */
export function podToEndpointAddress(svc: Service, pod: Pod): Address | undefined {
  const family = svc.spec?.ipFamilies?.[0] ?? 'IPv4';
  const ips = podIPs(pod);
  // Single-stack services take the IP of their family; a pod lacking one is not an endpoint.
  const ip = ips.find((i) => ipFamilyOf(i) === family) ?? (svc.spec?.ipFamilies ? undefined : ips[0]);
  if (!ip) return undefined;
  const addr: Address = { ip };
  const hostname = endpointHostname(pod, svc);
  if (hostname) addr.hostname = hostname;
  if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
  addr.targetRef = { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid };
  return addr;
}

interface Entry {
  addr: Address;
  ready: boolean;
  ports: EndpointPort[];
}

function portKey(p: EndpointPort): string {
  return JSON.stringify([p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']);
}

function addrKey(a: Address): string {
  return `${a.ip}/${a.targetRef?.uid ?? ''}`;
}

function byAddress(a: Address, b: Address): number {
  return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? '');
}

function byPort(a: EndpointPort, b: EndpointPort): number {
  return portKey(a).localeCompare(portKey(b));
}

/** Result of computeSubsets: the repacked subsets and the counts upstream logs. */
export interface SubsetsResult {
  subsets: EndpointSubset[];
  ready: number;
  notReady: number;
}

/**
 * The subsets of a Service's Endpoints (syncService): every pod that should be an endpoint goes
 * to addresses when Ready (or when publishNotReadyAddresses tolerates it) and to
 * notReadyAddresses otherwise, once per Service port whose targetPort it resolves. A headless
 * Service without ports still lists its pods, with no ports.
 */
export function computeSubsets(svc: Service, pods: Pod[]): SubsetsResult {
  const tolerateUnready = svc.spec?.publishNotReadyAddresses === true;
  const svcPorts = svc.spec?.ports ?? [];
  const entries = new Map<string, Entry>();
  let ready = 0;
  let notReady = 0;
  for (const pod of pods) {
    // Terminating pods are dropped unless publishNotReadyAddresses asks for every pod.
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const addr = podToEndpointAddress(svc, pod);
    if (!addr) continue;
    const isReady = tolerateUnready || isPodReady(pod);
    const ports: EndpointPort[] = [];
    if (svcPorts.length === 0) {
      if (!isHeadless(svc)) continue;
    } else {
      for (const sp of svcPorts) {
        const port = findPort(pod, sp);
        if (port === undefined) continue;
        const ep: EndpointPort = { port, protocol: sp.protocol ?? 'TCP' };
        if (sp.name) ep.name = sp.name;
        if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
        ports.push(ep);
      }
      if (ports.length === 0) continue;
    }
    entries.set(addrKey(addr), { addr, ready: isReady, ports });
    if (isReady) ready++;
    else notReady++;
  }
  return { subsets: repack([...entries.values()]), ready, notReady };
}

/** RepackSubsets: one subset per distinct port set, addresses and ports sorted. */
function repack(entries: Entry[]): EndpointSubset[] {
  const groups = new Map<string, { ports: EndpointPort[]; ready: Address[]; notReady: Address[] }>();
  for (const e of entries) {
    const ports = [...e.ports].sort(byPort);
    const key = ports.map(portKey).join('|');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    (e.ready ? g.ready : g.notReady).push(e.addr);
  }
  const out: EndpointSubset[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    const ss: EndpointSubset = {};
    if (g.ready.length) ss.addresses = g.ready.sort(byAddress);
    if (g.notReady.length) ss.notReadyAddresses = g.notReady.sort(byAddress);
    if (g.ports.length) ss.ports = g.ports;
    out.push(ss);
  }
  return out;
}

/**
 * truncateEndpoints: keeps at most `max` addresses, ready ones first, subset by subset.
 * Returns the subsets and whether anything was cut.
 */
export function truncateSubsets(subsets: EndpointSubset[], max = MAX_ENDPOINTS_CAPACITY): { subsets: EndpointSubset[]; truncated: boolean } {
  const total = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
  if (total <= max) return { subsets, truncated: false };
  let room = max;
  const take = (list: readonly EndpointAddress[] | undefined): EndpointAddress[] | undefined => {
    if (!list?.length || room <= 0) return undefined;
    const kept = list.slice(0, room);
    room -= kept.length;
    return kept;
  };
  const readyCut = subsets.map((s) => take(s.addresses));
  const out: EndpointSubset[] = [];
  subsets.forEach((s, i) => {
    const addresses = readyCut[i];
    const notReadyAddresses = take(s.notReadyAddresses);
    if (!addresses && !notReadyAddresses) return;
    out.push({ ...(addresses ? { addresses } : {}), ...(notReadyAddresses ? { notReadyAddresses } : {}), ...(s.ports ? { ports: s.ports } : {}) });
  });
  return { subsets: out, truncated: true };
}

/** The labels of a Service's Endpoints: the Service's own, plus the headless marker when it has no cluster IP. */
export function endpointsLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata?.labels ?? {}) };
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return labels;
}

/**
 * The Endpoints to write, or undefined when `current` already matches (subsets, labels and the
 * over-capacity annotation), so a resync writes nothing. The trigger-time annotation is set
 * when known and cleared otherwise, as upstream does on every write.
 */
export function desiredEndpoints(svc: Service, current: KubeObject | undefined, subsets: EndpointSubset[], triggerTime: string | undefined): KubeObject | undefined {
  const cut = truncateSubsets(subsets);
  const labels = endpointsLabels(svc);
  const curSubsets = (current?.subsets as EndpointSubset[] | undefined) ?? [];
  const curAnn = current?.metadata.annotations ?? {};
  const capacityOk = cut.truncated ? curAnn[OVER_CAPACITY] === 'truncated' : curAnn[OVER_CAPACITY] === undefined;
  if (current && deepEqual(curSubsets, cut.subsets) && deepEqual(current.metadata.labels ?? {}, labels) && capacityOk) return undefined;
  const annotations: Record<string, string> = { ...curAnn };
  if (triggerTime) annotations[LAST_CHANGE_TRIGGER_TIME] = triggerTime;
  else delete annotations[LAST_CHANGE_TRIGGER_TIME];
  if (cut.truncated) annotations[OVER_CAPACITY] = 'truncated';
  else delete annotations[OVER_CAPACITY];
  const metadata = current ? { ...current.metadata } : { name: svc.metadata?.name, namespace: svc.metadata?.namespace };
  metadata.labels = labels;
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  return { apiVersion: 'v1', kind: 'Endpoints', metadata, subsets: cut.subsets };
}
