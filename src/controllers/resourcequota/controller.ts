/**
 * The resource quota controller (pkg/controller/resourcequota): keeps each ResourceQuota's
 * status.hard equal to spec.hard and recomputes status.used from the objects that exist, so usage
 * charged by admission drops again when objects go away. A quota is synced when it is added or
 * its spec changes, when a tracked object is deleted or changes its usage (a pod finishing, a
 * Service changing type), and on a full resync (default 30 s; upstream's
 * --resource-quota-sync-period is 5 min, which would make tests and demos wait). The status write
 * carries the quota's resourceVersion, so a concurrent admission charge makes it conflict and
 * retry instead of being overwritten.
 */
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import type { ControllerConstructor, ControllerContext } from '../common/controller.js';
import { QueueController } from '../common/queue-controller.js';
import { decideStatus, type TrackedKind } from './decide.js';
import { matchingResources, usageOf } from '../../api/quota/usage.js';
import { parseList, sameList } from '../../api/quota/quantity.js';

const QUOTAS = { group: '', version: 'v1', resource: 'resourcequotas' };
const BY_NAMESPACE = 'resourcequota/namespace';
const byNamespace = (o: KubeObject): string[] => [o.metadata.namespace ?? ''];

/** Kinds watched through shared informers; other count/<resource>.<group> quotas are listed live. */
const INFORMED: TrackedKind[] = [
  { group: '', version: 'v1', resource: 'pods' },
  { group: '', version: 'v1', resource: 'services' },
  { group: '', version: 'v1', resource: 'persistentvolumeclaims' },
  { group: '', version: 'v1', resource: 'configmaps' },
  { group: '', version: 'v1', resource: 'secrets' },
  { group: '', version: 'v1', resource: 'replicationcontrollers' },
  { group: '', version: 'v1', resource: 'resourcequotas' },
];

/** Options: the full resync period and workers (upstream --concurrent-resource-quota-syncs 5). */
export interface ResourceQuotaControllerOptions {
  resyncPeriodMs?: number;
  workers?: number;
}

/** The running resource quota controller. */
export class ResourceQuotaController extends QueueController {
  readonly name = 'resourcequota';
  private readonly quotas: Informer;
  private readonly informed = new Map<string, Informer>();
  private readonly resyncMs: number;
  private discovered: Map<string, TrackedKind> | undefined;

  constructor(ctx: ControllerContext, private readonly opts: ResourceQuotaControllerOptions = {}) {
    super(ctx, opts.workers ?? 2);
    this.resyncMs = opts.resyncPeriodMs ?? 30_000;
    this.quotas = ctx.informers.informerFor(QUOTAS, { [BY_NAMESPACE]: byNamespace });
    this.quotas.addHandlers({
      onAdd: (q) => this.enqueue(q),
      // Only spec changes matter; status writes (ours and admission's) must not loop.
      onUpdate: (o, n) => {
        const os = (o.spec ?? {}) as Record<string, unknown>;
        const ns = (n.spec ?? {}) as Record<string, unknown>;
        if (!sameList(os.hard, ns.hard) || JSON.stringify(os.scopes) !== JSON.stringify(ns.scopes) || JSON.stringify(os.scopeSelector) !== JSON.stringify(ns.scopeSelector)) this.enqueue(n);
      },
    });
    for (const kind of INFORMED) {
      const inf = kind.resource === 'resourcequotas' ? this.quotas : ctx.informers.informerFor(kind, { [BY_NAMESPACE]: byNamespace });
      this.informed.set(kind.resource, inf);
      inf.addHandlers({
        onDelete: (o) => this.replenish(kind, o),
        onUpdate: (o, n) => {
          if (kind.resource === 'resourcequotas') return;
          const now = ctx.now();
          if (!sameList(Object.fromEntries(usageOf(kind.group, kind.resource, o, now)), Object.fromEntries(usageOf(kind.group, kind.resource, n, now)))) this.replenish(kind, n);
        },
      });
    }
  }

  private enqueue(q: KubeObject): void {
    this.queue.add(`${q.metadata.namespace ?? ''}/${q.metadata.name ?? ''}`);
  }

  /** Replenishment: the namespace's quotas that track the kind are recomputed. */
  private replenish(kind: TrackedKind, obj: KubeObject): void {
    for (const q of this.quotas.byIndex(BY_NAMESPACE, obj.metadata.namespace ?? '')) {
      const hard = parseList(((q.spec ?? {}) as { hard?: unknown }).hard);
      if (matchingResources(kind.group, kind.resource, hard.keys()).length) this.enqueue(q);
    }
  }

  /** The objects of a kind in a namespace: from the cache, or listed live for kinds without an informer. */
  private async objectsOf(kind: TrackedKind, namespace: string): Promise<KubeObject[]> {
    const inf = kind.group === '' ? this.informed.get(kind.resource) : undefined;
    if (inf) return inf.byIndex(BY_NAMESPACE, namespace);
    const list = await this.ctx.client.list({ ...kind, namespace });
    return list.items;
  }

  /** The served kind behind count/<resource>.<group> (discovery, refreshed when a name is unknown). */
  private async kindFor(group: string, resource: string): Promise<TrackedKind | undefined> {
    const id = `${group}/${resource}`;
    if (!this.discovered?.has(id)) {
      const all = await this.ctx.client.discover();
      this.discovered = new Map(all.filter((r) => r.namespaced && r.preferred && !r.resource.includes('/') && r.verbs.includes('list')).map((r) => [`${r.group}/${r.resource}`, { group: r.group, version: r.version, resource: r.resource }]));
    }
    return this.discovered.get(id);
  }

  /** syncResourceQuota: recompute and write status when hard or used changed. */
  async reconcile(key: string): Promise<{ requeueAfterMs: number } | void> {
    const quota = this.quotas.get(key);
    if (!quota) return;
    const ns = quota.metadata.namespace ?? '';
    const status = await decideStatus(quota, {
      now: this.ctx.now(),
      informed: INFORMED,
      objects: (kind) => this.objectsOf(kind, ns),
      kindFor: (g, r) => this.kindFor(g, r),
    });
    if (status) {
      try {
        await this.ctx.client.update({ ...QUOTAS, namespace: ns, name: quota.metadata.name ?? '', subresource: 'status' }, { ...quota, status });
      } catch (e) {
        if (isStatus(e, 404)) return;
        // 409: admission charged meanwhile; the rate-limited retry reads the newer quota.
        throw e;
      }
    }
    return { requeueAfterMs: this.resyncMs };
  }
}

/** Builds the controller with options (resync period, workers). */
export function resourceQuotaControllerWith(opts: ResourceQuotaControllerOptions): ControllerConstructor {
  return (ctx) => new ResourceQuotaController(ctx, opts);
}
