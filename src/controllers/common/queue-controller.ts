/**
 * The shape most controllers share: one rate-limited work queue that informer handlers fill with
 * keys, and `workers` workers calling reconcile(key) until stop() shuts the queue down
 * (upstream's Run(ctx, workers) + processNextWorkItem loop).
 */
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from './controller.js';
import { runWorkers, type ReconcileResult } from './worker.js';

/** A queue-driven controller: subclasses register informer handlers that add keys, and reconcile them. */
export abstract class QueueController implements Controller {
  abstract readonly name: string;
  readonly queue: WorkQueue;
  private workers: Promise<void> | undefined;

  constructor(
    protected readonly ctx: ControllerContext,
    private readonly workerCount = 1,
  ) {
    this.queue = new WorkQueue({ clock: ctx.clock });
  }

  /** Acts on one key; the result may ask for the key again later. */
  abstract reconcile(key: string): Promise<ReconcileResult | void>;

  /** Starts the workers. */
  start(): void {
    this.workers = runWorkers(this.queue, (k) => this.reconcile(k), { workers: this.workerCount, name: this.name, log: this.ctx.log });
  }

  /** Stops the workers once their current keys are done. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }
}
