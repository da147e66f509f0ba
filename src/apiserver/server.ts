/**
 * The API server: TLS (HTTP/2 with HTTP/1.1 fallback, which upgrade requests without ALPN use),
 * authentication → authorization → routing to discovery, OpenAPI, health and the generic
 * resource handlers. Errors become a Kubernetes Status in one place (http.sendError).
 */
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { ApiError, errors } from '../api/errors.js';
import type { ResourceDef } from '../api/resource.js';
import type { Authenticator, UserInfo } from './authn/types.js';
import { anonymousUser } from './authn/types.js';
import { impersonate } from './authn/impersonation.js';
import type { Req, Res } from './http.js';
import { send, sendError } from './http.js';
import { parseRequestInfo } from './request-info.js';
import type { Auditor, AuditRequest } from './audit/index.js';
import type { ApiDeps } from './pipeline.js';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedVersionWanted,
  groupObject,
  legacyApiVersions,
  legacyGroupList,
  legacyResourceList,
} from './discovery.js';
import { versionInfo } from './version.js';
import type { RequestCtx } from './handlers/context.js';
import { handleGet, handleList } from './handlers/read.js';
import { handleWatch } from './handlers/watch.js';
import { handleCreate, handlePatch, handleUpdate } from './handlers/write.js';
import { handleDelete, handleDeleteCollection } from './handlers/delete.js';
import { handleGetScale, handleWriteScale } from './handlers/scale.js';
import { OPENAPI_V2_EMPTY, openapiV3Root, openapiV3Document } from './openapi/index.js';

/** A handler for a subresource other than status/scale (log, exec, eviction, binding, token…), registered by later components. */
export type SubresourceHandler = (rc: RequestCtx) => Promise<void>;

export interface ApiServerOptions {
  deps: ApiDeps;
  tls: { certPem: string; keyPem: string; caPem: string };
  authenticator: Authenticator;
  /** extra schemas (CRDs) for /openapi/v3 documents, keyed by group/version */
  extraSchemas?: (group: string, version: string) => Record<string, unknown>;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** the audit log (--audit-policy-file/--audit-log-path); none: nothing audited */
  audit?: Auditor;
}

/** Paths anonymous users may read (system:public-info-viewer). */
const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version', '/healthz/ping', '/livez/ping', '/readyz/ping']);

export class ApiServer {
  readonly server: Http2SecureServer;
  private readonly subresources = new Map<string, SubresourceHandler>();
  private readonly openapiCache = new Map<string, { gen: number; body: string; hash: string }>();
  private ready = false;

  constructor(private readonly opts: ApiServerOptions) {
    this.server = createSecureServer(
      {
        cert: opts.tls.certPem,
        key: opts.tls.keyPem,
        ca: opts.tls.caPem,
        requestCert: true,
        rejectUnauthorized: false,
        allowHTTP1: true,
        settings: { maxConcurrentStreams: 1000 },
        // One in-process client session carries every agent, controller and scheduler request: the
        // default 10 MB session budget is exceeded at ~1 000 nodes (NGHTTP2_ENHANCE_YOUR_CALM).
        maxSessionMemory: 1024,
      },
      (req, res) => {
        void this.handle(req, res);
      },
    );
    this.server.on('sessionError', () => {});
    this.server.on('secureConnection', (sock: TLSSocket) => {
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
    });
  }

  private readonly sockets = new Set<TLSSocket>();

  /** Registers a handler for `<group>/<resource>/<subresource>` (core group: empty string). */
  registerSubresource(group: string, resource: string, subresource: string, h: SubresourceHandler): void {
    this.subresources.set(`${group}/${resource}/${subresource}`, h);
  }

  /**
   * Registers the create (POST) handler of a non-stored resource (access reviews, TokenReview,
   * SelfSubjectReview): upstream's rest.Creater-only storages, which answer without persisting.
   */
  registerCreate(group: string, resource: string, h: SubresourceHandler): void {
    this.creates.set(`${group}/${resource}`, h);
  }

  private readonly creates = new Map<string, SubresourceHandler>();

  setReady(ready: boolean): void {
    this.ready = ready;
  }

  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // Watches are long-lived: end every open connection so close() returns promptly.
      for (const s of this.sockets) s.destroy();
    });
  }

  /**
   * A connection's client certificate never changes, so it is read once per connection: keyed by
   * the HTTP/2 session (whose `req.socket` is a fresh proxy per request) or the HTTP/1.1 socket.
   */
  private readonly peerCerts = new WeakMap<object, { raw: Buffer } | null>();

  private peerCertificate(req: Req): { raw: Buffer } | undefined {
    const key: object = (req as { stream?: { session?: object } }).stream?.session ?? req.socket;
    let cached = this.peerCerts.get(key);
    if (cached === undefined) {
      const socket = req.socket as TLSSocket;
      const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate(false) : undefined;
      cached = peer && peer.raw ? { raw: peer.raw } : null;
      this.peerCerts.set(key, cached);
    }
    return cached ?? undefined;
  }

  private async authenticate(req: Req): Promise<UserInfo> {
    const user = await this.opts.authenticator.authenticate({
      headers: req.headers,
      peerCertificate: this.peerCertificate(req),
    });
    return user ?? anonymousUser;
  }

  private async handle(req: Req, res: Res): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const warnings: string[] = [];
    let audit: AuditRequest | undefined;
    let auditBegun = false;
    try {
      const authenticated = await this.authenticate(req);
      const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
      // Audited as upstream's WithAudit: after authentication, before impersonation and authorization.
      audit = this.opts.audit?.begin(req, res, { ...info, path: url.pathname, user: authenticated });
      auditBegun = true;
      // Impersonation headers switch the user once the authenticated caller may impersonate (authn/impersonation.ts).
      const user = await impersonate(authenticated, req.rawHeaders, this.opts.deps.authorizer);
      if (user !== authenticated) audit?.impersonated(user);
      const anonymous = user.name === anonymousUser.name;
      if (anonymous && !publicPaths.has(url.pathname)) throw errors.unauthorized();
      if (!anonymous) {
        const d = await this.opts.deps.authorizer.authorize({
          user,
          verb: info.verb,
          isResourceRequest: info.isResourceRequest,
          path: url.pathname,
          group: info.group,
          version: info.version,
          resource: info.resource,
          subresource: info.subresource,
          namespace: info.namespace,
          name: info.name,
        });
        audit?.authorized(d.allowed, d.reason);
        if (!d.allowed) {
          // As kube-apiserver's authorization filter logs "Forbidden" (klog V(4)): a denied component shows up in the log.
          this.opts.log?.('Forbidden', { user: user.name, verb: info.verb, group: info.group, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name, path: url.pathname });
          throw forbidden(user, info.verb, info.resource, info.group, info.namespace, info.name, url.pathname, d.reason, info.subresource);
        }
      }
      if (info.isResourceRequest) {
        await this.handleResource({ req, res, info, query: url.searchParams, user, deps: this.opts.deps, def: undefined as unknown as ResourceDef, warnings });
        return;
      }
      this.handleNonResource(req, res, url);
    } catch (e) {
      if (!(e instanceof ApiError)) this.opts.log?.('request failed', { path: url.pathname, error: e instanceof Error ? e.stack : String(e) });
      // A failed authentication is audited too (upstream's WithFailedAuthenticationAudit), with an empty user.
      try {
        if (!auditBegun) audit = this.opts.audit?.begin(req, res, { ...parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams), path: url.pathname });
      } catch {
        // a path that does not even parse is answered, not audited
      }
      if (!(e instanceof ApiError)) audit?.panic();
      sendError(req, res, e, warnings);
    }
  }

  private handleNonResource(req: Req, res: Res, url: URL): void {
    const p = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    if (p === '/version') return send(req, res, 200, versionInfo());
    if (/^\/(healthz|livez|readyz)(\/ping)?$/.test(p)) {
      const ok = p.startsWith('/readyz') ? this.ready : true;
      const body = url.searchParams.has('verbose') ? `[+]ping ok\n[+]etcd ok\n${p.slice(1)} check ${ok ? 'passed' : 'failed'}\n` : ok ? 'ok' : 'not ready';
      res.writeHead(ok ? 200 : 500, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      res.end(body);
      return;
    }
    const table = this.opts.deps.resources;
    const accept = req.headers.accept;
    if (p === '/api' || p === '/apis') {
      const agg = aggregatedVersionWanted(accept);
      if (agg) return send(req, res, 200, aggregatedDiscovery(table, p === '/api', agg), { contentType: aggregatedContentType(agg) });
      const host = String(req.headers[':authority'] ?? req.headers.host ?? 'localhost');
      return send(req, res, 200, p === '/api' ? legacyApiVersions(host) : legacyGroupList(table));
    }
    let m = /^\/api\/([^/]+)$/.exec(p) ?? /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
    if (m) {
      const [group, version] = m.length === 2 || m[2] === undefined ? ['', m[1]!] : [m[1]!, m[2]];
      const list = legacyResourceList(table, group, version);
      if (list) return send(req, res, 200, list);
      throw notFoundPath();
    }
    m = /^\/apis\/([^/]+)$/.exec(p);
    if (m) {
      const g = table.groups().find((x) => x.group === m![1]);
      if (!g) throw notFoundPath();
      return send(req, res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...groupObject(g.group, g.versions) });
    }
    if (p === '/openapi/v2' || p === '/swagger-2.0.0.pb-v1') {
      res.writeHead(200, { 'content-type': OPENAPI_V2_EMPTY.contentType, 'content-length': '0' });
      res.end();
      return;
    }
    if (p === '/openapi/v3') {
      const gvs = table.groups().flatMap((g) => g.versions.map((v) => (g.group ? `apis/${g.group}/${v}` : `api/${v}`)));
      return send(req, res, 200, openapiV3Root(gvs, (gv) => this.openapiDoc(gv).hash));
    }
    m = /^\/openapi\/v3\/(api\/v1|apis\/[^/]+\/[^/]+)$/.exec(p);
    if (m) {
      const doc = this.openapiDoc(m[1]!);
      if (!doc.body) throw notFoundPath();
      res.writeHead(200, { 'content-type': 'application/json', etag: `"${doc.hash}"`, 'cache-control': 'public, immutable' });
      res.end(doc.body);
      return;
    }
    throw notFoundPath();
  }

  /** The /openapi/v3 document of one group/version, cached until the resource table changes. */
  private openapiDoc(gvPath: string): { body: string; hash: string } {
    const table = this.opts.deps.resources;
    const cached = this.openapiCache.get(gvPath);
    if (cached && cached.gen === table.generation) return cached;
    const parts = gvPath.split('/');
    const [group, version] = parts[0] === 'api' ? ['', parts[1]!] : [parts[1]!, parts[2]!];
    const resources = table.resourcesFor(group, version);
    let body = '';
    if (resources.length) {
      const extra = this.opts.extraSchemas?.(group, version);
      body = JSON.stringify(openapiV3Document({ group, version }, resources, this.opts.deps.defs, extra));
    }
    const hash = createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase();
    const entry = { gen: table.generation, body, hash };
    this.openapiCache.set(gvPath, entry);
    return entry;
  }

  private async handleResource(rc0: RequestCtx): Promise<void> {
    const { info } = rc0;
    const def = this.opts.deps.resources.lookup(info.group, info.version, info.resource);
    if (!def) throw notFoundPath();
    if (!def.namespaced && info.namespace) throw notFoundPath();
    const rc: RequestCtx = { ...rc0, def };
    const method = (rc.req.method ?? 'GET').toUpperCase();
    const verbs = def.verbs;
    if (verbs && !info.subresource && !verbs.includes(info.verb)) {
      throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
    if (def.namespaced && !info.namespace && (info.verb === 'create' || info.name)) throw notFoundPath();
    if (info.subresource) {
      const sub = info.subresource;
      if (sub === 'status' && def.subresources?.status) {
        if (method === 'GET') return handleGet(rc);
        if (method === 'PUT') return handleUpdate(rc, 'status');
        if (method === 'PATCH') return handlePatch(rc, 'status');
        throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      }
      if (sub === 'scale' && def.subresources?.scale) {
        if (method === 'GET') return handleGetScale(rc);
        if (method === 'PUT' || method === 'PATCH') return handleWriteScale(rc, method);
        throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      }
      if (sub === 'finalize' && def.group === '' && def.resource === 'namespaces') {
        if (method === 'PUT') return handleUpdate(rc, 'finalize');
        throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      }
      const h = this.subresources.get(`${def.group}/${def.resource}/${sub}`);
      if (h) return h(rc);
      throw notFoundPath();
    }
    switch (info.verb) {
      case 'get':
        return handleGet(rc);
      case 'list':
        return handleList(rc);
      case 'watch':
        return handleWatch(rc);
      case 'create':
        if (info.name) throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
        return (this.creates.get(`${def.group}/${def.resource}`) ?? handleCreate)(rc);
      case 'update':
        return handleUpdate(rc);
      case 'patch':
        return handlePatch(rc);
      case 'delete':
        return handleDelete(rc);
      case 'deletecollection':
        return handleDeleteCollection(rc);
      default:
        throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    }
  }
}

function notFoundPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** Upstream's forbidden message: `User "x" cannot list resource "pods" in API group "" in the namespace "default"`. */
function forbidden(user: UserInfo, verb: string, resource: string, group: string, namespace: string, name: string, path: string, reason?: string, subresource = ''): ApiError {
  let msg: string;
  if (resource) {
    // upstream's forbiddenMessage names the subresource too: cannot create resource "pods/binding"
    const shown = subresource ? `${resource}/${subresource}` : resource;
    msg = `${resource}${group ? '.' + group : ''}${name ? ` "${name}"` : ''} is forbidden: User "${user.name}" cannot ${verb} resource "${shown}" in API group "${group}"`;
    msg += namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
  } else {
    msg = `forbidden: User "${user.name}" cannot ${verb} path "${path}"`;
  }
  if (reason) msg += `: ${reason}`;
  return errors.forbidden(msg, resource ? { group, resource } : undefined, name || undefined);
}
