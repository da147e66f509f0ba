/**
 * Two `kubeling server` processes on one etcd (the second with a copy of the first one's data
 * dir, hence the same CA and encryption key): both serve kubectl, they see the same objects, one
 * holds the kube-controller-manager Lease, and when it is SIGKILLed the other takes the Lease
 * over within the lease duration and runs the controllers.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBECTL, kubelingCmd, waitFor, type KubectlResult } from './harness.js';
import { startEtcd, type EtcdTestServer } from '../../src/storage/etcd/testserver.js';

const LEASE_SECONDS = 3;
const electionFlags = ['--leader-elect-lease-duration', String(LEASE_SECONDS), '--leader-elect-renew-deadline', '2', '--leader-elect-retry-period', '0.5'];

interface Server {
  dataDir: string;
  proc: ChildProcess;
  identity: string;
  output(): string;
  /** kubectl against this server; must succeed, returns stdout */
  k(args: string[]): Promise<string>;
  kubectl(args: string[]): Promise<KubectlResult>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns `kubeling server` (built code) and waits until it is up and has joined the election. */
async function startServer(dataDir: string, home: string, etcd: string): Promise<Server> {
  const proc = spawn(process.execPath, [...kubelingCmd, 'server', '--data-dir', dataDir, '--port', '0', '--bind-address', '127.0.0.1', '--store', `etcd://${etcd}`, ...electionFlags], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: home },
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  await waitFor(() => {
    if (proc.exitCode !== null) throw new Error(`kubeling server exited with ${proc.exitCode}:\n${out}`);
    return /Kubeling server is up/.test(out);
  }, 30_000, `kubeling server to start:\n${out}`);
  const identity = /leader election on Lease \S+ as (\S+)/.exec(out)?.[1];
  assert.ok(identity, `the server prints its election identity:\n${out}`);
  const kubeconfig = join(dataDir, 'admin.kubeconfig');
  const kubectl = (args: string[]) =>
    new Promise<KubectlResult>((res) => {
      execFile(KUBECTL.latest, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: kubeconfig }, timeout: 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        res({ code, stdout, stderr });
      });
    });
  return {
    dataDir,
    proc,
    identity,
    output: () => out,
    kubectl,
    async k(args) {
      const r = await kubectl(args);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill(signal);
        const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

describe('several API servers on one etcd', () => {
  let etcd: EtcdTestServer;
  const dirs: string[] = [];
  const servers: Server[] = [];
  const tmp = (prefix: string) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await etcd?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('serves from every server, elects one controller leader, and fails over when it dies', async () => {
    const home = tmp('kubeling-home-');
    mkdirSync(join(home, '.kube'), { recursive: true });
    const dir1 = tmp('kubeling-ha1-');
    const a = await startServer(dir1, home, etcd.endpoint);
    servers.push(a);
    await waitFor(() => /leading \(/.test(a.output()), 10_000, `the first server to lead:\n${a.output()}`);

    // The second server gets a copy of the first one's data dir: same CA, same encryption key.
    const dir2 = tmp('kubeling-ha2-');
    cpSync(dir1, dir2, { recursive: true, filter: (src) => !src.endsWith('kubeling.lock') });
    const b = await startServer(dir2, home, etcd.endpoint);
    servers.push(b);
    await waitFor(() => b.output().includes(`standing by: leader is ${a.identity}`), 10_000, `the second server to stand by:\n${b.output()}`);
    assert.doesNotMatch(b.output(), /leading \(/);

    for (const s of [a, b]) assert.match(await s.k(['get', 'ns']), /^kube-system\s+Active/m);
    await a.k(['create', 'configmap', 'shared', '--from-literal=k=v']);
    await a.k(['create', 'secret', 'generic', 'pw', '--from-literal=password=s3cret']);
    assert.equal(await b.k(['get', 'cm', 'shared', '-o', 'jsonpath={.data.k}']), 'v');
    assert.equal(await b.k(['get', 'secret', 'pw', '-o', 'jsonpath={.data.password}']), Buffer.from('s3cret').toString('base64'), 'the copied key decrypts Secrets written by the other server');

    const holder = (s: Server) => s.k(['get', 'lease', '-n', 'kube-system', 'kube-controller-manager', '-o', 'jsonpath={.spec.holderIdentity}']);
    assert.equal(await holder(a), a.identity);
    assert.equal(await holder(b), a.identity);
    const transitions = Number(await b.k(['get', 'lease', '-n', 'kube-system', 'kube-controller-manager', '-o', 'jsonpath={.spec.leaseTransitions}']));

    await a.stop('SIGKILL'); // no release: the standby must wait for the lease to expire
    const killedAt = Date.now();
    await waitFor(async () => (await holder(b)) === b.identity, (LEASE_SECONDS + 5) * 1000, `the second server to take the Lease:\n${b.output()}`);
    const tookMs = Date.now() - killedAt;
    assert.ok(tookMs < (LEASE_SECONDS + 3) * 1000, `took over in ${tookMs} ms`);
    assert.equal(Number(await b.k(['get', 'lease', '-n', 'kube-system', 'kube-controller-manager', '-o', 'jsonpath={.spec.leaseTransitions}'])), transitions + 1);
    await waitFor(() => /leading \(/.test(b.output()), 10_000, `the second server to start its controllers:\n${b.output()}`);

    // The namespace controller now runs in the new leader: a deleted namespace finishes terminating.
    await b.k(['create', 'namespace', 'after-failover']);
    await b.k(['delete', 'namespace', 'after-failover', '--timeout=30s']);
    assert.notEqual((await b.kubectl(['get', 'namespace', 'after-failover'])).code, 0);
  });
});
