/**
 * pods/log and pods/exec through the API server to a node agent's streaming server, in process:
 * a simulated agent for logs and errors, and a fake exec-capable runtime for the relay.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { WebSocket } from 'ws';
import type { KubeObject } from '../../api/object.js';
import { RestClient } from '../../client/rest.js';
import { MemoryStore } from '../../storage/memory/index.js';
import { ensurePki, issueClientCertificate, issueServingCertificate, type Pki } from '../../pki/index.js';
import { startAgent, type Agent } from '../../agent/index.js';
import { StreamingServer } from '../../agent/streaming/server.js';
import type { ContainerInfo, ExecSession, Runtime } from '../../agent/runtime.js';
import { startApiServer, type RunningApiServer } from '../index.js';
import { SPDY_UNSUPPORTED } from './proxy-exec.js';

const pods = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };

async function eventually(pred: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A runtime with one running container whose exec echoes stdin upper-cased and exits 3. */
function echoRuntime(): Runtime {
  const info: ContainerInfo = { id: 'fake://c1', sandboxId: 's', name: 'main', image: 'x', imageID: 'x', state: 'running', createdAt: 0, ready: true };
  const rt: Partial<Runtime> = {
    name: 'fake',
    containerStatus: (id) => (id === info.id ? info : undefined),
    logPath: () => undefined,
    exec: (_id, req) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const stdin = new PassThrough();
      let resolveExit: (n: number) => void = () => {};
      const exited = new Promise<number>((r) => (resolveExit = r));
      stdout.write(`argv=${req.command.join(',')}\n`);
      stdin.on('data', (d: Buffer) => stdout.write(d.toString().toUpperCase()));
      stdin.on('end', () => {
        stderr.end('bye\n');
        stdout.end();
        resolveExit(3);
      });
      const s: ExecSession = { stdout, stderr, stdin, exited, kill: () => resolveExit(137) };
      return Promise.resolve(s);
    },
  };
  return rt as Runtime;
}

interface Frame {
  ch: number;
  text: string;
}

/** Runs an exec over WebSocket v5 against the API server; returns the frames received. */
function execWs(url: string, pki: Pki, stdin?: string): Promise<Frame[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['v5.channel.k8s.io'], { ca: pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem });
    const frames: Frame[] = [];
    ws.on('open', () => {
      if (stdin !== undefined) {
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(stdin)]));
        ws.send(Buffer.from([255, 0]));
      }
    });
    ws.on('message', (d: Buffer) => frames.push({ ch: d[0] ?? -1, text: d.subarray(1).toString() }));
    ws.on('close', () => resolve(frames));
    ws.on('unexpected-response', (_q, res) => reject(new Error(`handshake answered ${res.statusCode ?? 0}`)));
    ws.on('error', reject);
  });
}

describe('pods/log and pods/exec proxy', () => {
  let dir: string;
  let pki: Pki;
  let api: RunningApiServer;
  let client: RestClient;
  let agent: Agent;
  let fake: StreamingServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kl-proxy-'));
    pki = await ensurePki(dir, { hostname: 'localhost', ips: ['127.0.0.1'] });
    const kubeletClient = await issueClientCertificate(pki.ca, { commonName: 'kube-apiserver-kubelet-client', organizations: [] });
    api = await startApiServer({ store: new MemoryStore(), tls: { caPem: pki.ca.certPem, certPem: pki.server.certPem, keyPem: pki.server.keyPem }, port: 0, host: '127.0.0.1', disableAdmissionPlugins: ['ServiceAccount'], kubeletClient });
    client = new RestClient({ server: `https://127.0.0.1:${api.port}`, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem });
    const serving = { ...issueServingCertificate(pki.ca, { hostname: 'localhost', ips: ['127.0.0.1'] }), caPem: pki.ca.certPem };
    agent = await startAgent({ client, nodeName: 'sim', runtime: 'simulated', simulatedNodes: 1, streaming: { tls: serving, port: 0, host: '127.0.0.1' } });
    // A hand-made node whose streaming server runs the exec-capable fake runtime.
    fake = new StreamingServer({ tls: serving, port: 0, host: '127.0.0.1', runtime: echoRuntime(), resolve: () => Promise.resolve({ id: 'fake://c1' }) });
    const port = await fake.listen();
    await client.create({ group: '', version: 'v1', resource: 'nodes' }, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'fake-0' }, spec: {} });
    await client.patch({ group: '', version: 'v1', resource: 'nodes', name: 'fake-0', subresource: 'status' }, 'merge', {
      status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } },
    });
    const pod = (name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, annotations }, spec });
    await client.create(pods, pod('web', { nodeName: 'sim-0', containers: [{ name: 'c', image: 'busybox' }] }, { 'kubeling.dev/sim-log-lines': 'first\nsecond\nthird' }));
    await client.create(pods, pod('pending', { containers: [{ name: 'c', image: 'busybox' }] }));
    await client.create(pods, pod('multi', { nodeName: 'sim-0', containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }] }));
    await client.create(pods, pod('echo', { nodeName: 'fake-0', containers: [{ name: 'main', image: 'busybox' }] }));
    await eventually(async () => ((await client.get({ ...pods, name: 'web' })).status as { phase?: string } | undefined)?.phase === 'Running', 'web Running');
  });

  after(async () => {
    await fake?.close();
    await agent?.stop();
    await client?.close();
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const log = async (pod: string, query = ''): Promise<{ status: number; body: string }> => {
    const r = await client.raw('GET', `/api/v1/namespaces/default/pods/${pod}/log${query}`, { accept: 'application/json, */*' });
    return { status: r.status, body: r.body.toString() };
  };

  it('serves a simulated container log as text', async () => {
    assert.deepEqual(await log('web'), { status: 200, body: 'first\nsecond\nthird\n' });
  });

  it('honours tailLines and timestamps', async () => {
    assert.deepEqual(await log('web', '?tailLines=1'), { status: 200, body: 'third\n' });
    const ts = await log('web', '?timestamps=true&tailLines=2');
    assert.match(ts.body, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z second\n\S+ third\n$/);
  });

  it('answers 400 for a pod without a host', async () => {
    const r = await log('pending');
    assert.equal(r.status, 400);
    assert.equal((JSON.parse(r.body) as { message: string }).message, 'pod pending does not have a host assigned');
  });

  it('answers 400 naming the choices when a multi-container pod gets no container', async () => {
    const r = await log('multi');
    assert.equal(r.status, 400);
    assert.equal((JSON.parse(r.body) as { message: string }).message, 'a container name must be specified for pod multi, choose one of: [a b]');
    const bad = await log('multi', '?container=x');
    assert.equal((JSON.parse(bad.body) as { message: string }).message, 'container x is not valid for pod multi');
  });

  it('rejects a caller without the kubelet client certificate at the agent', async () => {
    const node = await client.get({ group: '', version: 'v1', resource: 'nodes', name: 'sim-0' });
    const port = (node.status as { daemonEndpoints: { kubeletEndpoint: { Port: number } } }).daemonEndpoints.kubeletEndpoint.Port;
    assert.ok(port > 0 && port !== 10250);
    const { request } = await import('node:https');
    const status = await new Promise<number>((resolve, reject) => {
      const r = request(`https://127.0.0.1:${port}/containerLogs/default/web/c`, { ca: pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      r.on('error', reject);
      r.end();
    });
    assert.equal(status, 403);
  });

  it('relays an exec over WebSocket v5 and ends with the exit code Status', async () => {
    const url = `wss://127.0.0.1:${api.port}/api/v1/namespaces/default/pods/echo/exec?command=cat&command=-&container=main&stderr=true&stdin=true&stdout=true`;
    const frames = await execWs(url, pki, 'hi\n');
    const stdout = frames.filter((f) => f.ch === 1).map((f) => f.text).join('');
    assert.equal(stdout, 'argv=cat,-\nHI\n');
    assert.equal(frames.filter((f) => f.ch === 2).map((f) => f.text).join(''), 'bye\n');
    const status = JSON.parse(frames.find((f) => f.ch === 3)?.text ?? '{}') as { reason?: string; details?: { causes?: { message?: string }[] } };
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.equal(status.details?.causes?.[0]?.message, '3');
  });

  it('reports on channel 3 that a simulated container cannot exec', async () => {
    const url = `wss://127.0.0.1:${api.port}/api/v1/namespaces/default/pods/web/exec?command=hostname&container=c&stderr=true&stdout=true`;
    const frames = await execWs(url, pki);
    const status = JSON.parse(frames.find((f) => f.ch === 3)?.text ?? '{}') as { status?: string; message?: string };
    assert.equal(status.status, 'Failure');
    assert.match(status.message ?? '', /simulated runtime runs no processes/);
  });

  it('answers a non-upgraded exec with a clear 400', async () => {
    const r = await client.raw('POST', '/api/v1/namespaces/default/pods/web/exec?command=ls&container=c&stdout=true');
    assert.equal(r.status, 400);
    assert.equal((JSON.parse(r.body.toString()) as { message: string }).message, SPDY_UNSUPPORTED);
  });

  it('fails the WebSocket handshake with the validation error for a pod without a host', async () => {
    const url = `wss://127.0.0.1:${api.port}/api/v1/namespaces/default/pods/pending/exec?command=ls&container=c&stdout=true`;
    await assert.rejects(execWs(url, pki), /handshake answered 400/);
  });
});
