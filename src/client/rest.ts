/**
 * A small REST client for the Kubernetes API, as client-go's rest/dynamic clients are used by
 * controllers: HTTP/2 over TLS with a client certificate (one multiplexed session, re-dialled when
 * it closes), JSON bodies, every verb addressed by a group/version/resource reference, and
 * failures turned into one typed error carrying the server's metav1.Status.
 */
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { readFileSync } from 'node:fs';
import type { KubeObject } from '../api/object.js';
import { parseKubeconfig } from './kubeconfig.js';
import { discoverResources, type DiscoveredResource } from './discovery.js';

export type { DiscoveredResource };

/** Where a request goes: /api/v1 or /apis/<group>/<version>, optional namespace, name and subresource. */
export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** The metav1.Status the server answered with. */
export interface ApiStatus {
  code: number;
  reason: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A non-2xx answer (or a watch ERROR event) with its Kubernetes Status. */
export class ApiStatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: ApiStatus;
  constructor(status: ApiStatus) {
    super(status.message || `${status.code} ${status.reason}`);
    this.name = 'ApiStatusError';
    this.code = status.code;
    this.reason = status.reason;
    this.status = status;
  }
}

/** True when `e` is an ApiStatusError with the given HTTP code. */
export function isStatus(e: unknown, code: number): boolean {
  return e instanceof ApiStatusError && e.code === code;
}

/** Connection material: server URL and PEM-encoded CA, client certificate and key. */
export interface RestClientOptions {
  server: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  /** per-request timeout for non-watch requests (default 30 s) */
  timeoutMs?: number;
}

/** List options as the API server reads them from the query string. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

/** A list response: items plus the list's resourceVersion and continue token. */
export interface ObjectList {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: KubeObject[];
}

/** One watch event; ERROR events carry a Status as their object. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

/** A running watch: iterate events until the server closes it, or stop() it. */
export interface WatchStream extends AsyncIterable<WatchEvent> {
  stop(): void;
}

export interface WatchOptions {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

const patchContentType: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** metav1.DeleteOptions as sent in the DELETE body. */
export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

/** Options of write verbs. */
export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Builds the request path of a resource reference (namespaced or cluster scoped). */
export function resourcePath(ref: ResourceRef): string {
  let p = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  if (ref.namespace) p += `/namespaces/${encodeURIComponent(ref.namespace)}`;
  p += `/${ref.resource}`;
  if (ref.name !== undefined) p += `/${encodeURIComponent(ref.name)}`;
  if (ref.subresource) p += `/${ref.subresource}`;
  return p;
}

function withQuery(path: string, q: Record<string, string | number | boolean | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') sp.set(k, String(v));
  const s = sp.toString();
  return s ? `${path}?${s}` : path;
}

/** Turns an error response into a Status, whether or not the body is one. */
function statusOf(res: RawResponse): ApiStatus {
  try {
    const s = JSON.parse(res.body.toString('utf8')) as Partial<ApiStatus> & { kind?: string };
    if (s.kind === 'Status') return { code: s.code ?? res.status, reason: s.reason ?? '', message: s.message ?? '', details: s.details };
  } catch {
    // not JSON: fall through
  }
  return { code: res.status, reason: '', message: res.body.toString('utf8').slice(0, 500) || `HTTP ${res.status}` };
}

/** The REST client: one HTTP/2 session per client, re-dialled after it closes. */
export class RestClient {
  private session: ClientHttp2Session | undefined;
  private readonly streams = new Set<ClientHttp2Stream>();
  private closed = false;

  constructor(readonly opts: RestClientOptions) {}

  /** A client from a kubeconfig file's current context (inline *-data or file credentials). */
  static fromKubeconfig(path: string): RestClient {
    return new RestClient(parseKubeconfig(readFileSync(path, 'utf8'), path));
  }

  private connection(): ClientHttp2Session {
    if (this.closed) throw new Error('client closed');
    const cur = this.session;
    if (cur && !cur.closed && !cur.destroyed) return cur;
    const s = connect(this.opts.server, { ca: this.opts.caPem, cert: this.opts.certPem, key: this.opts.keyPem });
    // Session errors also fail the streams on it; the next request dials again.
    s.on('error', () => undefined);
    s.on('close', () => {
      if (this.session === s) this.session = undefined;
    });
    s.on('goaway', () => {
      if (this.session === s) this.session = undefined;
    });
    this.session = s;
    return s;
  }

  private open(method: string, path: string, headers: Record<string, string>, body?: Buffer): ClientHttp2Stream {
    const req = this.connection().request({ ':method': method, ':path': path, ...headers, ...(body ? { 'content-length': String(body.length) } : {}) }, { endStream: !body });
    this.streams.add(req);
    req.on('close', () => this.streams.delete(req));
    // Node ends GET/DELETE streams at once unless told otherwise; DELETE carries DeleteOptions.
    if (body) req.end(body);
    return req;
  }

  /** One request/response round trip; the body is buffered. */
  async raw(method: string, path: string, o: { body?: unknown; contentType?: string; accept?: string } = {}): Promise<RawResponse> {
    const body = o.body === undefined ? undefined : Buffer.from(typeof o.body === 'string' ? o.body : JSON.stringify(o.body));
    const headers: Record<string, string> = { accept: o.accept ?? 'application/json' };
    if (body) headers['content-type'] = o.contentType ?? 'application/json';
    const req = this.open(method, path, headers, body);
    return new Promise<RawResponse>((resolve, reject) => {
      const timer = setTimeout(() => req.close(constants.NGHTTP2_CANCEL), this.opts.timeoutMs ?? 30_000);
      let status = 0;
      let resHeaders: IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      req.on('response', (h) => {
        status = Number(h[':status']);
        resHeaders = h;
      });
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('error', (e: Error) => {
        clearTimeout(timer);
        reject(e);
      });
      req.on('end', () => {
        clearTimeout(timer);
        if (status === 0) reject(new Error(`${method} ${path}: stream closed without a response`));
        else resolve({ status, headers: resHeaders, body: Buffer.concat(chunks) });
      });
    });
  }

  /** A request whose 2xx body is JSON; other codes throw ApiStatusError. */
  async json<T>(method: string, path: string, o: { body?: unknown; contentType?: string; accept?: string } = {}): Promise<T> {
    const res = await this.raw(method, path, o);
    if (res.status < 200 || res.status > 299) throw new ApiStatusError(statusOf(res));
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  /** GET one object. */
  get(ref: ResourceRef): Promise<KubeObject> {
    return this.json('GET', resourcePath(ref));
  }

  /** GET a collection (one page when `limit` is set). */
  list(ref: ResourceRef, o: ListOptions = {}): Promise<ObjectList> {
    return this.json('GET', withQuery(resourcePath({ ...ref, name: undefined }), { ...o }));
  }

  /** POST a new object into the collection of `ref`. */
  create(ref: ResourceRef, obj: KubeObject, o: WriteOptions = {}): Promise<KubeObject> {
    // A subresource create (pods/eviction, serviceaccounts/token) posts to the named object's subresource.
    return this.json('POST', withQuery(resourcePath({ ...ref, name: ref.subresource ? ref.name : undefined }), writeQuery(o)), { body: obj });
  }

  /** PUT a whole object (or a subresource such as status or finalize). */
  update(ref: ResourceRef, obj: KubeObject, o: WriteOptions = {}): Promise<KubeObject> {
    return this.json('PUT', withQuery(resourcePath(ref), writeQuery(o)), { body: obj });
  }

  /** PATCH with one of the four patch types; `apply` is server-side apply (fieldManager required). */
  patch(ref: ResourceRef, type: PatchType, patch: unknown, o: WriteOptions & { force?: boolean } = {}): Promise<KubeObject> {
    const q = { ...writeQuery(o), ...(o.force !== undefined ? { force: o.force } : {}) };
    return this.json('PATCH', withQuery(resourcePath(ref), q), { body: patch, contentType: patchContentType[type] });
  }

  /** DELETE one object with DeleteOptions in the body; returns the object (being deleted) or a Status. */
  delete(ref: ResourceRef, o: DeleteOptions = {}): Promise<KubeObject> {
    return this.json('DELETE', resourcePath(ref), { body: { kind: 'DeleteOptions', apiVersion: 'v1', ...o } });
  }

  /** DELETE a collection (deletecollection), optionally narrowed by selectors. */
  deleteCollection(ref: ResourceRef, o: DeleteOptions & { labelSelector?: string; fieldSelector?: string } = {}): Promise<ObjectList> {
    const { labelSelector, fieldSelector, ...opts } = o;
    const path = withQuery(resourcePath({ ...ref, name: undefined }), { labelSelector, fieldSelector });
    return this.json('DELETE', path, { body: { kind: 'DeleteOptions', apiVersion: 'v1', ...opts } });
  }

  /** Every served resource from aggregated discovery (legacy discovery as a fallback). */
  discover(): Promise<DiscoveredResource[]> {
    return discoverResources(this);
  }

  /**
   * Starts a watch. A non-200 answer (e.g. 410 Gone for a compacted resourceVersion) rejects;
   * afterwards events arrive until the server ends the stream or stop() is called.
   */
  async watch(ref: ResourceRef, o: WatchOptions = {}): Promise<WatchStream> {
    const path = withQuery(resourcePath({ ...ref, name: undefined }), {
      watch: 'true',
      resourceVersion: o.resourceVersion,
      labelSelector: o.labelSelector,
      fieldSelector: o.fieldSelector,
      allowWatchBookmarks: o.allowWatchBookmarks ? 'true' : undefined,
      timeoutSeconds: o.timeoutSeconds,
    });
    const req = this.open('GET', path, { accept: 'application/json' });
    const status = await new Promise<number>((resolve, reject) => {
      req.once('response', (h) => resolve(Number(h[':status'])));
      req.once('error', reject);
      req.once('close', () => reject(new Error(`watch ${path}: closed before a response`)));
    });
    if (status !== 200) {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      throw new ApiStatusError(statusOf({ status, headers: {}, body: Buffer.concat(chunks) }));
    }
    return watchStream(req);
  }

  /** Closes the session and every open stream (watches end). */
  close(): Promise<void> {
    this.closed = true;
    for (const s of this.streams) s.close(constants.NGHTTP2_CANCEL);
    const s = this.session;
    this.session = undefined;
    if (!s || s.closed) return Promise.resolve();
    return new Promise((resolve) => s.close(() => resolve()));
  }
}

function writeQuery(o: WriteOptions): Record<string, string | undefined> {
  return { fieldManager: o.fieldManager, dryRun: o.dryRun ? 'All' : undefined };
}

/** Splits the newline-delimited JSON watch stream into events. */
function watchStream(req: ClientHttp2Stream): WatchStream {
  req.on('error', () => undefined); // a reset ends the iteration below
  return {
    stop: () => {
      if (!req.closed) req.close(constants.NGHTTP2_CANCEL);
    },
    async *[Symbol.asyncIterator]() {
      let buf = '';
      try {
        for await (const chunk of req) {
          buf += (chunk as Buffer).toString('utf8');
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (line) yield JSON.parse(line) as WatchEvent;
          }
        }
      } catch {
        // stream reset (stop() or the connection went away): the watch simply ends
      } finally {
        if (!req.closed) req.close(constants.NGHTTP2_CANCEL);
      }
    },
  };
}
