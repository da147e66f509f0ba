/**
 * Slice packing (the reconciler of pkg/controller/endpointslice), as a pure plan: for one
 * address type, given the desired endpoint groups and the slices that exist, which slices to
 * create, update and delete. Like upstream it keeps endpoints where they are, fills slices that
 * are being updated anyway before touching others, puts a small remainder into one existing
 * slice with room rather than creating a new one, caps slices at maxEndpointsPerSlice (100),
 * and leaves one empty placeholder slice when a Service has no endpoints at all.
 */
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../../api/object.js';
import { deepEqual } from '../../api/object.js';
import { endpointKey, portsKey, type EndpointGroup } from './endpoints.js';

/** --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** Content of a slice to create. */
export interface NewSlice {
  addressType: string;
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

/** The plan for one address type. */
export interface SlicePlan {
  create: NewSlice[];
  /** existing slices with their new endpoints */
  update: { slice: KubeObject; endpoints: Endpoint[] }[];
  delete: KubeObject[];
  /** existing slices whose endpoints stay as they are (their metadata may still need a refresh) */
  unchanged: KubeObject[];
}

function endpointsOf(s: KubeObject): Endpoint[] {
  return (s.endpoints as Endpoint[] | undefined) ?? [];
}

function portsOf(s: KubeObject): EndpointPort[] {
  return (s.ports as EndpointPort[] | undefined) ?? [];
}

/** True for the placeholder upstream keeps for Services with no endpoints: no ports, no endpoints. */
export function isPlaceholder(s: KubeObject, addressType: string): boolean {
  return s.addressType === addressType && portsOf(s).length === 0 && endpointsOf(s).length === 0;
}

interface Working {
  slice: KubeObject;
  endpoints: Endpoint[];
  changed: boolean;
}

/** Plans the slices of one address type. `existing` must hold only slices of that type. */
export function planSlices(addressType: string, groups: EndpointGroup[], existing: KubeObject[], max = MAX_ENDPOINTS_PER_SLICE): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [], unchanged: [] };
  const byPorts = new Map<string, KubeObject[]>();
  for (const s of existing) {
    const k = portsKey(portsOf(s));
    byPorts.set(k, [...(byPorts.get(k) ?? []), s]);
  }
  const wanted = new Set<string>();
  for (const g of groups) {
    const key = portsKey(g.ports);
    wanted.add(key);
    planGroup(g, byPorts.get(key) ?? [], max, plan);
  }
  // Slices of port sets no pod resolves any more.
  for (const [k, slices] of byPorts) if (!wanted.has(k)) plan.delete.push(...slices);

  // A Service with no endpoints keeps exactly one placeholder slice.
  if (plan.create.length === 0 && plan.update.length === 0 && plan.unchanged.length === 0) {
    const keep = plan.delete.find((s) => isPlaceholder(s, addressType));
    if (keep) {
      plan.delete = plan.delete.filter((s) => s !== keep);
      plan.unchanged.push(keep);
    } else plan.create.push({ addressType, ports: [], endpoints: [] });
  }
  return plan;
}

function planGroup(g: EndpointGroup, slices: KubeObject[], max: number, plan: SlicePlan): void {
  const desired = new Map<string, Endpoint>();
  for (const ep of g.endpoints) desired.set(endpointKey(ep), ep);
  const placed = new Set<string>();
  const working: Working[] = [];
  // 1. Keep every endpoint that is still desired where it is, refreshed; drop the rest.
  for (const slice of slices) {
    const kept: Endpoint[] = [];
    let changed = false;
    for (const ep of endpointsOf(slice)) {
      const k = endpointKey(ep);
      const want = desired.get(k);
      if (!want || placed.has(k) || kept.length >= max) {
        changed = true;
        continue;
      }
      if (!deepEqual(ep, want)) changed = true;
      kept.push(want);
      placed.add(k);
    }
    working.push({ slice, endpoints: kept, changed });
  }
  let remaining = g.endpoints.filter((ep) => !placed.has(endpointKey(ep)));
  // 2. Fill slices that are being written anyway (fullest first, so few stay half-empty).
  const updating = working.filter((w) => w.changed).sort((a, b) => b.endpoints.length - a.endpoints.length);
  for (const w of updating) {
    const room = max - w.endpoints.length;
    if (room <= 0 || remaining.length === 0) continue;
    w.endpoints.push(...remaining.slice(0, room));
    remaining = remaining.slice(room);
  }
  // 3. Whole new slices for full chunks; a remainder goes into one unchanged slice that fits it.
  while (remaining.length >= max) {
    plan.create.push({ addressType: g.addressType, ports: g.ports, endpoints: remaining.slice(0, max) });
    remaining = remaining.slice(max);
  }
  if (remaining.length > 0) {
    const fit = working.filter((w) => !w.changed && max - w.endpoints.length >= remaining.length).sort((a, b) => b.endpoints.length - a.endpoints.length)[0];
    if (fit) {
      fit.endpoints.push(...remaining);
      fit.changed = true;
    } else plan.create.push({ addressType: g.addressType, ports: g.ports, endpoints: remaining });
  }
  for (const w of working) {
    if (w.endpoints.length === 0) plan.delete.push(w.slice);
    else if (w.changed) plan.update.push({ slice: w.slice, endpoints: w.endpoints });
    else plan.unchanged.push(w.slice);
  }
}
