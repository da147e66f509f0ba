/**
 * Starts the controllers this package holds (garbage collector, namespace) against one client.
 * `kubeling up` and `kubeling server` call this once the API server is serving.
 */
import type { RestClient } from '../client/rest.js';
import { realClock, type Clock } from '../client/workqueue.js';
import { startGarbageCollector } from './garbagecollector/controller.js';
import { startNamespaceController } from './namespace/controller.js';
import type { Log } from './common/worker.js';

/** Options of startControllers. */
export interface ControllerOptions {
  client: RestClient;
  log?: Log;
  now?: () => Date;
  clock?: Clock;
}

/** Running controllers; stop() ends them (workers first, then informers). */
export interface RunningControllers {
  stop(): Promise<void>;
}

/** Starts the garbage collector and namespace controller; resolves once both have synced. */
export async function startControllers(opts: ControllerOptions): Promise<RunningControllers> {
  const clock = opts.clock ?? realClock;
  const [gc, ns] = await Promise.all([
    startGarbageCollector({ client: opts.client, clock, log: opts.log }),
    startNamespaceController({ client: opts.client, clock, now: opts.now, log: opts.log }),
  ]);
  return {
    async stop() {
      await Promise.all([gc.stop(), ns.stop()]);
    },
  };
}
