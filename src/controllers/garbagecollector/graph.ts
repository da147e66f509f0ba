/**
 * The garbage collector's view of the cluster (upstream GraphBuilder): one informer per
 * resource that supports list, watch and delete, each indexed by uid and by owner uid, so the
 * ownerReferences graph is answered from the caches: "which object has uid U" and "who names U
 * as an owner". Discovery is refreshed periodically so CRDs are picked up (and dropped).
 */
import type { DiscoveredResource } from '../../client/discovery.js';
import { Informer, ownerUidIndex, uidIndex, type InformerHandlers } from '../../client/informer.js';
import type { RestClient } from '../../client/rest.js';
import type { SharedInformerFactory } from '../../client/factory.js';
import type { Clock } from '../../client/workqueue.js';
import type { Log } from '../common/worker.js';
import { hasVerbs, preferredOnly, refOf, resourceId } from '../common/resources.js';
import type { GcNode } from './decide.js';

/** Upstream's ignoredResources: events are never owners worth tracking and churn a lot. */
const IGNORED = new Set(['/v1/events', 'events.k8s.io/v1/events']);

/** Resources the collector monitors, from a discovery result. */
export function monitoredResources(all: DiscoveredResource[]): DiscoveredResource[] {
  return preferredOnly(all).filter((r) => hasVerbs(r, 'list', 'watch', 'delete') && !IGNORED.has(resourceId(r)));
}

interface Monitor {
  resource: DiscoveredResource;
  informer: Informer;
}

/** Informers over every monitored resource, with graph lookups across them. */
export class GcGraph {
  private readonly monitors = new Map<string, Monitor>();
  private discovered: DiscoveredResource[] = [];

  constructor(
    private readonly client: RestClient,
    private readonly handlers: (resource: DiscoveredResource) => InformerHandlers,
    private readonly opts: { clock?: Clock; log?: Log; informers?: SharedInformerFactory } = {},
  ) {}

  /** The last discovery result (all versions), used to resolve owner kinds. */
  resources(): DiscoveredResource[] {
    return this.discovered;
  }

  /** Re-runs discovery, starting informers for new resources and stopping those no longer served. */
  async sync(): Promise<void> {
    this.discovered = await this.client.discover();
    const want = new Map(monitoredResources(this.discovered).map((r) => [resourceId(r), r]));
    for (const [id, m] of [...this.monitors]) {
      if (!want.has(id)) {
        this.monitors.delete(id);
        // A shared informer belongs to the factory (other controllers may read it).
        if (!this.opts.informers) await m.informer.stop();
      }
    }
    for (const [id, r] of want) {
      if (this.monitors.has(id)) continue;
      const indexers = { uid: uidIndex, owner: ownerUidIndex };
      // With a shared factory the collector reuses the caches the other controllers keep (pods,
      // ReplicaSets...) instead of holding a second copy of every object.
      const informer = this.opts.informers
        ? this.opts.informers.informerFor(r, indexers)
        : new Informer({ client: this.client, resource: refOf(r), indexers, clock: this.opts.clock, log: this.opts.log });
      informer.addHandlers(this.handlers(r));
      this.monitors.set(id, { resource: r, informer });
      informer.start();
    }
  }

  /** Resolves once every current informer has listed. */
  async waitForSync(): Promise<void> {
    await Promise.all([...this.monitors.values()].map((m) => m.informer.waitForSync()));
  }

  /** True when every informer has listed (the collector acts only on a complete graph). */
  hasSynced(): boolean {
    return [...this.monitors.values()].every((m) => m.informer.hasSynced());
  }

  /** The cached object with this uid, with its resource. */
  byUid(uid: string): GcNode | undefined {
    for (const m of this.monitors.values()) {
      const hit = m.informer.byIndex('uid', uid)[0];
      if (hit) return { resource: m.resource, object: hit };
    }
    return undefined;
  }

  /** Every cached object that lists `uid` among its ownerReferences. */
  dependentsOf(uid: string): GcNode[] {
    const out: GcNode[] = [];
    for (const m of this.monitors.values()) for (const o of m.informer.byIndex('owner', uid)) out.push({ resource: m.resource, object: o });
    return out;
  }

  /** Stops every informer. */
  async stop(): Promise<void> {
    if (!this.opts.informers) await Promise.all([...this.monitors.values()].map((m) => m.informer.stop()));
    this.monitors.clear();
  }
}
