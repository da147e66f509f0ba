/**
 * Request/response plumbing shared by HTTP/1.1 and HTTP/2 (Node's compatibility API gives both
 * the same shape): body reading with the upstream size limit, JSON/YAML responses, gzip, Status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { gzipSync } from 'node:zlib';
import { stringify as toYaml } from 'yaml';
import { ApiError, errors } from '../api/errors.js';

export type Req = IncomingMessage | Http2ServerRequest;
export type Res = ServerResponse | Http2ServerResponse;

/**
 * A per-request observer (set as `req[BODY_TAP]` / `res[BODY_TAP]` by the audit log) that sees
 * the request body once read and the response before it is serialized, so neither is re-read.
 */
export const BODY_TAP = Symbol('kubeling.bodyTap');
export interface BodyTap {
  request?(body: Buffer): void;
  response?(code: number, body: unknown): void;
}
type Tapped = { [BODY_TAP]?: BodyTap };

/** kube-apiserver's MaxRequestBodyBytes: 3 MiB. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: Req, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw errors.tooLarge(`Request entity too large: limit is ${limit}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw errors.tooLarge(`Request entity too large: limit is ${limit}`);
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  (req as Tapped)[BODY_TAP]?.request?.(body);
  return body;
}

export interface SendOptions {
  yaml?: boolean;
  contentType?: string;
  warnings?: string[];
}

/** Responses larger than this are gzipped when the client accepts it (upstream uses 128 KiB). */
const GZIP_THRESHOLD = 128 * 1024;

export function send(req: Req, res: Res, code: number, body: unknown, opts: SendOptions = {}): void {
  (res as Tapped)[BODY_TAP]?.response?.(code, body);
  let payload: Buffer;
  let ct: string;
  if (opts.yaml) {
    payload = Buffer.from(toYaml(body));
    ct = 'application/yaml';
  } else {
    payload = Buffer.from(JSON.stringify(body));
    ct = opts.contentType ?? 'application/json';
  }
  const headers: Record<string, string | string[]> = { 'content-type': ct, 'cache-control': 'no-cache, private' };
  if (opts.warnings?.length) headers.warning = opts.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  const ae = String(req.headers['accept-encoding'] ?? '');
  if (payload.length > GZIP_THRESHOLD && /\bgzip\b/.test(ae)) {
    payload = gzipSync(payload, { level: 1 });
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(payload.length);
  (res as ServerResponse).writeHead(code, headers);
  res.end(payload);
}

export function sendError(req: Req, res: Res, err: unknown, warnings?: string[]): void {
  const e = err instanceof ApiError ? err : errors.internal(err instanceof Error ? err.message : String(err));
  if (res.headersSent) {
    res.end();
    return;
  }
  const headers = e.code === 429 && e.details?.retryAfterSeconds ? { 'retry-after': String(e.details.retryAfterSeconds) } : undefined;
  if (headers) res.setHeader('retry-after', headers['retry-after']);
  send(req, res, e.code, e.toStatus(), { warnings });
}
