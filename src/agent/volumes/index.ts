/**
 * The agent's volume manager (kubelet's volumemanager + the volume plugins, reduced): a pod's
 * volumes are materialised under `<stateDir>/pods/<uid>/volumes/<plugin>/<name>` with kubelet's
 * plugin directory names (kubernetes.io~configmap, ~secret, ~empty-dir, ~downward-api,
 * ~projected); hostPath and persistentVolumeClaim volumes resolve to host paths. ConfigMap,
 * Secret, downwardAPI and projected contents are re-synced every sync period (kubelet's 60 s
 * default) through the atomic writer, so running containers see updates.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Container, Pod, Volume } from 'kubernetes-types/core/v1.js';
import { realClock, type Clock } from '../../client/workqueue.js';
import { expandVars, type EnvVarValue } from '../env.js';
import type { ContainerMount } from '../runtime.js';
import { writePayload, type Payload } from './atomic-writer.js';
import { configMapPayload } from './configmap.js';
import { downwardApiPayload } from './downward-api.js';
import type { PodRuntimeInfo } from './downward.js';
import { setUpEmptyDir } from './empty-dir.js';
import { VolumeSetupError } from './errors.js';
import { setUpHostPath } from './host-path.js';
import { projectedPayload } from './projected.js';
import { resolveClaim } from './pvc.js';
import { secretPayload } from './secret.js';
import type { VolumeSources } from './sources.js';
import { canMount, mountTmpfs, unmountUnder } from './tmpfs.js';

export { VolumeSetupError } from './errors.js';

/** A set-up volume: where it is on the host and whether kubelet mounts it read-only. */
export interface MountedVolume {
  path: string;
  readOnly: boolean;
}

/** Options of the volume manager. */
export interface VolumeManagerOptions {
  /** the agent's state dir; volumes go under `pods/<uid>/volumes` */
  stateDir: string;
  sources: VolumeSources;
  clock?: Clock;
  /** how often keyed volumes are re-synced (default 60 s, kubelet's sync frequency) */
  syncPeriodMs?: number;
  /** mount tmpfs for memory-backed volumes (default: when root) */
  mountTmpfs?: boolean;
  /** a volume set up with something missing (e.g. a token source), as kubelet would report it */
  warn?: (pod: Pod, reason: string, message: string) => void;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /**
   * the pods the agent currently runs (the workers' cache): re-syncs use their latest objects
   * (downwardAPI labels/annotations follow edits) and pick up pods whose volumes a previous agent
   * set up (live-restore adopts running containers without configuring them again)
   */
  pods?: () => Pod[];
}

/** kubelet's plugin directory names. */
const pluginDir = {
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  emptyDir: 'kubernetes.io~empty-dir',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
} as const;

interface PodEntry {
  pod: Pod;
  info: PodRuntimeInfo;
}

/** Volumes whose contents come from the API and are re-synced. */
function isKeyed(v: Volume): boolean {
  return !!(v.configMap ?? v.secret ?? v.downwardAPI ?? v.projected);
}

/** Sets up, re-syncs and tears down pods' volumes. */
export class VolumeManager {
  private readonly clock: Clock;
  private readonly pods = new Map<string, PodEntry>();
  private readonly mount: boolean;
  private timer: unknown;
  private stopped = false;

  constructor(private readonly opts: VolumeManagerOptions) {
    this.clock = opts.clock ?? realClock;
    this.mount = opts.mountTmpfs ?? canMount();
  }

  /** `<stateDir>/pods/<uid>/volumes`. */
  volumesDir(podUid: string): string {
    return join(this.opts.stateDir, 'pods', podUid, 'volumes');
  }

  /** Sets up (or refreshes) every volume of the pod; throws VolumeSetupError for the first that fails. */
  async setUp(pod: Pod, info: PodRuntimeInfo): Promise<Map<string, MountedVolume>> {
    this.pods.set(pod.metadata?.uid ?? '', { pod, info });
    return this.setUpAll(pod, info);
  }

  private async setUpAll(pod: Pod, info: PodRuntimeInfo): Promise<Map<string, MountedVolume>> {
    const out = new Map<string, MountedVolume>();
    for (const v of pod.spec?.volumes ?? []) {
      try {
        out.set(v.name, await this.setUpVolume(pod, v, info));
      } catch (e) {
        if (e instanceof VolumeSetupError) throw e;
        throw new VolumeSetupError(v.name, e instanceof Error ? e.message : String(e));
      }
    }
    return out;
  }

  private async setUpVolume(pod: Pod, v: Volume, info: PodRuntimeInfo): Promise<MountedVolume> {
    const uid = pod.metadata?.uid ?? '';
    const ns = pod.metadata?.namespace ?? 'default';
    const dir = (plugin: string) => join(this.volumesDir(uid), plugin, v.name);
    const now = this.clock.now();
    if (v.emptyDir) {
      const d = dir(pluginDir.emptyDir);
      setUpEmptyDir(d, v.emptyDir, this.mount);
      return { path: d, readOnly: false };
    }
    if (v.hostPath) return { path: setUpHostPath(v.hostPath), readOnly: false };
    if (v.persistentVolumeClaim) return resolveClaim(ns, v.persistentVolumeClaim, this.opts.sources);
    let payload: Payload;
    let d: string;
    if (v.configMap) {
      const name = v.configMap.name ?? '';
      d = dir(pluginDir.configMap);
      payload = configMapPayload(name, await this.opts.sources.configMap(ns, name), v.configMap, v.configMap.defaultMode);
    } else if (v.secret) {
      const name = v.secret.secretName ?? '';
      d = this.memoryDir(dir(pluginDir.secret));
      payload = secretPayload(name, await this.opts.sources.secret(ns, name), v.secret, v.secret.defaultMode);
    } else if (v.downwardAPI) {
      d = dir(pluginDir.downwardAPI);
      payload = downwardApiPayload(pod, v.downwardAPI.items, v.downwardAPI.defaultMode, info);
    } else if (v.projected) {
      d = this.memoryDir(dir(pluginDir.projected));
      const r = await projectedPayload(pod, v.projected, info, this.opts.sources);
      for (const n of r.notes) this.opts.warn?.(pod, 'FailedMount', `MountVolume.SetUp incomplete for volume "${v.name}" : ${n}`);
      payload = r.payload;
    } else {
      throw new VolumeSetupError(v.name, 'no volume plugin matched (this agent supports emptyDir, hostPath, configMap, secret, downwardAPI, projected and persistentVolumeClaim)');
    }
    mkdirSync(d, { recursive: true });
    writePayload(d, payload, now);
    return { path: d, readOnly: true };
  }

  /** A directory on tmpfs when the agent may mount (secrets never touch the disk). */
  private memoryDir(d: string): string {
    mkdirSync(d, { recursive: true });
    if (this.mount) mountTmpfs(d);
    return d;
  }

  /**
   * The bind mounts of a container: mountPath, readOnly (the mount's or the volume's), subPath and
   * subPathExpr (expanded with the container's environment, as kubelet does); a missing subPath
   * is created as a directory.
   */
  mountsFor(container: Container, volumes: Map<string, MountedVolume>, env: EnvVarValue[] = []): ContainerMount[] {
    const vars = new Map(env.map((e) => [e.name, e.value]));
    const out: ContainerMount[] = [];
    for (const vm of container.volumeMounts ?? []) {
      const vol = volumes.get(vm.name);
      if (!vol) throw new VolumeSetupError(vm.name, `volume "${vm.name}" is not defined in the pod`);
      const sub = vm.subPathExpr ? expandVars(vm.subPathExpr, (n) => vars.get(n)) : (vm.subPath ?? '');
      if (sub.split('/').includes('..') || sub.startsWith('/')) throw new VolumeSetupError(vm.name, `invalid subpath ${JSON.stringify(sub)}`);
      const hostPath = sub ? join(vol.path, sub) : vol.path;
      if (sub && !existsSync(hostPath)) mkdirSync(hostPath, { recursive: true, mode: 0o755 });
      out.push({ hostPath, containerPath: vm.mountPath, readOnly: vm.readOnly === true || vol.readOnly });
    }
    return out;
  }

  /** Unmounts and removes a pod's volumes (its containers are gone). */
  tearDown(podUid: string): void {
    this.pods.delete(podUid);
    const d = this.volumesDir(podUid);
    if (!existsSync(d)) return;
    if (this.mount) unmountUnder(d);
    rmSync(d, { recursive: true, force: true });
  }

  /** Re-syncs the keyed volumes of every known pod now (what the periodic timer does). */
  async resync(): Promise<void> {
    const work = new Map<string, PodEntry>(this.pods);
    for (const pod of this.opts.pods?.() ?? []) {
      const uid = pod.metadata?.uid ?? '';
      if (pod.metadata?.deletionTimestamp || !(pod.spec?.volumes ?? []).some(isKeyed)) continue;
      const known = this.pods.get(uid);
      if (!known && !existsSync(this.volumesDir(uid))) continue; // never set up on this node
      const info = known?.info ?? { podIP: pod.status?.podIP, hostIP: pod.status?.hostIP ?? '', nodeAllocatable: {} };
      const entry = { pod, info };
      this.pods.set(uid, entry);
      work.set(uid, entry);
    }
    for (const [uid, e] of work) {
      if (this.pods.get(uid) !== e) continue; // torn down meanwhile
      try {
        await this.setUpAll(e.pod, e.info);
      } catch (err) {
        this.opts.log?.('volume resync failed', { pod: uid, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  /** Starts the periodic re-sync. */
  start(): void {
    const tick = () => {
      if (this.stopped) return;
      void this.resync()
        .catch(() => undefined)
        .finally(() => {
          if (!this.stopped) this.timer = this.clock.setTimeout(tick, this.opts.syncPeriodMs ?? 60_000);
        });
    };
    this.timer = this.clock.setTimeout(tick, this.opts.syncPeriodMs ?? 60_000);
  }

  /** Stops the periodic re-sync; volumes stay (containers outlive the agent). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
  }
}
