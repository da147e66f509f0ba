/**
 * The runtime's persisted state, one JSON file per sandbox and per container under the state
 * dir, so a new runtime instance (a restarted agent) re-adopts what is still running instead of
 * restarting it (kubelet + containerd live-restore).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerInfo, SandboxInfo } from '../../runtime.js';
import type { LaunchSpec } from './launch.js';

/** A persisted sandbox. */
export interface SandboxRecord {
  info: SandboxInfo;
  namespace: string;
  podName: string;
  /** netns name; absent on the host network or without root */
  netns?: string;
  veth?: string;
  hostsFile?: string;
  /** the pod's log directory */
  logDir: string;
  /** per-pod data (emptyDir volumes) */
  dataDir: string;
}

/** A persisted container. */
export interface ContainerRecord {
  info: ContainerInfo;
  podUid: string;
  /** the container's state directory (raw output, exit file, offsets) */
  dir: string;
  logPath: string;
  /** cgroup relative path, when cgroups are used */
  cgroup?: string;
  spec?: LaunchSpec;
  shimPid?: number;
  /** the runtime SIGKILLed it (the reported exit code is then 137) */
  killed?: boolean;
}

/** Reads and writes records atomically (write to a temp file, then rename). */
export class StateStore {
  readonly sandboxDir: string;
  readonly containerDir: string;

  constructor(readonly root: string) {
    this.sandboxDir = join(root, 'sandboxes');
    this.containerDir = join(root, 'containers');
    mkdirSync(this.sandboxDir, { recursive: true });
    mkdirSync(this.containerDir, { recursive: true });
  }

  /** Saves a sandbox record. */
  saveSandbox(r: SandboxRecord): void {
    atomicWrite(join(this.sandboxDir, `${r.info.id}.json`), r);
  }

  /** Forgets a sandbox. */
  deleteSandbox(id: string): void {
    try {
      renameSync(join(this.sandboxDir, `${id}.json`), join(this.sandboxDir, `${id}.removed`));
    } catch {
      /* already gone */
    }
  }

  /** Saves a container record into its directory. */
  saveContainer(r: ContainerRecord): void {
    try {
      atomicWrite(join(r.dir, 'state.json'), r);
    } catch (e) {
      // The container was removed (its directory with it) while its exit was still being recorded.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(r.dir)) return;
      throw e;
    }
  }

  /** All persisted sandboxes. */
  loadSandboxes(): SandboxRecord[] {
    return readdirSync(this.sandboxDir)
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => readJson<SandboxRecord>(join(this.sandboxDir, f)) ?? []);
  }

  /** All persisted containers. */
  loadContainers(): ContainerRecord[] {
    return readdirSync(this.containerDir).flatMap((d) => readJson<ContainerRecord>(join(this.containerDir, d, 'state.json')) ?? []);
  }
}

function atomicWrite(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(value));
  renameSync(`${path}.tmp`, path);
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
