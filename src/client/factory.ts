/**
 * Shared informers (client-go's SharedInformerFactory): one list+watch per resource however many
 * controllers read it. Controllers ask for an informer, add their handlers and indexers, and the
 * factory starts every informer once and waits until all have synced.
 */
import type { RestClient } from './rest.js';
import { Informer, type IndexFunc } from './informer.js';
import type { Clock } from './workqueue.js';

/** The collection an informer covers: every namespace of one resource. */
export interface InformedResource {
  group: string;
  version: string;
  resource: string;
}

export interface InformerFactoryOptions {
  client: RestClient;
  clock?: Clock;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** One Informer per resource, shared by every controller of a process. */
export class SharedInformerFactory {
  private readonly informers = new Map<string, Informer>();
  private started = false;

  constructor(private readonly opts: InformerFactoryOptions) {}

  /** The shared informer of a resource (created on first use; started by start() or at once if already started). */
  informerFor(r: InformedResource, indexers: Record<string, IndexFunc> = {}): Informer {
    const id = `${r.group}/${r.version}/${r.resource}`;
    let inf = this.informers.get(id);
    if (!inf) {
      inf = new Informer({ client: this.opts.client, resource: { group: r.group, version: r.version, resource: r.resource }, clock: this.opts.clock, log: this.opts.log });
      this.informers.set(id, inf);
      if (this.started) inf.start();
    }
    for (const [name, fn] of Object.entries(indexers)) inf.addIndexer(name, fn);
    return inf;
  }

  /** Starts every informer asked for so far (and, from now on, each new one at creation). */
  start(): void {
    this.started = true;
    for (const inf of this.informers.values()) inf.start();
  }

  /** Resolves once every informer has delivered its first list. */
  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  /** Stops every informer. */
  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
