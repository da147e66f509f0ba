/**
 * The Endpoints controller (pkg/controller/endpoint): keeps, for every Service with a selector,
 * an Endpoints object of the same name listing its pods. Service events enqueue the Service;
 * pod events enqueue every Service selecting the pod before or after the change; a deleted
 * Endpoints enqueues its Service so it is recreated. Services without a selector (such as
 * default/kubernetes, kept by the API server) and ExternalName Services are left alone.
 */
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { objectKey, splitKey } from '../../client/informer.js';
import { isStatus, ApiStatusError } from '../../client/rest.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerConstructor, ControllerContext } from '../common/controller.js';
import { runWorkers } from '../common/worker.js';
import { NAMESPACE_INDEX, TriggerTimeTracker, asPod, asService, namespaceIndex, selectorMatches, servicesSelecting } from '../common/endpoint-util.js';
import { computeSubsets, desiredEndpoints } from './subsets.js';

const SERVICES = { group: '', version: 'v1', resource: 'services' };
const PODS = { group: '', version: 'v1', resource: 'pods' };
const ENDPOINTS = { group: '', version: 'v1', resource: 'endpoints' };

/** Options: the worker count (--concurrent-endpoint-syncs, default 5). */
export interface EndpointControllerOptions {
  workers?: number;
}

/** The running Endpoints controller. */
export class EndpointController implements Controller {
  readonly name = 'endpoint';
  readonly queue: WorkQueue;
  private readonly services: Informer;
  private readonly pods: Informer;
  private readonly endpoints: Informer;
  private readonly triggers = new TriggerTimeTracker();
  private workers: Promise<void> | undefined;

  constructor(private readonly ctx: ControllerContext, private readonly opts: EndpointControllerOptions = {}) {
    this.queue = new WorkQueue({ clock: ctx.clock });
    this.services = ctx.informers.informerFor(SERVICES, { [NAMESPACE_INDEX]: namespaceIndex });
    this.pods = ctx.informers.informerFor(PODS, { [NAMESPACE_INDEX]: namespaceIndex });
    this.endpoints = ctx.informers.informerFor(ENDPOINTS);
    this.services.addHandlers({
      onAdd: (s) => this.enqueue(s),
      onUpdate: (_o, s) => this.enqueue(s),
      onDelete: (s) => this.enqueue(s),
    });
    this.pods.addHandlers({
      onAdd: (p) => this.enqueuePodServices(p),
      onUpdate: (o, p) => this.enqueuePodServices(p, o),
      onDelete: (p) => this.enqueuePodServices(p),
    });
    // Only deletions matter: a removed Endpoints of a live Service must come back.
    this.endpoints.addHandlers({ onDelete: (e) => this.enqueue(e) });
  }

  private enqueue(o: KubeObject): void {
    this.queue.add(objectKey(o));
  }

  private enqueuePodServices(pod: KubeObject, old?: KubeObject): void {
    const ns = pod.metadata.namespace ?? '';
    const inNs = this.services.byIndex(NAMESPACE_INDEX, ns);
    const keys = new Set(servicesSelecting(inNs, pod).map(objectKey));
    // A label change can take a pod out of a Service: that Service must drop it.
    if (old) for (const s of servicesSelecting(inNs, old)) keys.add(objectKey(s));
    for (const k of keys) this.queue.add(k);
  }

  /** Starts the workers; leftover Endpoints (whose Service is gone) are checked once, as checkLeftoverEndpoints does. */
  start(): void {
    for (const e of this.endpoints.list()) if (!this.services.get(objectKey(e))) this.queue.add(objectKey(e));
    this.workers = runWorkers(this.queue, (k) => this.reconcile(k), { workers: this.opts.workers ?? 5, name: this.name, log: this.ctx.log });
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  /** syncService(key): create, update or delete the Endpoints of one Service. */
  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.services.get(key);
    if (!cached) {
      this.triggers.forget(key);
      // The Service is gone: its Endpoints go too (they carry no ownerReference).
      try {
        await this.ctx.client.delete({ ...ENDPOINTS, namespace, name });
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
      }
      return;
    }
    const svc = asService(cached);
    // ExternalName Services get no endpoints; selectorless ones are maintained by someone else.
    if (svc.spec?.type === 'ExternalName') return;
    const selector = svc.spec?.selector;
    if (!selector) return;
    const pods = this.pods
      .byIndex(NAMESPACE_INDEX, namespace)
      .filter((p) => selectorMatches(selector, p.metadata.labels))
      .map(asPod);
    const { subsets } = computeSubsets(svc, pods);
    const trigger = this.triggers.compute(key, svc, pods);
    const current = this.endpoints.get(key);
    const desired = desiredEndpoints(svc, current, subsets, trigger);
    if (!desired) return;
    await this.write(cached, desired, current === undefined);
  }

  private async write(svc: KubeObject, desired: KubeObject, create: boolean): Promise<void> {
    const ns = desired.metadata.namespace ?? '';
    const name = desired.metadata.name ?? '';
    try {
      if (create) await this.ctx.client.create({ ...ENDPOINTS, namespace: ns }, desired);
      else await this.ctx.client.update({ ...ENDPOINTS, namespace: ns, name }, desired);
    } catch (e) {
      // A namespace being deleted refuses new content: nothing to retry (upstream's Forbidden check).
      if (create && isStatus(e, 403)) return;
      // Conflicts and stale caches are retried by the queue without an event.
      if (!isStatus(e, 409)) {
        const verb = create ? 'create' : 'update';
        const reason = create ? 'FailedToCreateEndpoint' : 'FailedToUpdateEndpoint';
        const msg = e instanceof ApiStatusError || e instanceof Error ? e.message : String(e);
        this.ctx.recorder('endpoint-controller').event(svc, 'Warning', reason, `Failed to ${verb} endpoint ${ns}/${name}: ${msg}`);
      }
      throw e;
    }
  }
}

/** Builds the Endpoints controller with options (the worker count). */
export function endpointControllerWith(opts: EndpointControllerOptions): ControllerConstructor {
  return (ctx) => new EndpointController(ctx, opts);
}
