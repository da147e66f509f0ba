/**
 * The garbage collector controller. Informer handlers only enqueue object uids (the collector's
 * graph is keyed by uid, as upstream's nodes are); reconcile(uid) gathers the object, its owners
 * (from the caches, or a live GET when an owner is not cached, as upstream confirms absence
 * before deleting) and its dependents, asks the pure decide() what to do, and performs it.
 */
import type { KubeObject } from '../../api/object.js';
import type { InformerHandlers } from '../../client/informer.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import { WorkQueue, realClock, type Clock } from '../../client/workqueue.js';
import type { SharedInformerFactory } from '../../client/factory.js';
import { refOf, resourceForKind } from '../common/resources.js';
import { runWorkers, type Log } from '../common/worker.js';
import { decide, deletingWith, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, type GcAction, type GcNode, type OwnerState } from './decide.js';
import { GcGraph } from './graph.js';

export interface GarbageCollectorOptions {
  client: RestClient;
  clock?: Clock;
  log?: Log;
  workers?: number;
  /** how often discovery is re-read to pick up CRDs (default 30 s, as upstream's resync of monitors) */
  discoveryIntervalMs?: number;
  /** share the other controllers' informers instead of keeping a second cache of each resource */
  informers?: SharedInformerFactory;
}

/** True for objects the collector must look at: owned ones, or ones being deleted with a GC finalizer. */
function interesting(o: KubeObject): boolean {
  return (o.metadata.ownerReferences?.length ?? 0) > 0 || deletingWith(o, FINALIZER_ORPHAN) || deletingWith(o, FINALIZER_FOREGROUND);
}

/** The running garbage collector. */
export class GarbageCollector {
  readonly queue: WorkQueue;
  private readonly graph: GcGraph;
  private readonly clock: Clock;
  private workers: Promise<void> | undefined;
  private timer: unknown;
  private stopped = false;

  constructor(private readonly opts: GarbageCollectorOptions) {
    this.clock = opts.clock ?? realClock;
    this.queue = new WorkQueue({ clock: this.clock });
    this.graph = new GcGraph(opts.client, () => this.handlers(), { clock: this.clock, log: opts.log, informers: opts.informers });
  }

  /** Starts informers, waits for their first lists, then starts workers. */
  async start(): Promise<void> {
    await this.graph.sync();
    await this.graph.waitForSync();
    this.workers = runWorkers(this.queue, (k) => this.reconcile(k), { workers: this.opts.workers ?? 4, name: 'garbage-collector', log: this.opts.log });
    this.scheduleDiscovery();
  }

  private scheduleDiscovery(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.graph
        .sync()
        .catch((e: unknown) => this.opts.log?.('garbage collector discovery failed', { error: String(e) }))
        .finally(() => this.scheduleDiscovery());
    }, this.opts.discoveryIntervalMs ?? 30_000);
  }

  /** Stops workers and informers. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    this.queue.shutDown();
    await this.workers;
    await this.graph.stop();
  }

  private enqueue(uid: string | undefined): void {
    if (uid) this.queue.add(uid);
  }

  /** Handlers only enqueue uids (the object, its owners, its dependents). */
  private handlers(): InformerHandlers {
    return {
      onAdd: (o) => {
        if (interesting(o)) this.enqueue(o.metadata.uid);
      },
      onUpdate: (old, o) => {
        if (interesting(o)) this.enqueue(o.metadata.uid);
        // An owner just entered foreground deletion: its dependents must notice it is waiting.
        if (deletingWith(o, FINALIZER_FOREGROUND) && !deletingWith(old, FINALIZER_FOREGROUND)) {
          for (const d of this.graph.dependentsOf(o.metadata.uid ?? '')) this.enqueue(d.object.metadata.uid);
        }
        // Owners dropped from the list may be waiting on this (formerly blocking) dependent.
        const now = new Set((o.metadata.ownerReferences ?? []).map((r) => r.uid));
        for (const r of old.metadata.ownerReferences ?? []) if (!now.has(r.uid)) this.enqueue(r.uid);
      },
      onDelete: (o) => {
        // Its dependents may now be dangling; its owners may be waiting for it to go.
        for (const d of this.graph.dependentsOf(o.metadata.uid ?? '')) this.enqueue(d.object.metadata.uid);
        for (const r of o.metadata.ownerReferences ?? []) this.enqueue(r.uid);
      },
    };
  }

  /** reconcile(uid): the only place the collector acts. */
  async reconcile(uid: string): Promise<void> {
    const item = this.graph.byUid(uid);
    if (!item) return;
    const owners = await Promise.all((item.object.metadata.ownerReferences ?? []).map((ref) => this.ownerState(item, ref)));
    const actions = decide(item, owners, this.graph.dependentsOf(uid));
    for (const a of actions) await this.execute(a);
  }

  /** Resolves one owner reference: cache by uid first, then a live GET (absence must be confirmed). */
  private async ownerState(item: GcNode, ref: OwnerState['ref']): Promise<OwnerState> {
    const cached = this.graph.byUid(ref.uid);
    if (cached) return { ref, state: 'present', owner: cached.object };
    const res = resourceForKind(this.graph.resources(), ref.apiVersion, ref.kind);
    if (!res) return { ref, state: 'unknown' };
    const ns = item.object.metadata.namespace;
    // A namespaced owner of a cluster-scoped dependent cannot exist (upstream: OwnerRefInvalidNamespace).
    if (res.namespaced && !ns) return { ref, state: 'absent' };
    try {
      const live = await this.opts.client.get(refOf(res, res.namespaced ? ns : undefined, ref.name));
      return live.metadata.uid === ref.uid ? { ref, state: 'present', owner: live } : { ref, state: 'absent' };
    } catch (e) {
      if (isStatus(e, 404)) return { ref, state: 'absent' };
      throw e;
    }
  }

  private async execute(a: GcAction): Promise<void> {
    const md = a.target.object.metadata;
    const target = refOf(a.target.resource, md.namespace, md.name);
    const log = (what: string) => this.opts.log?.(what, { controller: 'garbage-collector', object: `${a.target.resource.resource}/${md.namespace ? `${md.namespace}/` : ''}${md.name ?? ''}`, uid: md.uid });
    try {
      switch (a.kind) {
        case 'delete':
          log(`deleting object (propagation ${a.propagationPolicy})`);
          await this.opts.client.delete(target, { propagationPolicy: a.propagationPolicy, preconditions: { uid: md.uid } });
          return;
        case 'removeOwnerReferences': {
          const keep = (md.ownerReferences ?? []).filter((r) => !a.uids.includes(r.uid));
          log('removing owner references');
          await this.opts.client.patch(target, 'merge', { metadata: { resourceVersion: md.resourceVersion, ownerReferences: keep.length ? keep : null } });
          return;
        }
        case 'unblockOwnerReferences': {
          const refs = (md.ownerReferences ?? []).map((r) => ({ ...r, blockOwnerDeletion: false }));
          await this.opts.client.patch(target, 'merge', { metadata: { resourceVersion: md.resourceVersion, ownerReferences: refs } });
          return;
        }
        case 'removeFinalizer': {
          const keep = (md.finalizers ?? []).filter((f) => f !== a.finalizer);
          log(`removing finalizer ${a.finalizer}`);
          await this.opts.client.patch(target, 'merge', { metadata: { resourceVersion: md.resourceVersion, finalizers: keep.length ? keep : null } });
          return;
        }
      }
    } catch (e) {
      // Already gone, or replaced by a new object of the same name (uid precondition): nothing to do.
      if (isStatus(e, 404)) return;
      if (a.kind === 'delete' && isStatus(e, 409)) return;
      throw e;
    }
  }
}

/** Starts the garbage collector; resolves once its informers have synced and workers run. */
export async function startGarbageCollector(opts: GarbageCollectorOptions): Promise<GarbageCollector> {
  const gc = new GarbageCollector(opts);
  await gc.start();
  return gc;
}
