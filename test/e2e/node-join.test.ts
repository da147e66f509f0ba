/**
 * Joining a node with a bootstrap token (issue 7, kubelet TLS bootstrap): `kubeling token create`
 * writes the token Secret; `kubeling agent --server --token --ca-cert --simulated` gets its node
 * client certificate through an auto-approved CSR, registers Ready and keeps the credentials in
 * <data-dir>/kubelet.kubeconfig (CN system:node:<name>, O system:nodes); with them, changing
 * another node is forbidden (NodeRestriction). A deleted (revoked) or expired token is refused
 * with 401, while an already joined node restarts with its saved credentials.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { kubelingCmd, startCluster, waitFor, type Cluster } from './harness.js';

interface Joiner {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

describe('a node joins with a bootstrap token', () => {
  let c: Cluster;
  let agent: Joiner | undefined;
  const dirs: string[] = [];
  const dataDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'kubeling-join-e2e-'));
    dirs.push(d);
    return d;
  };
  const kubeling = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((res) => {
      execFile(process.execPath, [...kubelingCmd, ...args], { env: { ...process.env, HOME: c.home }, timeout: 30_000 }, (err, stdout, stderr) => {
        res({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
      });
    });
  const token = async (args: string[]): Promise<string> => {
    const r = await kubeling(['token', ...args, '--data-dir', c.dataDir]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  const join_ = (tok: string, dir: string, node: string): Joiner => {
    const proc = spawn(process.execPath, [...kubelingCmd, 'agent', '--server', c.server, '--token', tok, '--ca-cert', join(c.dataDir, 'pki', 'ca.crt'), '--simulated', '--node-name', node, '--data-dir', dir, '--bootstrap-timeout', '20'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    return { proc, output: () => out, exited };
  };
  const stopAgent = async (a: Joiner | undefined): Promise<void> => {
    if (!a || a.proc.exitCode !== null) return;
    a.proc.kill('SIGTERM');
    const t = setTimeout(() => a.proc.kill('SIGKILL'), 10_000);
    await a.exited;
    clearTimeout(t);
  };
  let joinedDir = '';
  let tok = '';

  before(async () => {
    c = await startCluster({ extraArgs: ['--simulated-nodes', '1'] });
  });
  after(async () => {
    await stopAgent(agent);
    await c?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('kubeling token create prints a token and list shows it', async () => {
    tok = (await token(['create', '--ttl', '1h', '--description', 'e2e join'])).trim();
    assert.match(tok, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const list = await token(['list']);
    assert.match(list, /^TOKEN\s+TTL\s+EXPIRES\s+USAGES\s+DESCRIPTION\s+EXTRA GROUPS$/m);
    assert.match(list, new RegExp(`^${tok.replace('.', '\\.')}\\s+(59m|1h)\\s+\\S+Z\\s+authentication,signing\\s+e2e join\\s+system:bootstrappers:kubeadm:default-node-token$`, 'm'));
    const secret = JSON.parse(await c.k(['-n', 'kube-system', 'get', 'secret', `bootstrap-token-${tok.slice(0, 6)}`, '-o', 'json'])) as { type: string };
    assert.equal(secret.type, 'bootstrap.kubernetes.io/token');
  });

  it('a simulated agent joins with the token and its Node becomes Ready', async () => {
    joinedDir = dataDir();
    agent = join_(tok, joinedDir, 'joiner');
    await waitFor(() => {
      if (agent!.proc.exitCode !== null) throw new Error(`agent exited:\n${agent!.output()}`);
      return /Agent running/.test(agent!.output());
    }, 40_000, 'the joining agent to start');
    await waitFor(async () => /^joiner\s+Ready\s/m.test(await c.k(['get', 'nodes', '--no-headers'])), 15_000, 'node joiner Ready');
    // Its streaming server got a kubelet-serving certificate through a CSR Kubeling auto-approves for the node's own name.
    assert.match(agent.output(), /streaming server on/);
    assert.match(await c.k(['get', 'csr']), /node-serving-csr-\S+\s+\S+\s+kubernetes\.io\/kubelet-serving\s+system:node:joiner\s+<none>\s+Approved,Issued/);
    assert.match(await c.k(['get', 'csr']), new RegExp(`node-csr-\\S+\\s+\\S+\\s+kubernetes\\.io/kube-apiserver-client-kubelet\\s+system:bootstrap:${tok.slice(0, 6)}\\s+<none>\\s+Approved,Issued`));
  });

  it('its kubeconfig holds a certificate for system:node:joiner in system:nodes', () => {
    const kc = parse(readFileSync(join(joinedDir, 'kubelet.kubeconfig'), 'utf8')) as { users: { user: { 'client-certificate-data': string } }[] };
    const cert = new X509Certificate(Buffer.from(kc.users[0]!.user['client-certificate-data'], 'base64'));
    assert.match(cert.subject, /CN=system:node:joiner/);
    assert.match(cert.subject, /O=system:nodes/);
    assert.ok(cert.verify(new X509Certificate(readFileSync(join(c.dataDir, 'pki', 'ca.crt'))).publicKey));
  });

  it('with that kubeconfig the node may label itself but not another node', async () => {
    const asNode = { env: { KUBECONFIG: join(joinedDir, 'kubelet.kubeconfig') } };
    const own = await c.kubectl(['label', 'node', 'joiner', 'e2e=own', '--overwrite'], asNode);
    assert.equal(own.code, 0, own.stderr);
    const other = await c.kubectl(['label', 'node', 'sim-0', 'e2e=stolen', '--overwrite'], asNode);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /Forbidden/);
    assert.doesNotMatch(await c.k(['get', 'node', 'sim-0', '--show-labels']), /e2e=stolen/);
  });

  it('a revoked token is refused with 401, and the joined node restarts with its saved credentials', async () => {
    assert.equal(await token(['delete', tok]), `bootstrap token "${tok.slice(0, 6)}" deleted\n`);
    const fresh = join_(tok, dataDir(), 'intruder');
    assert.notEqual(await fresh.exited, 0);
    assert.match(fresh.output(), /401 Unauthorized/);
    await stopAgent(agent);
    agent = join_(tok, joinedDir, 'joiner');
    await waitFor(() => {
      if (agent!.proc.exitCode !== null) throw new Error(`agent exited:\n${agent!.output()}`);
      return /Agent running/.test(agent!.output());
    }, 30_000, 'the joined agent to restart');
    assert.match(agent.output(), /reusing the node credentials/);
  });

  it('an expired token is refused with 401', async () => {
    const expired = 'abc123.0123456789abcdef';
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bootstrap-token-abc123', namespace: 'kube-system' }, type: 'bootstrap.kubernetes.io/token', data: { 'token-id': b64('abc123'), 'token-secret': b64('0123456789abcdef'), 'usage-bootstrap-authentication': b64('true'), 'auth-extra-groups': b64('system:bootstrappers:kubeadm:default-node-token'), expiration: b64('2020-01-01T00:00:00Z') } };
    await c.k(['create', '-f', '-'], { input: JSON.stringify(secret) });
    const late = join_(expired, dataDir(), 'latecomer');
    assert.notEqual(await late.exited, 0);
    assert.match(late.output(), /401 Unauthorized/);
  });

  it('a token of the wrong shape is refused before anything is sent', async () => {
    const r = await kubeling(['token', 'delete', 'not-a-token', '--data-dir', c.dataDir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /didn't match pattern/);
    const bad = join_('not-a-token', dataDir(), 'malformed');
    assert.equal(await bad.exited, 2);
    assert.match(bad.output(), /--token must be a bootstrap token of the form/);
  });

  it('several simulated nodes joining with one token are refused at start with a usage error', async () => {
    const r = await kubeling(['agent', '--server', c.server, '--token', 'abcdef.0123456789abcdef', '--ca-cert', join(c.dataDir, 'pki', 'ca.crt'), '--simulated', '--nodes', '3', '--data-dir', dataDir()]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /certificate for one node only \(system:node:<name>\)/);
    assert.match(r.stderr, /--kubeconfig and an identity bound to the ClusterRole system:kubeling:simulated-nodes/);
  });
});
