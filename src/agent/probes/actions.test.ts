import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Runtime } from '../runtime.js';
import { resolvePort, runHandler } from './actions.js';
import { decodeHealthCheckResponse, encodeHealthCheckRequest, encodeHealthCheckResponse } from './grpc.js';

const runtime = { name: 'fake', containerStatus: () => undefined } as unknown as Runtime;
const target = (port: number) => ({ runtime, containerId: 'x', container: { name: 'c', ports: [{ name: 'web', containerPort: port }] }, podIP: '127.0.0.1', timeoutMs: 1000 });

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

test('httpGet succeeds on 2xx and 3xx, sends the probe headers, and fails on 500 with upstream wording', async () => {
  const seen: http.IncomingHttpHeaders[] = [];
  const srv = http.createServer((req, res) => {
    seen.push(req.headers);
    res.statusCode = req.url === '/ok' ? 200 : req.url === '/moved' ? 302 : 500;
    res.end();
  });
  const port = await listen(srv);
  try {
    assert.equal((await runHandler({ httpGet: { path: '/ok', port: 'web', httpHeaders: [{ name: 'X-Probe', value: 'yes' }] } }, target(port))).ok, true);
    assert.equal(seen[0]?.['x-probe'], 'yes');
    assert.match(seen[0]?.['user-agent'] ?? '', /^kube-probe\//);
    assert.equal((await runHandler({ httpGet: { path: '/moved', port } }, target(port))).ok, true);
    assert.deepEqual(await runHandler({ httpGet: { path: '/bad', port } }, target(port)), { ok: false, message: 'HTTP probe failed with statuscode: 500' });
  } finally {
    srv.close();
  }
});

test('tcpSocket succeeds when the port accepts and reports connection refused otherwise', async () => {
  const srv = net.createServer((s) => s.end());
  const port = await listen(srv);
  assert.equal((await runHandler({ tcpSocket: { port } }, target(port))).ok, true);
  srv.close();
  await new Promise((r) => srv.once('close', r));
  const r = await runHandler({ tcpSocket: { port } }, target(port));
  assert.deepEqual(r, { ok: false, message: `dial tcp 127.0.0.1:${port}: connect: connection refused` });
});

test('an unknown named port fails the attempt with a clear message', async () => {
  assert.throws(() => resolvePort('nope', { name: 'c' }), /couldn't find port: nope in c/);
  assert.deepEqual(await runHandler({ httpGet: { port: 'nope' } }, target(1)), { ok: false, message: "couldn't find port: nope in c" });
});

test('the grpc health messages round-trip through the hand-written protobuf encoding', () => {
  const req = encodeHealthCheckRequest('svc');
  assert.deepEqual([...req], [0, 0, 0, 0, 5, 0x0a, 3, 0x73, 0x76, 0x63]);
  assert.equal(decodeHealthCheckResponse(encodeHealthCheckResponse(1)), 1);
  assert.equal(decodeHealthCheckResponse(encodeHealthCheckResponse(0)), 0);
});

test('a grpc probe succeeds on SERVING and fails on NOT_SERVING', async () => {
  let status = 1;
  const srv = http2.createServer();
  srv.on('stream', (stream) => {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(encodeHealthCheckResponse(status));
    });
  });
  const port = await listen(srv);
  try {
    assert.deepEqual(await runHandler({ grpc: { port } }, target(port)), { ok: true, message: '' });
    status = 2;
    assert.deepEqual(await runHandler({ grpc: { port } }, target(port)), { ok: false, message: 'service unhealthy (responded with "NOT_SERVING")' });
  } finally {
    srv.close();
  }
});
