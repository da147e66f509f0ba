/**
 * How a container process is started. A fixed outer `sh` script (the "shim") joins the
 * container's cgroups by writing its own PID into each cgroup.procs BEFORE anything else runs
 * (so the workload never runs outside its limits), runs the rest of its argv in the foreground
 * and records the exit status in a file; a fixed inner script, running as PID 1 of the new PID
 * namespace, sets the hostname, bind-mounts volumes and the pod's /etc/hosts, changes directory
 * and execs the workload (so the workload is PID 1, as in a container). Every value reaches the
 * scripts as a positional argument — nothing from the pod is ever parsed by a shell.
 */
import { closeSync, openSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';

/** A bind mount into the container's mount namespace. */
export interface MountSpec {
  hostPath: string;
  containerPath: string;
  readOnly?: boolean;
}

/** Everything needed to start one container process. */
export interface LaunchSpec {
  argv: string[];
  env: Record<string, string>;
  workingDir?: string;
  /** set the UTS hostname (isolated pods) */
  hostname?: string;
  mounts: MountSpec[];
  /** netns path to enter; absent = host network */
  netns?: string;
  /** cgroup.procs files to join; empty = no cgroups */
  procsFiles: string[];
  /** namespaces (root); false = plain child process */
  isolate: boolean;
}

/** Absolute paths of the host tools the scripts use (the container's PATH may differ). */
export interface HostTools {
  sh: string;
  nsenter: string;
  unshare: string;
  mount: string;
  mkdir: string;
  hostname: string;
}

/** Where a started container writes. */
export interface LaunchFiles {
  stdout: string;
  stderr: string;
  exit: string;
}

// The shim. A no-op TERM/INT/HUP handler keeps it alive when its process group is signalled
// (handlers, unlike ignored signals, are reset on exec, so the workload keeps default dispositions);
// POSIX defers the trap until the foreground command ends and preserves $? across it.
const outerScript = [
  'trap true TERM INT HUP',
  'e=$1; shift',
  'while [ "$1" != -- ]; do echo $$ > "$1" || { echo 126 > "$e"; exit 126; }; shift; done',
  'shift',
  '"$@"',
  'echo $? > "$e"',
].join('\n');

// PID 1 of the container: hostname, mounts, working dir, then exec the workload.
const innerScript = [
  'h=$1 wd=$2 mnt=$3 mkd=$4 hn=$5; shift 5',
  'if [ -n "$h" ]; then "$hn" "$h" || exit 126; fi',
  'while [ "$1" != -- ]; do',
  '  if [ -d "$1" ]; then "$mkd" -p "$2" || exit 126',
  '  elif [ ! -e "$2" ]; then d=${2%/*}; "$mkd" -p "${d:-/}" && : > "$2" || exit 126; fi',
  '  "$mnt" --bind "$1" "$2" || exit 126',
  '  if [ "$3" = ro ]; then "$mnt" -o remount,bind,ro "$2" || exit 126; fi',
  '  shift 3',
  'done',
  'shift',
  'if [ -n "$wd" ]; then cd "$wd" || exit 126; fi',
  'exec "$@"',
].join('\n');

/** The full argv of the shim for a spec (exported for tests and diagnostics). */
export function launchArgv(spec: LaunchSpec, tools: HostTools, files: LaunchFiles): string[] {
  const mounts = spec.isolate ? spec.mounts.flatMap((m) => [m.hostPath, m.containerPath, m.readOnly ? 'ro' : 'rw']) : [];
  const inner = [tools.sh, '-c', innerScript, 'kl-init', spec.isolate && spec.netns ? (spec.hostname ?? '') : '', spec.workingDir ?? '', tools.mount, tools.mkdir, tools.hostname, ...mounts, '--', ...spec.argv];
  let chain = inner;
  if (spec.isolate) {
    // New PID (with its own /proc), mount, UTS and IPC namespaces; --kill-child ties the
    // workload's life to unshare's. The UTS namespace is skipped on the host network, where
    // a pod has the node's hostname.
    const ns = ['--pid', '--fork', '--kill-child', '--mount-proc', '--ipc', ...(spec.netns ? ['--uts'] : [])];
    chain = [tools.unshare, ...ns, ...inner];
    if (spec.netns) chain = [tools.nsenter, `--net=${spec.netns}`, ...chain];
  }
  return ['-c', outerScript, 'kl-shim', files.exit, ...spec.procsFiles, '--', ...chain];
}

/**
 * Starts the shim detached (own session, unref'd) with stdout/stderr going to files opened in
 * append mode, so the container outlives the agent and the agent may truncate consumed output.
 */
export function launch(spec: LaunchSpec, tools: HostTools, files: LaunchFiles): ChildProcess {
  const out = openSync(files.stdout, 'a');
  const err = openSync(files.stderr, 'a');
  try {
    const child = spawn(tools.sh, launchArgv(spec, tools, files), { detached: true, stdio: ['ignore', out, err], env: spec.env, cwd: '/' });
    child.unref();
    return child;
  } finally {
    closeSync(out);
    closeSync(err);
  }
}
