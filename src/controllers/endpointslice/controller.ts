/**
 * The EndpointSlice controller (pkg/controller/endpointslice): for every Service with a
 * selector, EndpointSlices (managed-by endpointslice-controller.k8s.io) listing its pods, at
 * most 100 endpoints each, one set per address type. Service, pod and slice events enqueue the
 * Service; reconcile(key) plans the slices (plan.ts) and writes the plan. The `kubernetes`
 * slice of default/kubernetes is mirrored from the Endpoints the API server maintains.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';
import type { Informer, IndexFunc } from '../../client/informer.js';
import { objectKey, splitKey } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerConstructor, ControllerContext } from '../common/controller.js';
import { runWorkers, type ReconcileResult } from '../common/worker.js';
import { NAMESPACE_INDEX, TriggerTimeTracker, asPod, asService, namespaceIndex, selectorMatches, servicesSelecting } from '../common/endpoint-util.js';
import { desiredGroups, serviceAddressTypes } from './endpoints.js';
import { MAX_ENDPOINTS_PER_SLICE, planSlices, type NewSlice } from './plan.js';
import { CONTROLLER_NAME, MANAGED_BY_LABEL, SERVICE_NAME_LABEL, kubernetesSlice, kubernetesSliceDiffers, newSliceObject, sliceMetaOutdated, updatedSliceObject } from './slices.js';
import { SliceTracker } from './tracker.js';

const SERVICES = { group: '', version: 'v1', resource: 'services' };
const PODS = { group: '', version: 'v1', resource: 'pods' };
const NODES = { group: '', version: 'v1', resource: 'nodes' };
const ENDPOINTS = { group: '', version: 'v1', resource: 'endpoints' };
const SLICES = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' };
const KUBERNETES = 'default/kubernetes';
const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** Files a slice under `namespace/<kubernetes.io/service-name>`. */
const SERVICE_INDEX = 'endpointslice:service';
const serviceIndex: IndexFunc = (o) => {
  const svc = o.metadata.labels?.[SERVICE_NAME_LABEL];
  return svc ? [`${o.metadata.namespace ?? ''}/${svc}`] : [];
};

/** Options: --concurrent-service-endpoint-syncs (5) and --max-endpoints-per-slice (100). */
export interface EndpointSliceControllerOptions {
  workers?: number;
  maxEndpointsPerSlice?: number;
}

/** One write of a plan. */
type Write = { op: 'create'; body: KubeObject } | { op: 'update'; body: KubeObject } | { op: 'delete'; slice: KubeObject };

/** The running EndpointSlice controller. */
export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice';
  readonly queue: WorkQueue;
  private readonly services: Informer;
  private readonly pods: Informer;
  private readonly nodes: Informer;
  private readonly slices: Informer;
  private readonly endpoints: Informer;
  private readonly triggers = new TriggerTimeTracker();
  private readonly tracker: SliceTracker;
  private workers: Promise<void> | undefined;

  constructor(private readonly ctx: ControllerContext, private readonly opts: EndpointSliceControllerOptions = {}) {
    this.queue = new WorkQueue({ clock: ctx.clock });
    this.tracker = new SliceTracker(() => ctx.clock.now());
    this.services = ctx.informers.informerFor(SERVICES, { [NAMESPACE_INDEX]: namespaceIndex });
    this.pods = ctx.informers.informerFor(PODS, { [NAMESPACE_INDEX]: namespaceIndex });
    this.nodes = ctx.informers.informerFor(NODES);
    this.slices = ctx.informers.informerFor(SLICES, { [SERVICE_INDEX]: serviceIndex });
    this.endpoints = ctx.informers.informerFor(ENDPOINTS);
    const enqueue = (o: KubeObject): void => this.queue.add(objectKey(o));
    this.services.addHandlers({ onAdd: enqueue, onUpdate: (_o, s) => enqueue(s), onDelete: enqueue });
    this.pods.addHandlers({
      onAdd: (p) => this.enqueuePodServices(p),
      onUpdate: (o, p) => this.enqueuePodServices(p, o),
      onDelete: (p) => this.enqueuePodServices(p),
    });
    const sliceChanged = (s: KubeObject): void => {
      for (const k of serviceIndex(s)) this.queue.add(k);
    };
    this.slices.addHandlers({ onAdd: sliceChanged, onUpdate: (_o, s) => sliceChanged(s), onDelete: sliceChanged });
    const endpointsChanged = (e: KubeObject): void => {
      if (objectKey(e) === KUBERNETES) this.queue.add(KUBERNETES);
    };
    this.endpoints.addHandlers({ onAdd: endpointsChanged, onUpdate: (_o, e) => endpointsChanged(e), onDelete: endpointsChanged });
  }

  private enqueuePodServices(pod: KubeObject, old?: KubeObject): void {
    const inNs = this.services.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '');
    const keys = new Set(servicesSelecting(inNs, pod).map(objectKey));
    if (old) for (const s of servicesSelecting(inNs, old)) keys.add(objectKey(s));
    for (const k of keys) this.queue.add(k);
  }

  /** Starts the workers. */
  start(): void {
    this.workers = runWorkers(this.queue, (k) => this.reconcile(k), { workers: this.opts.workers ?? 5, name: this.name, log: this.ctx.log });
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  /** syncService(key): bring the Service's slices to the plan. */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.services.get(key);
    if (!cached) {
      // Slices carry the Service as owner: the garbage collector removes them.
      this.triggers.forget(key);
      this.tracker.forget(key);
      return;
    }
    const svc = asService(cached);
    if (svc.spec?.type === 'ExternalName') return;
    const selector = svc.spec?.selector;
    if (!selector) {
      if (key === KUBERNETES) await this.mirrorKubernetes();
      return;
    }
    const { namespace } = splitKey(key);
    if (!this.tracker.synced(key, (name) => this.slices.get(`${namespace}/${name}`))) return { requeueAfterMs: 100 };
    const pods = this.pods
      .byIndex(NAMESPACE_INDEX, namespace)
      .filter((p) => selectorMatches(selector, p.metadata.labels))
      .map(asPod);
    const zoneOf = (node: string): string | undefined => this.nodes.get(node)?.metadata.labels?.[ZONE_LABEL];
    const groups = desiredGroups(svc, pods, zoneOf);
    const trigger = this.triggers.compute(key, svc, pods);
    const existing = this.slices.byIndex(SERVICE_INDEX, key).filter((s) => s.metadata.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME);
    const writes = this.planWrites(svc, groups, existing, trigger);
    try {
      for (const w of writes) await this.apply(key, w);
    } catch (e) {
      if (!isStatus(e, 409) && !(isStatus(e, 403) && writes.every((w) => w.op === 'create'))) {
        const msg = e instanceof Error ? e.message : String(e);
        this.ctx.recorder('endpoint-slice-controller').event(cached, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${key}: ${msg}`);
      }
      // A namespace being deleted refuses new slices: nothing to retry.
      if (isStatus(e, 403)) return;
      throw e;
    }
  }

  /** The writes of every address type's plan; creates replace deletions where possible (finalize). */
  private planWrites(svc: Service, groups: ReturnType<typeof desiredGroups>, existing: KubeObject[], trigger: string | undefined): Write[] {
    const types = serviceAddressTypes(svc);
    const writes: Write[] = [];
    const max = this.opts.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
    for (const s of existing) if (!types.includes(String(s.addressType))) writes.push({ op: 'delete', slice: s });
    for (const t of types) {
      const plan = planSlices(t, groups.filter((g) => g.addressType === t), existing.filter((s) => s.addressType === t), max);
      const deletes = [...plan.delete];
      const creates: NewSlice[] = [];
      for (const c of plan.create) {
        // Rewriting a slice that would be deleted saves a create and a delete (upstream's finalize).
        const reuse = deletes.shift();
        if (reuse) writes.push({ op: 'update', body: { ...updatedSliceObject(svc, reuse, c.endpoints, trigger), ports: c.ports } });
        else creates.push(c);
      }
      for (const c of creates) writes.push({ op: 'create', body: newSliceObject(svc, c, trigger) });
      for (const u of plan.update) writes.push({ op: 'update', body: updatedSliceObject(svc, u.slice, u.endpoints, trigger) });
      // Only the metadata of these is stale (e.g. the Service's labels changed): endpoints and trigger time stay.
      for (const s of plan.unchanged) if (sliceMetaOutdated(svc, s)) writes.push({ op: 'update', body: updatedSliceObject(svc, s, undefined, undefined) });
      for (const d of deletes) writes.push({ op: 'delete', slice: d });
    }
    return writes;
  }

  private async apply(svcKey: string, w: Write): Promise<void> {
    const client = this.ctx.client;
    if (w.op === 'create') {
      this.tracker.wrote(svcKey, await client.create({ ...SLICES, namespace: w.body.metadata.namespace }, w.body));
    } else if (w.op === 'update') {
      const { namespace, name } = w.body.metadata;
      this.tracker.wrote(svcKey, await client.update({ ...SLICES, namespace, name }, w.body));
    } else {
      const { namespace, name } = w.slice.metadata;
      try {
        await client.delete({ ...SLICES, namespace, name }, { preconditions: { uid: w.slice.metadata.uid } });
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
      }
      this.tracker.deleted(svcKey, name ?? '');
    }
  }

  /** Keeps the `kubernetes` slice equal to the API server's Endpoints of the kubernetes Service. */
  private async mirrorKubernetes(): Promise<void> {
    const ep = this.endpoints.get(KUBERNETES);
    if (!ep) return;
    const current = this.slices.get(KUBERNETES);
    const want = kubernetesSlice(ep, current);
    if (!kubernetesSliceDiffers(want, current)) return;
    const ref = { ...SLICES, namespace: 'default' };
    // addressType is immutable: a family change means a new slice.
    if (current && current.addressType !== want.addressType) {
      await this.ctx.client.delete({ ...ref, name: 'kubernetes' });
      delete want.metadata.resourceVersion;
      delete want.metadata.uid;
    } else if (current) {
      await this.ctx.client.update({ ...ref, name: 'kubernetes' }, want);
      return;
    }
    try {
      await this.ctx.client.create(ref, want);
    } catch (e) {
      if (!isStatus(e, 409)) throw e;
    }
  }
}

/** Builds the EndpointSlice controller with options. */
export function endpointSliceControllerWith(opts: EndpointSliceControllerOptions): ControllerConstructor {
  return (ctx) => new EndpointSliceController(ctx, opts);
}
