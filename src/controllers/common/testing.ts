/**
 * TEST-ONLY: runs chosen controllers on shared informers against an in-process API server, the
 * way startControllers wires them, so a controller's tests see real API semantics (defaults,
 * validation, generation, status subresource) without starting `kubeling up`.
 */
import { SharedInformerFactory } from '../../client/factory.js';
import { EventRecorder } from '../../client/events.js';
import { RestEventSink } from '../../client/event-sink.js';
import { realClock, type Clock } from '../../client/workqueue.js';
import { startTestApiServer, type TestApiServer } from '../../client/test-apiserver.js';
import type { Controller, ControllerConstructor, ControllerContext } from './controller.js';

export interface TestControllers {
  srv: TestApiServer;
  ctx: ControllerContext;
  controllers: Controller[];
  stop(): Promise<void>;
}

/** Starts an API server and the given controllers (informers synced, workers running). */
export async function startTestControllers(ctors: ControllerConstructor[], opts: { clock?: Clock; now?: () => Date } = {}): Promise<TestControllers> {
  const srv = await startTestApiServer();
  const clock = opts.clock ?? realClock;
  const now = opts.now ?? (() => new Date());
  const client = srv.newClient();
  const informers = new SharedInformerFactory({ client, clock });
  const sink = new RestEventSink(client);
  const ctx: ControllerContext = { client, informers, clock, now, recorder: (component) => new EventRecorder(sink, { component, now }) };
  const controllers = ctors.map((make) => make(ctx));
  informers.start();
  await informers.waitForSync();
  for (const c of controllers) c.start();
  return {
    srv,
    ctx,
    controllers,
    async stop() {
      await Promise.all(controllers.map((c) => c.stop()));
      await informers.stop();
      await srv.stop();
    },
  };
}
