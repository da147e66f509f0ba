/**
 * Resource arithmetic as the scheduler sees it (framework.Resource and
 * k8s.io/component-helpers/resource.PodRequests): milli-CPU, bytes, pod slots and extended
 * resources, with the init-container and sidecar rules and the pod overhead.
 */
import type { Container, Pod, ResourceRequirements } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../api/validation/quantity.js';

/** Requests or capacity in integer units: milli-CPU, bytes, pods, and extended resources by name. */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  scalar: Record<string, number>;
}

/** An all-zero Resource. */
export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: {} };
}

/** A copy (scalar map included). */
export function cloneResource(r: Resource): Resource {
  return { ...r, scalar: { ...r.scalar } };
}

/** Parses a ResourceList (requests, allocatable) into a Resource; malformed quantities count as 0. */
export function resourceFromList(list: Record<string, string | number> | undefined): Resource {
  const r = emptyResource();
  if (!list) return r;
  for (const [name, q] of Object.entries(list)) {
    const v = parseQuantity(q) ?? 0;
    switch (name) {
      case 'cpu':
        r.milliCPU = Math.round(v * 1000);
        break;
      case 'memory':
        r.memory = Math.round(v);
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage = Math.round(v);
        break;
      case 'pods':
        r.allowedPodNumber = Math.round(v);
        break;
      default:
        // Extended resources (nvidia.com/gpu) and hugepages are counted as integers, as upstream.
        r.scalar[name] = Math.round(name.startsWith('hugepages-') ? v : v);
    }
  }
  return r;
}

/** a += b (pods field untouched). */
export function addResource(a: Resource, b: Resource): void {
  a.milliCPU += b.milliCPU;
  a.memory += b.memory;
  a.ephemeralStorage += b.ephemeralStorage;
  for (const k in b.scalar) a.scalar[k] = (a.scalar[k] ?? 0) + (b.scalar[k] ?? 0);
}

/** a -= b. */
export function subtractResource(a: Resource, b: Resource): void {
  a.milliCPU -= b.milliCPU;
  a.memory -= b.memory;
  a.ephemeralStorage -= b.ephemeralStorage;
  for (const k in b.scalar) a.scalar[k] = (a.scalar[k] ?? 0) - (b.scalar[k] ?? 0);
}

/** a = max(a, b) per resource. */
function maxResource(a: Resource, b: Resource): void {
  a.milliCPU = Math.max(a.milliCPU, b.milliCPU);
  a.memory = Math.max(a.memory, b.memory);
  a.ephemeralStorage = Math.max(a.ephemeralStorage, b.ephemeralStorage);
  for (const k in b.scalar) a.scalar[k] = Math.max(a.scalar[k] ?? 0, b.scalar[k] ?? 0);
}

function containerRequests(c: Container): Resource {
  return resourceFromList(effectiveRequests(c.resources));
}

/** Requests, defaulted from limits when absent (the API server does this at create; we do too for raw objects). */
function effectiveRequests(r: ResourceRequirements | undefined): Record<string, string> | undefined {
  if (!r) return undefined;
  if (!r.limits) return r.requests;
  return { ...(r.limits as Record<string, string>), ...(r.requests) };
}

/**
 * The pod's effective request: max(sum of app containers + sidecars, each init container plus the
 * sidecars started before it) + overhead — upstream's PodRequests.
 */
export function podRequests(pod: Pod): Resource {
  const reqs = emptyResource();
  for (const c of pod.spec?.containers ?? []) addResource(reqs, containerRequests(c));
  const sidecars = emptyResource();
  const initPeak = emptyResource();
  for (const c of pod.spec?.initContainers ?? []) {
    const cr = containerRequests(c);
    if (c.restartPolicy === 'Always') {
      // A sidecar keeps running: it adds to the steady state and to every later init container.
      addResource(reqs, cr);
      addResource(sidecars, cr);
      maxResource(initPeak, sidecars);
    } else {
      const tmp = cloneResource(cr);
      addResource(tmp, sidecars);
      maxResource(initPeak, tmp);
    }
  }
  maxResource(reqs, initPeak);
  if (pod.spec?.overhead) addResource(reqs, resourceFromList(pod.spec.overhead));
  return reqs;
}

/** Upstream's DefaultMilliCPURequest / DefaultMemoryRequest for scoring best-effort containers. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/**
 * Requests used for scoring only (GetNonzeroRequests): a container without a cpu or memory request
 * counts as 100m / 200Mi so that best-effort pods still spread.
 */
export function podNonZeroRequests(pod: Pod): { milliCPU: number; memory: number } {
  let cpu = 0;
  let mem = 0;
  for (const c of pod.spec?.containers ?? []) {
    const r = containerRequests(c);
    cpu += r.milliCPU || DEFAULT_MILLI_CPU_REQUEST;
    mem += r.memory || DEFAULT_MEMORY_REQUEST;
  }
  let initCpu = 0;
  let initMem = 0;
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c);
    const rc = r.milliCPU || DEFAULT_MILLI_CPU_REQUEST;
    const rm = r.memory || DEFAULT_MEMORY_REQUEST;
    if (c.restartPolicy === 'Always') {
      cpu += rc;
      mem += rm;
    } else {
      initCpu = Math.max(initCpu, rc);
      initMem = Math.max(initMem, rm);
    }
  }
  const over = pod.spec?.overhead ? resourceFromList(pod.spec.overhead) : undefined;
  return {
    milliCPU: Math.max(cpu, initCpu) + (over?.milliCPU ?? 0),
    memory: Math.max(mem, initMem) + (over?.memory ?? 0),
  };
}
