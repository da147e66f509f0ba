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
import { shellQuote, type HostTools, type LaunchSpec } from './launch.js';

/** What one exec needs. */
export interface ExecTarget {
  req: ExecRequest;
  spec: LaunchSpec;
  tools: HostTools;
  /** host PID of the container's init (isolated containers) */
  initPid: number | undefined;
}

const joinScript = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 126; shift; done; shift; exec "$@"';

/** Starts the exec and returns its streams. */
export function startExec(t: ExecTarget): ExecSession {
  let cmd = t.req.command;
  if (cmd.length === 0) throw new Error('exec: no command given');
  if (t.req.tty) {
    const script = which('script');
    if (!script) throw new Error('exec with a TTY needs util-linux script (Debian package bsdutils)');
    // script runs its -c string with $SHELL -c; every word is single-quoted, so nothing expands.
    cmd = [script, '-q', '-e', '-f', '-c', cmd.map(shellQuote).join(' '), '/dev/null'];
  }
  const inNs = t.initPid !== undefined ? [t.tools.nsenter, '-t', String(t.initPid), '-m', '-u', '-i', '-n', '-p', '--wd', '--', ...cmd] : cmd;
  const env = { ...t.spec.env, ...(t.req.tty ? { TERM: t.spec.env.TERM ?? 'xterm', SHELL: '/bin/sh' } : {}) };
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
