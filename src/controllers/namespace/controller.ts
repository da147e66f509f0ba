/**
 * The namespace controller: a namespace with a deletionTimestamp (phase Terminating, set by the
 * API server) has its content deleted; its status conditions report progress as upstream's do;
 * once nothing is left, "kubernetes" is removed from spec.finalizers through
 * PUT /api/v1/namespaces/<name>/finalize, after which the API server deletes the namespace.
 * Handlers only enqueue names; reconcile(name) is the only place that acts.
 */
import type { KubeObject } from '../../api/object.js';
import { Informer } from '../../client/informer.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import { WorkQueue, realClock, type Clock } from '../../client/workqueue.js';
import { runWorkers, type Log, type ReconcileResult } from '../common/worker.js';
import { deleteAllContent } from './deleter.js';
import { deletionConditions, deletionVerdict, finalizedFinalizers, sameConditions, type NamespaceCondition } from './status.js';

const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' } as const;

export interface NamespaceControllerOptions {
  client: RestClient;
  clock?: Clock;
  now?: () => Date;
  log?: Log;
  workers?: number;
}

function finalizersOf(ns: KubeObject): string[] {
  return (ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
}

/** True when the namespace is being deleted and still carries our finalizer. */
export function needsContentDeletion(ns: KubeObject): boolean {
  return !!ns.metadata.deletionTimestamp && finalizersOf(ns).includes('kubernetes');
}

/** The running namespace controller. */
export class NamespaceController {
  readonly queue: WorkQueue;
  private readonly informer: Informer;
  private readonly now: () => Date;
  private workers: Promise<void> | undefined;

  constructor(private readonly opts: NamespaceControllerOptions) {
    const clock = opts.clock ?? realClock;
    this.now = opts.now ?? (() => new Date(clock.now()));
    this.queue = new WorkQueue({ clock });
    this.informer = new Informer({ client: opts.client, resource: NAMESPACES, clock, log: opts.log });
    this.informer.addHandlers({
      onAdd: (ns) => this.maybeEnqueue(ns),
      onUpdate: (_old, ns) => this.maybeEnqueue(ns),
    });
  }

  private maybeEnqueue(ns: KubeObject): void {
    if (needsContentDeletion(ns) && ns.metadata.name) this.queue.add(ns.metadata.name);
  }

  /** Starts the informer and, once it has listed, the workers. */
  async start(): Promise<void> {
    this.informer.start();
    await this.informer.waitForSync();
    this.workers = runWorkers(this.queue, (k) => this.reconcile(k), { workers: this.opts.workers ?? 2, name: 'namespace', log: this.opts.log });
  }

  /** Stops workers and the informer. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
    await this.informer.stop();
  }

  /** reconcile(name): delete content, report conditions, finalize when empty. */
  async reconcile(name: string): Promise<ReconcileResult | void> {
    const cached = this.informer.get(name);
    if (!cached || !needsContentDeletion(cached)) return;
    const pass = await deleteAllContent(this.opts.client, name);
    const verdict = deletionVerdict(pass);
    await this.writeConditions(name, pass);
    if (verdict.failed) throw new Error(`namespace ${name}: content deletion incomplete`);
    if (!verdict.finalize) return { requeueAfterMs: verdict.requeueAfterMs };
    await this.finalize(name);
  }

  private async writeConditions(name: string, pass: Parameters<typeof deletionConditions>[1]): Promise<void> {
    const ns = await this.fresh(name);
    if (!ns) return;
    const status = (ns.status ?? {}) as { phase?: string; conditions?: NamespaceCondition[] };
    const prev = status.conditions ?? [];
    const next = deletionConditions(prev, pass, this.now().toISOString().replace(/\.\d+Z$/, 'Z'));
    if (sameConditions(prev, next)) return;
    try {
      await this.opts.client.update({ ...NAMESPACES, name, subresource: 'status' }, { ...ns, status: { ...status, phase: 'Terminating', conditions: next } });
    } catch (e) {
      // A conflicting write or a namespace already gone: the next pass writes again.
      if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
    }
  }

  private async fresh(name: string): Promise<KubeObject | undefined> {
    try {
      return await this.opts.client.get({ ...NAMESPACES, name });
    } catch (e) {
      if (isStatus(e, 404)) return undefined;
      throw e;
    }
  }

  /** PUT namespaces/<name>/finalize without "kubernetes" (retrying on conflict via the queue). */
  private async finalize(name: string): Promise<void> {
    const ns = await this.fresh(name);
    if (!ns || !finalizersOf(ns).includes('kubernetes')) return;
    const body: KubeObject = { ...ns, spec: { ...(ns.spec ?? {}), finalizers: finalizedFinalizers(finalizersOf(ns)) } };
    this.opts.log?.('namespace content removed; finalizing', { controller: 'namespace', namespace: name });
    try {
      await this.opts.client.update({ ...NAMESPACES, name, subresource: 'finalize' }, body);
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
  }
}

/** Starts the namespace controller; resolves once its informer has synced. */
export async function startNamespaceController(opts: NamespaceControllerOptions): Promise<NamespaceController> {
  const c = new NamespaceController(opts);
  await c.start();
  return c;
}
