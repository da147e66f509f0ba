/**
 * The ServiceAccounts controller (pkg/controller/serviceaccount/serviceaccounts_controller.go):
 * every active namespace has the `default` ServiceAccount; one deleted is recreated. Namespace
 * adds and updates enqueue the namespace; a deleted ServiceAccount enqueues its namespace.
 * Namespaces that are not Active (Terminating) are skipped, so deletion can finish.
 */
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerConstructor, ControllerContext } from '../common/controller.js';
import { runWorkers } from '../common/worker.js';

const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };
const SERVICE_ACCOUNTS = { group: '', version: 'v1', resource: 'serviceaccounts' };

/** Options: the ServiceAccounts every namespace gets (upstream default: just "default") and workers. */
export interface ServiceAccountControllerOptions {
  serviceAccounts?: string[];
  workers?: number;
}

/** True when the namespace should hold the ServiceAccounts: it exists and is Active. */
export function namespaceActive(ns: KubeObject | undefined): boolean {
  if (!ns || ns.metadata.deletionTimestamp) return false;
  const phase = (ns.status as { phase?: string } | undefined)?.phase;
  return phase === undefined || phase === 'Active';
}

/** The names among `wanted` that the namespace lacks (the pure decision of syncNamespace). */
export function missingServiceAccounts(wanted: string[], has: (name: string) => boolean): string[] {
  return wanted.filter((n) => !has(n));
}

/** The running ServiceAccounts controller. */
export class ServiceAccountController implements Controller {
  readonly name = 'serviceaccount';
  readonly queue: WorkQueue;
  private readonly namespaces: Informer;
  private readonly accounts: Informer;
  private readonly wanted: string[];
  private workers: Promise<void> | undefined;

  constructor(private readonly ctx: ControllerContext, private readonly opts: ServiceAccountControllerOptions = {}) {
    this.wanted = opts.serviceAccounts ?? ['default'];
    this.queue = new WorkQueue({ clock: ctx.clock });
    this.namespaces = ctx.informers.informerFor(NAMESPACES);
    this.accounts = ctx.informers.informerFor(SERVICE_ACCOUNTS);
    const nsName = (o: KubeObject): void => {
      if (o.metadata.name) this.queue.add(o.metadata.name);
    };
    this.namespaces.addHandlers({ onAdd: nsName, onUpdate: (_o, n) => nsName(n) });
    this.accounts.addHandlers({
      onDelete: (sa) => {
        if (sa.metadata.namespace && this.wanted.includes(sa.metadata.name ?? '')) this.queue.add(sa.metadata.namespace);
      },
    });
  }

  /** Starts the workers. */
  start(): void {
    this.workers = runWorkers(this.queue, (k) => this.reconcile(k), { workers: this.opts.workers ?? 1, name: this.name, log: this.ctx.log });
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  /** syncNamespace(name): create the ServiceAccounts the namespace lacks. */
  async reconcile(ns: string): Promise<void> {
    if (!namespaceActive(this.namespaces.get(ns))) return;
    for (const name of missingServiceAccounts(this.wanted, (n) => this.accounts.get(`${ns}/${n}`) !== undefined)) {
      try {
        await this.ctx.client.create({ ...SERVICE_ACCOUNTS, namespace: ns }, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
      } catch (e) {
        // Already there (the cache lags), or the namespace is going away: nothing to do.
        if (isStatus(e, 409) || isStatus(e, 403) || isStatus(e, 404)) continue;
        throw e;
      }
    }
  }
}

/** Builds the ServiceAccounts controller with options. */
export function serviceAccountControllerWith(opts: ServiceAccountControllerOptions): ControllerConstructor {
  return (ctx) => new ServiceAccountController(ctx, opts);
}
