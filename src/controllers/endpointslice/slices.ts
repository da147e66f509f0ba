/**
 * EndpointSlice objects as the controller writes them: generateName `<service>-` (the API server
 * appends five random characters), the kubernetes.io/service-name and
 * endpointslice.kubernetes.io/managed-by labels over the Service's own, the headless marker,
 * the Service as controlling owner, and the last-change-trigger-time annotation. Also the
 * `kubernetes` slice of default/kubernetes, derived from the Endpoints the API server keeps, as
 * the API server's endpoints adapter does upstream.
 */
import type { EndpointAddress, EndpointSubset, Service } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../../api/object.js';
import { deepEqual } from '../../api/object.js';
import { HEADLESS_LABEL, LAST_CHANGE_TRIGGER_TIME, ipFamilyOf, isHeadless } from '../common/endpoint-util.js';
import type { NewSlice } from './plan.js';

/** discovery.LabelServiceName */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** discovery.LabelManagedBy */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
/** The managed-by value of this controller. */
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';

/** The labels of a Service's slices: its own (minus the reserved keys) plus ours. */
export function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) {
    if (k === SERVICE_NAME_LABEL || k === MANAGED_BY_LABEL || k === HEADLESS_LABEL) continue;
    labels[k] = v;
  }
  labels[SERVICE_NAME_LABEL] = svc.metadata?.name ?? '';
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
  return labels;
}

/** The Service as controlling owner, so the garbage collector removes slices with it. */
export function sliceOwner(svc: Service): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
  return { apiVersion: 'v1', kind: 'Service', name: svc.metadata?.name ?? '', uid: svc.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** Sets the trigger time when one is known; otherwise the slice keeps the one it had. */
function withTrigger(annotations: Record<string, string> | undefined, trigger: string | undefined): Record<string, string> | undefined {
  const out = { ...(annotations ?? {}) };
  if (trigger) out[LAST_CHANGE_TRIGGER_TIME] = trigger;
  return Object.keys(out).length ? out : undefined;
}

/** A new slice of `svc` with the planned content. */
export function newSliceObject(svc: Service, content: NewSlice, trigger: string | undefined): KubeObject {
  const annotations = withTrigger(undefined, trigger);
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${svc.metadata?.name ?? ''}-`,
      namespace: svc.metadata?.namespace,
      labels: sliceLabels(svc),
      ...(annotations ? { annotations } : {}),
      ownerReferences: [sliceOwner(svc)],
    },
    addressType: content.addressType,
    endpoints: content.endpoints,
    ports: content.ports,
  };
}

/** An existing slice with new endpoints (undefined: kept) and refreshed labels, owner and trigger time. */
export function updatedSliceObject(svc: Service, slice: KubeObject, endpoints: Endpoint[] | undefined, trigger: string | undefined): KubeObject {
  const annotations = withTrigger(slice.metadata.annotations, trigger);
  const metadata = { ...slice.metadata, labels: { ...(slice.metadata.labels ?? {}), ...sliceLabels(svc) }, ownerReferences: [sliceOwner(svc)] };
  if (annotations) metadata.annotations = annotations;
  else delete metadata.annotations;
  return { ...slice, metadata, endpoints: endpoints ?? slice.endpoints ?? [] };
}

/** True when an unchanged slice still needs its labels or owner refreshed (e.g. the Service's labels changed). */
export function sliceMetaOutdated(svc: Service, slice: KubeObject): boolean {
  const want = sliceLabels(svc);
  const have = slice.metadata.labels ?? {};
  const labelsOk = Object.entries(want).every(([k, v]) => have[k] === v) && (have[HEADLESS_LABEL] === undefined || want[HEADLESS_LABEL] !== undefined);
  return !labelsOk || !deepEqual(slice.metadata.ownerReferences ?? [], [sliceOwner(svc)]);
}

function endpointFromAddress(a: EndpointAddress, ready: boolean): Endpoint {
  const ep: Endpoint = { addresses: [a.ip], conditions: { ready } };
  if (a.targetRef) ep.targetRef = a.targetRef;
  if (a.nodeName) ep.nodeName = a.nodeName;
  return ep;
}

/**
 * The `kubernetes` slice mirrored from default/kubernetes Endpoints (endpointSliceFromEndpoints
 * of the API server's endpoints adapter): same name, only the service-name label, the first
 * subset's ports and addresses, IPv6 when every address is.
 */
export function kubernetesSlice(endpoints: KubeObject, current: KubeObject | undefined): KubeObject {
  const subset = ((endpoints.subsets as EndpointSubset[] | undefined) ?? [])[0];
  const all = [...(subset?.addresses ?? []), ...(subset?.notReadyAddresses ?? [])];
  const addressType = all.length > 0 && all.every((a) => ipFamilyOf(a.ip) === 'IPv6') ? 'IPv6' : 'IPv4';
  const ports: EndpointPort[] = (subset?.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' }));
  const ofType = (list: readonly EndpointAddress[] | undefined, ready: boolean): Endpoint[] => (list ?? []).filter((a) => ipFamilyOf(a.ip) === addressType).map((a) => endpointFromAddress(a, ready));
  const name = endpoints.metadata.name ?? 'kubernetes';
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { ...(current?.metadata ?? {}), name, namespace: endpoints.metadata.namespace, labels: { ...(current?.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: name } },
    addressType,
    endpoints: [...ofType(subset?.addresses, true), ...ofType(subset?.notReadyAddresses, false)],
    ports,
  };
}

/** True when the mirrored slice differs from what exists (so it must be written). */
export function kubernetesSliceDiffers(want: KubeObject, current: KubeObject | undefined): boolean {
  if (!current) return true;
  return current.addressType !== want.addressType || !deepEqual(current.endpoints ?? [], want.endpoints) || !deepEqual(current.ports ?? [], want.ports) || !deepEqual(current.metadata.labels ?? {}, want.metadata.labels ?? {});
}
