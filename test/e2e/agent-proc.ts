/**
 * e2e helper: `kubeling agent` (the built code) as a separate process joining a cluster, so a
 * test can stop it cleanly or kill -9 it like a crashed node.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubelingCmd, waitFor } from './harness.js';

/** A running agent process. */
export interface AgentProcess {
  proc: ChildProcess;
  dataDir: string;
  output: () => string;
  /** sends the signal and resolves with the exit code (or the signal name) */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

/** Starts `kubeling agent --kubeconfig <kubeconfig> ...args` and waits until it reports running. */
export async function startAgentProcess(kubeconfig: string, args: string[]): Promise<AgentProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-agent-e2e-'));
  const proc = spawn(process.execPath, [...kubelingCmd, 'agent', '--kubeconfig', kubeconfig, '--data-dir', dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  const exit = new Promise<number | string | null>((r) => proc.once('exit', (code, sig) => ((exited = true), r(code ?? sig))));
  try {
    await waitFor(() => {
      if (exited) throw new Error(`kubeling agent exited:\n${out}`);
      return /Agent running/.test(out);
    }, 30_000, `the agent to start:\n${out}`);
  } catch (e) {
    proc.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    proc,
    dataDir,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (!exited) proc.kill(signal);
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const code = await exit;
      clearTimeout(t);
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
