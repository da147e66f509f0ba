/**
 * Streaming through the API server to the local node's agent with real kubectl binaries: exec
 * over SPDY/3.1 (kubectl 1.27, which has no WebSocket), exec with stdin, cp in and out (tar over
 * exec), port-forward over SPDY (1.27) and over the WebSocket tunnel (1.33), and attach.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBECTL, startCluster, waitFor, type Cluster } from './harness.js';

/** A TCP server in the pod answering every connection with a fixed line (no DNS lookups, unlike http.server). */
const SERVER = [
  'import socketserver',
  'class H(socketserver.StreamRequestHandler):',
  '    def handle(self):',
  '        self.rfile.readline()',
  "        self.wfile.write(b'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nhello from the pod\\n')",
  'socketserver.TCPServer.allow_reuse_address = True',
  "socketserver.TCPServer(('0.0.0.0', 8080), H).serve_forever()",
].join('\n');

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    r.on('error', reject);
    r.end();
  });
}

/** Runs `kubectl port-forward` until killed; resolves with the local port it printed. */
function portForward(c: Cluster, binary: string): { child: ChildProcess; port: Promise<number>; output: () => string } {
  // -v=4 shows client-go's "fallback to secondary dialer" when the WebSocket attempt fails.
  const child = spawn(binary, ['port-forward', 'pod/web', ':8080', '-v=4'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: c.home, KUBECONFIG: c.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const port = new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(out);
      if (m) resolve(Number(m[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`kubectl port-forward exited ${code}: ${out}`)));
  });
  return { child, port, output: () => out };
}

describe('streaming: SPDY exec, cp, port-forward, attach', () => {
  let c: Cluster;
  const tmp = mkdtempSync(join(tmpdir(), 'kubeling-stream-'));
  before(async () => {
    c = await startCluster({ localNode: true });
    await c.k(['run', 'web', '--image=python', '--restart=Never', '--', '/usr/bin/python3', '-c', SERVER]);
    await c.k(['run', 'box', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'echo started; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done']);
    await c.k(['wait', '--for=condition=Ready', 'pod/web', 'pod/box', '--timeout=60s']);
  });
  after(async () => {
    // Pods outlive the agent (live-restore), so remove them before stopping the cluster.
    await c?.kubectl(['delete', 'pods', '--all', '--grace-period=1', '--timeout=60s']);
    await c?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('runs kubectl 1.27 exec over SPDY and prints the pod name as hostname', async () => {
    const r = await c.kubectl(['exec', 'box', '--', 'hostname'], { binary: KUBECTL.oldest });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'box');
  });

  it('reports the exit code of a failing command over SPDY', async () => {
    const r = await c.kubectl(['exec', 'box', '--', 'sh', '-c', 'echo oops >&2; exit 4'], { binary: KUBECTL.oldest });
    assert.equal(r.code, 4);
    assert.match(r.stderr, /oops/);
    assert.match(r.stderr, /command terminated with exit code 4/);
  });

  it('passes stdin to exec -i over SPDY (1.27) and WebSocket (1.33)', async () => {
    for (const binary of [KUBECTL.oldest, KUBECTL.latest]) {
      const r = await c.kubectl(['exec', '-i', 'box', '--', 'tr', 'a-z', 'A-Z'], { binary, input: 'shout\n' });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'SHOUT\n', binary);
    }
  });

  it('copies a file into the pod and back out with kubectl cp (1.27 over SPDY, 1.33)', async () => {
    const src = join(tmp, 'in.txt');
    const content = `line ${'x'.repeat(100_000)}\nend\n`; // larger than one 64 KiB SPDY window
    writeFileSync(src, content);
    for (const binary of [KUBECTL.oldest, KUBECTL.latest]) {
      const dst = join(tmp, `out-${binary.slice(-4)}.txt`);
      // kubectl cp takes a path relative to the working directory for the local side.
      await c.k(['cp', src, 'box:/tmp/copied.txt'], { binary });
      const size = await c.k(['exec', 'box', '--', 'wc', '-c', '/tmp/copied.txt']);
      assert.equal(Number(size.trim().split(/\s+/)[0]), Buffer.byteLength(content));
      await c.k(['cp', 'box:/tmp/copied.txt', dst], { binary });
      assert.equal(readFileSync(dst, 'utf8'), content);
    }
  });

  for (const [name, binary] of [['1.33 over the WebSocket tunnel', KUBECTL.latest], ['1.27 over SPDY', KUBECTL.oldest]] as const) {
    it(`port-forwards to a server in the pod with kubectl ${name}`, async () => {
      const pf = portForward(c, binary);
      try {
        const port = await pf.port;
        assert.equal(await httpGet(port), 'hello from the pod\n');
        // A second connection through the same session.
        assert.equal(await httpGet(port), 'hello from the pod\n');
        if (binary === KUBECTL.latest) assert.doesNotMatch(pf.output(), /fallback to secondary dialer/, 'the WebSocket tunnel was used');
      } finally {
        pf.child.kill('SIGTERM');
      }
    });
  }

  it('attaches to a running container and streams its new output', async () => {
    const child = spawn(KUBECTL.latest, ['attach', 'box'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: c.home, KUBECONFIG: c.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => /tick \d+\n.*tick \d+/s.test(out), 15_000, `attach output (got ${JSON.stringify(out)})`);
      assert.doesNotMatch(out, /^started$/m, 'attach shows only output produced after it connects');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('attaches with kubectl 1.27 over SPDY', async () => {
    const child = spawn(KUBECTL.oldest, ['attach', 'box'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: c.home, KUBECONFIG: c.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => /tick \d+/.test(out), 15_000, `attach output (got ${JSON.stringify(out)})`);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
