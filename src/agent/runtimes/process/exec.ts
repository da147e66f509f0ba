/**
 * Exec into a running process container (CRI Exec): the command joins the container's cgroups
 * (so its usage counts against the container's limits) and enters all of the init process's
 * namespaces with nsenter, keeping the init's working directory and the container's environment.
 * Unlike the container itself, an exec session's stdio are pipes to the agent: it ends with its
 * client anyway. A TTY is provided by util-linux `script`, which merges stderr into stdout.
 */
import { spawn } from 'node:child_process';
import type { ExecRequest, ExecSession } from '../../runtime.js';
import { which } from './host.js';
import type { HostTools, LaunchSpec } from './launch.js';

/** What one exec needs. */
export interface ExecTarget {
  req: ExecRequest;
  spec: LaunchSpec;
  tools: HostTools;
  /** host PID of the container's init (isolated containers) */
  initPid: number | undefined;
}

const joinScript = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 126; shift; done; shift; exec "$@"';

/** Rebuilds the exec command from KL_ARGC/KL_ARGn (removed again) and runs it: the only -c string script gets. */
const ttyScript = 'n=$KL_ARGC; i=0; set --; while [ "$i" -lt "$n" ]; do eval "set -- \\"\\$@\\" \\"\\${KL_ARG$i}\\""; unset "KL_ARG$i"; i=$((i+1)); done; unset KL_ARGC n i; exec "$@"';

/** Starts the exec and returns its streams. */
export function startExec(t: ExecTarget): ExecSession {
  let cmd = t.req.command;
  let argvEnv: Record<string, string> = {};
  if (cmd.length === 0) throw new Error('exec: no command given');
  if (t.req.tty) {
    const script = which('script');
    if (!script) throw new Error('exec with a TTY needs util-linux script (Debian package bsdutils)');
    // script runs its -c string with $SHELL -c. That string is fixed: the command travels in the
    // environment (KL_ARGC, KL_ARG0…) and is rebuilt into "$@" by reference, so no word of it is
    // ever parsed by a shell.
    argvEnv = Object.fromEntries([['KL_ARGC', String(cmd.length)], ...cmd.map((w, i) => [`KL_ARG${i}`, w])]) as Record<string, string>;
    cmd = [script, '-q', '-e', '-f', '-c', ttyScript, '/dev/null'];
  }
  const inNs = t.initPid !== undefined ? [t.tools.nsenter, '-t', String(t.initPid), '-m', '-u', '-i', '-n', '-p', '--wd', '--', ...cmd] : cmd;
  const env = { ...t.spec.env, ...(t.req.tty ? { TERM: t.spec.env.TERM ?? 'xterm', SHELL: '/bin/sh', ...argvEnv } : {}) };
  const child = spawn(t.tools.sh, ['-c', joinScript, 'kl-exec', ...t.spec.procsFiles, '--', ...inNs], {
    stdio: [t.req.stdin ? 'pipe' : 'ignore', 'pipe', t.req.tty ? 'ignore' : 'pipe'],
    env,
    cwd: t.initPid === undefined ? (t.spec.workingDir ?? '/') : '/',
  });
  const exited = new Promise<number>((resolve) => {
    child.once('error', () => resolve(126));
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + signalNumber(signal) : 1)));
  });
  const stdout = child.stdout;
  if (!stdout) throw new Error('exec: no stdout pipe');
  const s: ExecSession = {
    stdout,
    exited,
    kill: () => {
      child.kill('SIGKILL');
    },
  };
  if (child.stderr) s.stderr = child.stderr;
  if (child.stdin) s.stdin = child.stdin;
  return s;
}

function signalNumber(sig: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 };
  return table[sig] ?? 0;
}
