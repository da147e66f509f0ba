/**
 * How the agent puts env and volumes together: the API sources, the volume manager (process
 * runtime only: the simulated runtime has no files to mount, so only env is resolved, which still
 * surfaces CreateContainerConfigError) and the configurer the pod workers call, with Warning
 * events recorded as kubelet's.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { RestEventSink } from '../../client/event-sink.js';
import { EventRecorder } from '../../client/events.js';
import type { RestClient } from '../../client/rest.js';
import type { Clock } from '../../client/workqueue.js';
import { AgentContainerConfigurer, type ContainerConfigurer } from './config.js';
import { VolumeManager } from './index.js';
import { LocalPathProvisioner } from './local-path.js';
import { ApiVolumeSources } from './sources.js';

/** Options of the agent's volume support. */
export interface AgentVolumesOptions {
  client: RestClient;
  clock: Clock;
  /** the node this agent reports as (event source host) */
  nodeName: string;
  /** where volumes are materialised; absent = env only (simulated runtime) */
  stateDir?: string;
  /** configMap/secret/downwardAPI/projected re-sync period (default 60 s) */
  syncPeriodMs?: number;
  /** run the local-path provisioner with volumes under this dir (`<dir>/<pvc-uid>`) */
  localPathDir?: string;
  /** the provisioner's client, when it runs under an identity of its own (default `client`) */
  provisionerClient?: RestClient;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** the pods the agent runs (for re-syncs after a restart and of edited pods) */
  pods?: () => Pod[];
}

/** The pieces the agent wires in. */
export interface AgentVolumes {
  configurer: ContainerConfigurer;
  volumes?: VolumeManager;
  provisioner?: LocalPathProvisioner;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Builds the configurer (and, with a state dir, the volume manager and its periodic re-sync). */
export function agentVolumes(o: AgentVolumesOptions): AgentVolumes {
  const sources = new ApiVolumeSources(o.client, { clock: o.clock, log: o.log });
  const recorder = new EventRecorder(new RestEventSink(o.client), { component: 'kubelet', host: o.nodeName, now: () => new Date(o.clock.now()), log: o.log });
  const warn = (pod: Pod, reason: string, message: string) => recorder.event({ apiVersion: 'v1', kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid }, 'Warning', reason, message);
  const volumes = o.stateDir ? new VolumeManager({ stateDir: o.stateDir, sources, clock: o.clock, syncPeriodMs: o.syncPeriodMs, warn, log: o.log, pods: o.pods }) : undefined;
  const provisioner = o.localPathDir ? new LocalPathProvisioner({ client: o.provisionerClient ?? o.client, dir: o.localPathDir, nodeName: o.nodeName, log: o.log }) : undefined;
  const configurer = new AgentContainerConfigurer({ sources, volumes, event: warn });
  return {
    configurer,
    volumes,
    provisioner,
    async start() {
      volumes?.start();
      await provisioner?.start();
    },
    async close() {
      volumes?.stop();
      await provisioner?.stop();
      await sources.close();
    },
  };
}
