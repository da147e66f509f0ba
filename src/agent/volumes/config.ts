/**
 * What the pod workers ask before creating a container: its resolved environment and its volume
 * mounts (kubelet's generateRunContainerOptions). Failures become the container's waiting state
 * as kubelet reports them — CreateContainerConfigError with the env error's message, or
 * ContainerCreating while a volume cannot be mounted — plus kubelet's Warning events
 * (`Failed` "Error: …", `FailedMount`), and the pod is retried later.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { ContainerConfigError, resolveEnv } from '../env.js';
import type { ContainerConfig } from '../runtime.js';
import type { PodRuntimeInfo } from './downward.js';
import { VolumeSetupError, type VolumeManager } from './index.js';
import type { VolumeSources } from './sources.js';

/** Where a container is created: the pod's IP and its node. */
export interface ContainerContext {
  podIP?: string;
  hostIP: string;
  nodeName: string;
}

/** A configured container, or why it must wait (and when to try again). */
export type ConfigureResult = { config: ContainerConfig } | { waiting: { reason: string; message?: string }; retryMs: number };

/** The seam the pod workers call (absent = the runtime falls back to the spec). */
export interface ContainerConfigurer {
  configure(pod: Pod, container: Container, ctx: ContainerContext): Promise<ConfigureResult>;
  /** the pod's containers are gone: unmount and remove its volumes */
  release(podUid: string): Promise<void>;
}

/** Options of the configurer. */
export interface ConfigurerOptions {
  sources: VolumeSources;
  /** absent: volumes are not materialised (simulated runtime) and mounts are not passed */
  volumes?: VolumeManager;
  /** Warning events about the pod */
  event?: (pod: Pod, reason: string, message: string) => void;
  /** how soon a waiting container is retried (default 2 s) */
  retryMs?: number;
}

/** True when some env var or downwardAPI item needs the node's allocatable (resourceFieldRef). */
function needsAllocatable(pod: Pod): boolean {
  return JSON.stringify(pod.spec ?? {}).includes('"resourceFieldRef"');
}

/** The agent's configurer over the API sources and the volume manager. */
export class AgentContainerConfigurer implements ContainerConfigurer {
  constructor(private readonly opts: ConfigurerOptions) {}

  async configure(pod: Pod, container: Container, ctx: ContainerContext): Promise<ConfigureResult> {
    const retryMs = this.opts.retryMs ?? 2000;
    const info: PodRuntimeInfo = { podIP: ctx.podIP, hostIP: ctx.hostIP, nodeAllocatable: needsAllocatable(pod) ? await this.opts.sources.nodeAllocatable(ctx.nodeName) : {} };
    try {
      // kubelet mounts volumes (WaitForAttachAndMount) before it builds the run options.
      const vols = this.opts.volumes ? await this.opts.volumes.setUp(pod, info) : undefined;
      const env = await resolveEnv(pod, container, info, this.opts.sources, { invalidNames: (m) => this.opts.event?.(pod, 'InvalidEnvironmentVariableNames', m) });
      const config: ContainerConfig = { env };
      if (vols && this.opts.volumes) config.mounts = this.opts.volumes.mountsFor(container, vols, env);
      return { config };
    } catch (e) {
      if (e instanceof ContainerConfigError) {
        this.opts.event?.(pod, 'Failed', `Error: ${e.message}`);
        return { waiting: { reason: e.reason, message: e.message }, retryMs };
      }
      if (e instanceof VolumeSetupError) {
        this.opts.event?.(pod, 'FailedMount', e.message);
        return { waiting: { reason: 'ContainerCreating' }, retryMs };
      }
      throw e;
    }
  }

  release(podUid: string): Promise<void> {
    this.opts.volumes?.tearDown(podUid);
    return Promise.resolve();
  }
}
