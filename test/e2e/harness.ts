/**
 * e2e helpers: start the real `kubeling up` (built code) on a random port with a temp data dir,
 * and run the real, versioned kubectl binaries against it. No shell: arguments are passed as
 * arrays.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
/** repo root (works from dist/test/e2e and from test/e2e under tsx) */
export const repoRoot = resolve(here, here.includes(`${join('dist', 'test')}`) ? '../../..' : '../..');
export const mainJs = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
/**
 * The argv prefix that runs the kubeling command: the built code, or the sources through tsx when
 * KUBELING_E2E_TSX is set (lets one e2e file run against work in progress without a full build).
 */
export const kubelingCmd: string[] = process.env.KUBELING_E2E_TSX ? ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts')] : [mainJs];

export const KUBECTL = {
  latest: '/usr/lib/google-cloud-sdk/bin/kubectl.1.33',
  oldest: '/usr/lib/google-cloud-sdk/bin/kubectl.1.27',
} as const;

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Cluster {
  dataDir: string;
  port: number;
  server: string;
  kubeconfig: string;
  home: string;
  proc: ChildProcess;
  output: () => string;
  kubectl(args: string[], opts?: { input?: string; binary?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<KubectlResult>;
  /** kubectl that must succeed; returns stdout */
  k(args: string[], opts?: { input?: string; binary?: string; env?: Record<string, string> }): Promise<string>;
  stop(opts?: { keepData?: boolean; signal?: NodeJS.Signals }): Promise<number | null>;
}

export interface StartOptions {
  dataDir?: string;
  extraArgs?: string[];
  /** run the local node agent (process runtime); off by default so tests choose their nodes */
  localNode?: boolean;
}

/**
 * Test files run in parallel and their local nodes share the machine's `kubeling0` bridge, so each
 * cluster gets its own /24, derived from its data dir so that a restart on the same dir keeps it.
 */
export function podCidrFor(dataDir: string): string {
  const h = createHash('sha256').update(dataDir).digest();
  return `10.244.${16 + (h.readUInt16BE(0) % 224)}.0/24`;
}

/** Starts `kubeling up --port 0 --no-kubeconfig` (and `--no-local-node` unless asked) and waits until it is up. */
export async function startCluster(opts: StartOptions = {}): Promise<Cluster> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kubeling-e2e-'));
  const home = mkdtempSync(join(tmpdir(), 'kubeling-home-'));
  mkdirSync(join(home, '.kube'), { recursive: true });
  const proc = spawn(process.execPath, [...kubelingCmd, 'up', '--data-dir', dataDir, '--port', '0', '--no-kubeconfig', '--bind-address', '127.0.0.1', ...(opts.localNode ? ['--pod-cidr', podCidrFor(dataDir)] : ['--no-local-node']), ...(opts.extraArgs ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: home },
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((resolveP, reject) => {
    const timer = setTimeout(() => reject(new Error(`kubeling up did not start in 30 s:\n${out}`)), 30_000);
    const check = () => {
      const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveP(Number(m[1]));
      }
    };
    proc.stdout.on('data', check);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubeling up exited with ${code}:\n${out}`));
    });
  });
  const kubeconfig = join(dataDir, 'admin.kubeconfig');
  // Wait for the kubeconfig step line (written after the listen line).
  await waitFor(() => /Kubeling is up/.test(out), 10_000, 'kubeling up to finish');
  const kubectl: Cluster['kubectl'] = (args, o = {}) =>
    new Promise((res) => {
      const child = execFile(
        o.binary ?? KUBECTL.latest,
        args,
        { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: kubeconfig, ...(o.env ?? {}) }, timeout: o.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
          res({ code, stdout, stderr });
        },
      );
      if (o.input !== undefined) child.stdin!.end(o.input);
      else child.stdin!.end();
    });
  const cluster: Cluster = {
    dataDir,
    port,
    server: `https://127.0.0.1:${port}`,
    kubeconfig,
    home,
    proc,
    output: () => out,
    kubectl,
    async k(args, o) {
      const r = await kubectl(args, o);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    async stop(o = {}) {
      const exited = new Promise<number | null>((r) => {
        if (proc.exitCode !== null) r(proc.exitCode);
        else proc.once('exit', (c) => r(c));
      });
      proc.kill(o.signal ?? 'SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(t);
      if (!o.keepData) rmSync(dataDir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
      return code;
    },
  };
  return cluster;
}

/** Polls a predicate until it holds or the deadline passes. */
export async function waitFor(pred: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
