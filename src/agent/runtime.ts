/**
 * The agent's container runtime seam, shaped after the CRI (RunPodSandbox, CreateContainer,
 * StartContainer, StopContainer, RemoveContainer, ContainerStatus, ContainerStats): the pod
 * workers drive every runtime (simulated, process, ...) through these calls only.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Duplex, Readable, Writable } from 'node:stream';

/** A pod sandbox: the pod-level environment (network identity) its containers share. */
export interface SandboxInfo {
  id: string;
  podUid: string;
  podIP: string;
  createdAt: number;
}

/** The CRI container states. */
export type ContainerRunState = 'created' | 'running' | 'exited';

/** What the runtime knows about one container instance. */
export interface ContainerInfo {
  /** `<runtime>://<id>`, as kubelet reports containerID */
  id: string;
  sandboxId: string;
  name: string;
  image: string;
  imageID: string;
  state: ContainerRunState;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  /** CRI reason of an exit (Completed, Error, OOMKilled) */
  reason?: string;
  message?: string;
  /** the runtime's own readiness verdict (the simulated runtime decides it; real ones leave it to probes) */
  ready: boolean;
}

/** Resource usage of one container, as the summary API reports it. */
export interface ContainerStats {
  /** CPU in nanocores */
  cpuNanoCores: number;
  memoryWorkingSetBytes: number;
}

/** An exec into a running container (CRI ExecSync/Exec): the command and which streams it gets. */
export interface ExecRequest {
  command: string[];
  stdin: boolean;
  /** a TTY merges stderr into stdout, as with `kubectl exec -t` */
  tty: boolean;
}

/** A started exec: its streams, and its exit code once it ends. */
export interface ExecSession {
  stdout: Readable;
  /** absent with a TTY */
  stderr?: Readable;
  /** present when stdin was requested */
  stdin?: Writable;
  /** terminal resize (TTY only) */
  resize?(width: number, height: number): void;
  /** resolves with the exit code */
  exited: Promise<number>;
  /** ends the command (the client went away) */
  kill(): void;
}

/** A bind mount the agent materialised for a container (configMap/secret/emptyDir/hostPath...). */
export interface ContainerMount {
  hostPath: string;
  containerPath: string;
  readOnly?: boolean;
}

/** What the agent resolved for a container beyond its spec (optional: runtimes fall back to the spec). */
export interface ContainerConfig {
  /** volume mounts; when absent a runtime derives emptyDir/hostPath mounts from the pod spec */
  mounts?: ContainerMount[];
  /** the resolved environment (env + envFrom + valueFrom); when absent the spec's literal `env` values */
  env?: { name: string; value: string }[];
}

/** What a runtime can do on this host (e.g. the process runtime without root runs unisolated). */
export interface RuntimeCapabilities {
  /** containers get their own namespaces and cgroups */
  isolation: boolean;
  /** pods get their own network namespace and IP */
  podNetwork: boolean;
  /** why something is missing, for a Node condition or event */
  message?: string;
}

/** A container runtime. Calls are async because real runtimes do I/O. */
export interface Runtime {
  /** runtime name, e.g. `simulated`; also the containerID scheme */
  readonly name: string;
  /** version shown in nodeInfo.containerRuntimeVersion (`<name>://<version>`) */
  readonly version: string;
  /** Creates the pod's sandbox; `podIP` is the address the agent allocated for it. */
  createSandbox(pod: Pod, podIP: string): Promise<SandboxInfo>;
  /** Stops every container of the sandbox and releases it. Removing an unknown sandbox is not an error. */
  removeSandbox(sandboxId: string): Promise<void>;
  /** Creates (does not start) a container of `pod` in the sandbox. */
  createContainer(sandboxId: string, pod: Pod, container: Container, config?: ContainerConfig): Promise<ContainerInfo>;
  /** Starts a created container. */
  startContainer(containerId: string): Promise<void>;
  /** Stops a container, waiting at most `graceSeconds` before killing it. */
  stopContainer(containerId: string, graceSeconds: number): Promise<void>;
  /** Removes a stopped container. Removing an unknown container is not an error. */
  removeContainer(containerId: string): Promise<void>;
  /** Current status of a container, or undefined when unknown. */
  containerStatus(containerId: string): ContainerInfo | undefined;
  /** Path of the container's CRI-format log file, if the runtime keeps one. */
  logPath(containerId: string): string | undefined;
  /**
   * The container's CRI-format log lines kept in memory, for runtimes without log files
   * (optional; the streaming server prefers `logPath`).
   */
  logs?(containerId: string): string[];
  /** Runs a command inside a running container (optional: a runtime without it cannot exec). */
  exec?(containerId: string, req: ExecRequest): Promise<ExecSession>;
  /**
   * Attaches to a running container's stdio (`kubectl attach`, `run -it`; optional: without it
   * the streaming server follows the container's log and cannot deliver stdin).
   */
  attach?(containerId: string, req: { stdin: boolean; tty: boolean }): Promise<ExecSession>;
  /**
   * Connects to `port` in the sandbox's network namespace (`kubectl port-forward`; optional).
   * Rejects with the reason kubectl is shown, e.g. a refused connection.
   */
  portForward?(sandboxId: string, port: number): Promise<Duplex>;
  /** Resource usage of a running container. */
  stats(containerId: string): ContainerStats | undefined;
  /** Subscribes to container state changes (start, exit, readiness); returns an unsubscribe. */
  onChange(listener: (podUid: string) => void): () => void;
  /** What the runtime can do on this host (optional; absent = full support). */
  capabilities?(): RuntimeCapabilities;
  /** Stops timers; containers stay as they are. */
  close(): Promise<void>;
}
