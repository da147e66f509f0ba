/**
 * The grpc probe (pkg/probe/grpc): one grpc.health.v1.Health/Check call over cleartext HTTP/2,
 * success when the reply's status is SERVING. The messages are tiny protobufs, so they are
 * encoded by hand: HealthCheckRequest { string service = 1 } and HealthCheckResponse
 * { ServingStatus status = 1 } with UNKNOWN=0, SERVING=1, NOT_SERVING=2, SERVICE_UNKNOWN=3.
 */
import http2 from 'node:http2';
import net from 'node:net';
import type { ActionResult } from './actions.js';

const statusNames = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** Encodes a HealthCheckRequest in a gRPC length-prefixed frame. */
export function encodeHealthCheckRequest(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  const msg = name.length ? Buffer.concat([Buffer.from([0x0a]), varint(name.length), name]) : Buffer.alloc(0);
  const frame = Buffer.alloc(5);
  frame.writeUInt8(0, 0); // not compressed
  frame.writeUInt32BE(msg.length, 1);
  return Buffer.concat([frame, msg]);
}

/** Decodes the status of a framed HealthCheckResponse (0 = UNKNOWN when the field is absent). */
export function decodeHealthCheckResponse(buf: Buffer): number {
  if (buf.length < 5) throw new Error('short gRPC frame');
  const len = buf.readUInt32BE(1);
  const msg = buf.subarray(5, 5 + len);
  let i = 0;
  let status = 0;
  while (i < msg.length) {
    const [tag, a] = readVarint(msg, i);
    i = a;
    const field = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) {
      const [v, b] = readVarint(msg, i);
      i = b;
      if (field === 1) status = v;
    } else if (wire === 2) {
      const [l, b] = readVarint(msg, i);
      i = b + l;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return status;
}

/** Encodes a HealthCheckResponse frame (for tests' fake servers). */
export function encodeHealthCheckResponse(status: number): Buffer {
  const msg = status ? Buffer.concat([Buffer.from([0x08]), varint(status)]) : Buffer.alloc(0);
  const frame = Buffer.alloc(5);
  frame.writeUInt32BE(msg.length, 1);
  return Buffer.concat([frame, msg]);
}

/** Calls Health/Check on host:port; resolves with the probe outcome (never rejects). */
export function grpcHealthCheck(host: string, port: number, service: string, timeoutMs: number): Promise<ActionResult> {
  const target = `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
  return new Promise((resolve) => {
    let done = false;
    const session = http2.connect(`http://${target}`);
    const finish = (r: ActionResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      session.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: false, message: `timeout: health rpc did not complete within ${timeoutMs / 1000}s` }), timeoutMs);
    session.once('error', (e) => finish({ ok: false, message: `timeout: failed to connect service "${target}" within ${timeoutMs / 1000}s: ${e.message}` }));
    const req = session.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers', 'user-agent': 'kube-probe/1.33' });
    const chunks: Buffer[] = [];
    let grpcStatus: string | undefined;
    let grpcMessage = '';
    const header = (h: http2.IncomingHttpHeaders): void => {
      const s = h['grpc-status'];
      if (s !== undefined) grpcStatus = String(s);
      const m = h['grpc-message'];
      if (m !== undefined) grpcMessage = decodeURIComponent(String(m));
    };
    req.on('response', header);
    req.on('trailers', header);
    req.on('data', (d: Buffer) => chunks.push(d));
    req.once('error', (e) => finish({ ok: false, message: `failed to connect service "${target}": ${e.message}` }));
    req.once('end', () => {
      if (grpcStatus !== undefined && grpcStatus !== '0') {
        finish({ ok: false, message: `health rpc failed: rpc error: code = ${grpcStatus} desc = ${grpcMessage}` });
        return;
      }
      try {
        const st = decodeHealthCheckResponse(Buffer.concat(chunks));
        if (st === 1) finish({ ok: true, message: '' });
        else finish({ ok: false, message: `service unhealthy (responded with "${statusNames[st] ?? String(st)}")` });
      } catch (e) {
        finish({ ok: false, message: `health rpc failed: ${e instanceof Error ? e.message : String(e)}` });
      }
    });
    req.end(encodeHealthCheckRequest(service));
  });
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

function readVarint(b: Buffer, start: number): [number, number] {
  let v = 0;
  let shift = 0;
  let i = start;
  for (;;) {
    const byte = b[i++];
    if (byte === undefined) throw new Error('truncated varint');
    v += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [v, i];
    shift += 7;
  }
}
