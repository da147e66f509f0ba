/**
 * The contract between `startControllers` and each controller built on shared informers
 * (kube-controller-manager's ControllerContext): a controller registers its informers, indexers
 * and handlers when constructed, and starts its workers only after every informer has synced,
 * so a reconcile never acts on a half-filled cache.
 */
import type { RestClient } from '../../client/rest.js';
import type { SharedInformerFactory } from '../../client/factory.js';
import type { EventRecorder } from '../../client/events.js';
import type { Clock } from '../../client/workqueue.js';
import type { Log } from './worker.js';

/** What every controller receives. */
export interface ControllerContext {
  client: RestClient;
  informers: SharedInformerFactory;
  clock: Clock;
  now: () => Date;
  log?: Log;
  /** an event recorder reporting as `component` (e.g. "deployment-controller") */
  recorder(component: string): EventRecorder;
}

/** A controller: handlers registered in its constructor; start() after sync; stop() drains workers. */
export interface Controller {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
}

/** Builds a controller from the shared context. */
export type ControllerConstructor = (ctx: ControllerContext) => Controller;
