/**
 * Starts the controllers this package holds against one client: the garbage collector and the
 * namespace controller (each with informers of its own, over discovered resources), and every
 * controller of `sharedControllers`, which read shared informers. `kubeling up` and `kubeling
 * server` call this once the API server is serving.
 */
import type { RestClient } from '../client/rest.js';
import { realClock, type Clock } from '../client/workqueue.js';
import { SharedInformerFactory } from '../client/factory.js';
import { EventRecorder } from '../client/events.js';
import { RestEventSink } from '../client/event-sink.js';
import type { Controller, ControllerConstructor, ControllerContext } from './common/controller.js';
import { nodeLifecycleController, nodeLifecycleControllerWith, type NodeLifecycleOptions } from './nodelifecycle/index.js';
import { horizontalPodAutoscalerControllerWith, type HPAOptions } from './podautoscaler/index.js';
import { replicaSetController } from './replicaset/index.js';
import { deploymentController } from './deployment/index.js';
import { disruptionController } from './disruption/index.js';
import { endpointController } from './endpoint/index.js';
import { endpointSliceController } from './endpointslice/index.js';
import { serviceAccountController } from './serviceaccount/index.js';
import { rootCACertPublisherController } from './rootcacertpublisher/index.js';
import { podGCController } from './podgc/index.js';
import { daemonSetController } from './daemonset/index.js';
import { statefulSetController } from './statefulset/index.js';
import { jobController } from './job/index.js';
import { cronJobController } from './cronjob/index.js';
import { resourceQuotaController } from './resourcequota/index.js';
import { startGarbageCollector } from './garbagecollector/controller.js';
import { startNamespaceController } from './namespace/controller.js';
import { clusterRoleAggregationController } from './clusterroleaggregation/index.js';
import { certificateControllers } from './certificates/index.js';
import { tokenCleanerController } from './bootstrap/index.js';
import { tokensControllerWith, type LegacyTokenSigner } from './serviceaccount-tokens/index.js';
import type { Log } from './common/worker.js';

/** Options of startControllers. */
export interface ControllerOptions {
  client: RestClient;
  log?: Log;
  now?: () => Date;
  clock?: Clock;
  /** node lifecycle flags (e.g. --node-monitor-grace-period); absent = upstream defaults */
  nodeLifecycle?: NodeLifecycleOptions;
  /** HPA flags (--horizontal-pod-autoscaler-sync-period, -downscale-stabilization) */
  hpa?: HPAOptions;
  /** signs legacy ServiceAccount token Secrets (the API server's serviceAccountTokens.legacy); without it those Secrets stay unfilled */
  serviceAccountTokenSigner?: LegacyTokenSigner;
  /** the cluster CA key pair: with it the CSR signer issues certificates (kubeadm's --cluster-signing-cert/key-file) */
  ca?: { certPem: string; keyPem: string };
}

/** Running controllers; stop() ends them (workers first, then informers). */
export interface RunningControllers {
  stop(): Promise<void>;
}

/** Controllers built on shared informers, in start order. */
export const sharedControllers: ControllerConstructor[] = [
  replicaSetController,
  deploymentController,
  nodeLifecycleController,
  disruptionController,
  endpointController,
  endpointSliceController,
  serviceAccountController,
  rootCACertPublisherController,
  podGCController,
  daemonSetController,
  statefulSetController,
  jobController,
  cronJobController,
  resourceQuotaController,
  clusterRoleAggregationController,
];

/** Starts every controller; resolves once all have synced and their workers run. */
export async function startControllers(opts: ControllerOptions): Promise<RunningControllers> {
  const clock = opts.clock ?? realClock;
  const now = opts.now ?? (() => new Date());
  const informers = new SharedInformerFactory({ client: opts.client, clock, log: opts.log });
  const sink = new RestEventSink(opts.client);
  const ctx: ControllerContext = {
    client: opts.client,
    informers,
    clock,
    now,
    log: opts.log,
    recorder: (component) => new EventRecorder(sink, { component, now, log: opts.log }),
  };
  // The shared list stays as it is; only the node lifecycle entry is rebuilt with the given flags.
  const nodeLifecycle = opts.nodeLifecycle ? nodeLifecycleControllerWith(opts.nodeLifecycle) : undefined;
  const controllers: Controller[] = sharedControllers.map((make) => (nodeLifecycle && make === nodeLifecycleController ? nodeLifecycle(ctx) : make(ctx)));
  // The HPA takes its flags, so it is built here rather than listed in sharedControllers.
  controllers.push(horizontalPodAutoscalerControllerWith(opts.hpa ?? {})(ctx));
  // The legacy tokens controller needs the signing key, so it runs only where one is given.
  if (opts.serviceAccountTokenSigner) controllers.push(tokensControllerWith({ sign: opts.serviceAccountTokenSigner })(ctx));
  // csrsigning (only with the CA key), csrapproving, csrcleaner and the bootstrap token cleaner.
  for (const make of [...certificateControllers({ ca: opts.ca }), tokenCleanerController]) controllers.push(make(ctx));
  informers.start();
  const [gc, ns] = await Promise.all([
    startGarbageCollector({ client: opts.client, clock, log: opts.log, informers }),
    startNamespaceController({ client: opts.client, clock, now: opts.now, log: opts.log }),
    informers.waitForSync(),
  ]);
  for (const c of controllers) c.start();
  return {
    async stop() {
      await Promise.all([gc.stop(), ns.stop(), ...controllers.map((c) => c.stop())]);
      await informers.stop();
    },
  };
}
