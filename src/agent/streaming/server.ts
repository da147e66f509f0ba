/**
 * The agent's streaming server, kubelet's :10250 equivalent: HTTPS that only the API server may
 * call (a client certificate signed by the cluster CA whose CN is allowed, like kubelet's
 * `--client-ca-file` plus authorization of `kube-apiserver-kubelet-client`). Routes:
 * - `GET /containerLogs/<ns>/<pod>/<container>?follow&tailLines&timestamps&sinceSeconds&sinceTime&previous&limitBytes`
 * - `GET /exec/<ns>/<pod>/<container>?command=…&stdin&stdout&stderr&tty` upgraded to WebSocket v5.channel.k8s.io
 * - `GET /attach/<ns>/<pod>/<container>?stdin&stdout&stderr&tty`, the same (attach.ts when the runtime cannot attach)
 * - `GET /portForward/<ns>/<pod>?port=P&container=C` upgraded to a plain WebSocket per connection (portforward.ts);
 *   `container` (any of the pod's) locates the sandbox
 * - `GET /healthz`
 * Errors are a Kubernetes Status (JSON) with kubelet's messages; the API server relays them.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Runtime } from '../runtime.js';
import { parseLogQuery } from './cri-log.js';
import { fileFeed, memoryFeed, streamLog } from './log-stream.js';
import { V5_PROTOCOL, failureStatus, finish, parseExecQuery, relaySession } from './exec-channel.js';
import type { ContainerResolver } from './resolve.js';
import { logAttachSession } from './attach.js';
import { forwardError, relayForward } from './portforward.js';

/** The CN the API server's kubelet client certificate carries (kubeadm's apiserver-kubelet-client). */
export const KUBELET_CLIENT_CN = 'kube-apiserver-kubelet-client';

/** Options of the streaming server. */
export interface StreamingServerOptions {
  /** serving certificate and key, and the CA client certificates must chain to */
  tls: { certPem: string; keyPem: string; caPem: string };
  /** 0 = a random free port */
  port: number;
  host?: string;
  runtime: Runtime;
  resolve: ContainerResolver;
  /** client certificate CNs allowed in (default: KUBELET_CLIENT_CN) */
  allowedClients?: string[];
  /** follow poll interval */
  pollMs?: number;
  now?: () => number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

function sendStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function rejectUpgrade(socket: Socket, code: number, reason: string, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  socket.end(`HTTP/1.1 ${code} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/** `/<kind>/<ns>/<pod>/<container>` → its parts. */
function route(url: URL, kind: string): { ns: string; pod: string; container: string } | undefined {
  const parts = url.pathname.split('/').filter((p) => p !== '');
  if (parts.length !== 4 || parts[0] !== kind) return undefined;
  const [ns, pod, container] = parts.slice(1).map((p) => decodeURIComponent(p));
  return ns && pod && container ? { ns, pod, container } : undefined;
}

/** The running streaming server. */
export class StreamingServer {
  readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (p) => (p.has(V5_PROTOCOL) ? V5_PROTOCOL : false) });
  private readonly plainWss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly allowed: Set<string>;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(private readonly opts: StreamingServerOptions) {
    this.allowed = new Set(opts.allowedClients ?? [KUBELET_CLIENT_CN]);
    this.server = createServer({ cert: opts.tls.certPem, key: opts.tls.keyPem, ca: opts.tls.caPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      void this.handle(req, res).catch((e: unknown) => {
        opts.log?.('streaming request failed', { path: req.url, error: e instanceof Error ? e.message : String(e) });
        if (!res.headersSent) sendStatus(res, 500, 'InternalError', e instanceof Error ? e.message : String(e));
        else res.end();
      });
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      socket.on('error', () => {});
      void this.upgrade(req, socket, head).catch((e: unknown) => rejectUpgrade(socket, 500, 'InternalError', e instanceof Error ? e.message : String(e)));
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('tlsClientError', () => {});
  }

  /** Listens; resolves with the port (the one published in the Node's daemonEndpoints). */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host ?? '0.0.0.0', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  /** The listening port (0 before listen). */
  get listeningPort(): number {
    return this.port;
  }

  /** Stops listening and ends open streams. */
  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    for (const c of this.plainWss.clients) c.terminate();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  /** The caller's CN when its certificate is allowed. */
  private authorized(req: IncomingMessage): boolean {
    const sock = req.socket as TLSSocket;
    if (!sock.authorized) return false;
    const cn = sock.getPeerCertificate().subject?.CN;
    return typeof cn === 'string' && this.allowed.has(cn);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    if (!this.authorized(req)) return sendStatus(res, 403, 'Forbidden', 'Forbidden (user is not allowed to access the node agent)');
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    const r = route(url, 'containerLogs');
    if (!r || (req.method !== 'GET' && req.method !== 'HEAD')) return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
    const now = (this.opts.now ?? Date.now)();
    let q;
    try {
      q = parseLogQuery(url.searchParams, now);
    } catch (e) {
      return sendStatus(res, 400, 'BadRequest', e instanceof Error ? e.message : String(e));
    }
    const found = await this.opts.resolve(r.ns, r.pod, r.container, q.previous);
    if (!('id' in found)) return sendStatus(res, found.code, found.reason, found.message);
    const rt = this.opts.runtime;
    const path = rt.logPath(found.id);
    const feed = path ? fileFeed(path) : rt.logs ? memoryFeed(() => rt.logs?.(found.id) ?? []) : undefined;
    if (!feed) return sendStatus(res, 400, 'BadRequest', `container "${r.container}" in pod "${r.pod}" keeps no logs`);
    const ac = new AbortController();
    res.on('close', () => ac.abort());
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    res.flushHeaders();
    await streamLog(feed, q, {
      signal: ac.signal,
      pollMs: this.opts.pollMs,
      running: () => rt.containerStatus(found.id)?.state === 'running',
      write: (s) =>
        new Promise<void>((resolve) => {
          if (res.write(s)) resolve();
          else res.once('drain', resolve).once('close', resolve);
        }),
    });
    res.end();
  }

  private async upgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    if (!this.authorized(req)) return rejectUpgrade(socket, 403, 'Forbidden', 'Forbidden (user is not allowed to access the node agent)');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    if (parts[0] === 'portForward') return this.portForward(req, socket, head, url);
    const kind = parts[0] === 'attach' ? 'attach' : 'exec';
    const r = route(url, kind);
    if (!r) return rejectUpgrade(socket, 404, 'NotFound', 'the server could not find the requested resource');
    if (kind === 'attach') return this.attach(req, socket, head, url, r);
    const exec = parseExecQuery(url.searchParams);
    if (exec.command.length === 0) return rejectUpgrade(socket, 400, 'BadRequest', 'you must specify at least 1 command');
    const found = await this.opts.resolve(r.ns, r.pod, r.container, false);
    const ws = await new Promise<WebSocket>((resolve) => this.wss.handleUpgrade(req, socket, head, resolve));
    if (!('id' in found)) return finish(ws, failureStatus(found.message, found.code, found.reason));
    const rt = this.opts.runtime;
    const state = rt.containerStatus(found.id)?.state;
    if (state !== 'running') return finish(ws, failureStatus(`container ${r.container} is not running (state: ${state ?? 'unknown'})`, 400, 'BadRequest'));
    if (!rt.exec) return finish(ws, failureStatus(`the ${rt.name} runtime does not support exec`, 400, 'BadRequest'));
    try {
      const session = await rt.exec(found.id, { command: exec.command, stdin: exec.stdin, tty: exec.tty });
      relaySession(ws, session, { stdout: exec.stdout || exec.tty, stderr: exec.stderr });
    } catch (e) {
      finish(ws, failureStatus(e instanceof Error ? e.message : String(e)));
    }
  }

  /** attach: the runtime's own attach, else the container's log followed (no stdin). */
  private async attach(req: IncomingMessage, socket: Socket, head: Buffer, url: URL, r: { ns: string; pod: string; container: string }): Promise<void> {
    const want = parseExecQuery(url.searchParams);
    const found = await this.opts.resolve(r.ns, r.pod, r.container, false);
    const ws = await new Promise<WebSocket>((resolve) => this.wss.handleUpgrade(req, socket, head, resolve));
    if (!('id' in found)) return finish(ws, failureStatus(found.message, found.code, found.reason));
    const rt = this.opts.runtime;
    const id = found.id;
    const state = rt.containerStatus(id)?.state;
    if (state !== 'running') return finish(ws, failureStatus(`container ${r.container} is not running (state: ${state ?? 'unknown'})`, 400, 'BadRequest'));
    try {
      let session;
      if (rt.attach) session = await rt.attach(id, { stdin: want.stdin, tty: want.tty });
      else {
        const path = rt.logPath(id);
        const feed = path ? fileFeed(path) : rt.logs ? memoryFeed(() => rt.logs?.(id) ?? []) : undefined;
        if (!feed) return finish(ws, failureStatus(`the ${rt.name} runtime cannot attach to container ${r.container}`, 400, 'BadRequest'));
        session = await logAttachSession({ feed, running: () => rt.containerStatus(id)?.state === 'running', pollMs: this.opts.pollMs });
      }
      relaySession(ws, session, { stdout: want.stdout || want.tty, stderr: want.stderr });
    } catch (e) {
      finish(ws, failureStatus(e instanceof Error ? e.message : String(e)));
    }
  }

  /** One forwarded connection to a port of the pod's sandbox. */
  private async portForward(req: IncomingMessage, socket: Socket, head: Buffer, url: URL): Promise<void> {
    const parts = url.pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
    const [, ns, pod] = parts;
    const port = Number(url.searchParams.get('port'));
    const container = url.searchParams.get('container') ?? '';
    if (!ns || !pod || parts.length < 3 || parts.length > 4) return rejectUpgrade(socket, 404, 'NotFound', 'the server could not find the requested resource');
    if (!Number.isInteger(port) || port <= 0 || port > 65535) return rejectUpgrade(socket, 400, 'BadRequest', `invalid port ${JSON.stringify(url.searchParams.get('port') ?? '')}`);
    const found = await this.opts.resolve(ns, pod, container, false);
    // Dial before the handshake, so no byte from the client arrives before the relay exists.
    let conn: Duplex | undefined;
    let problem: string | undefined;
    const rt = this.opts.runtime;
    const sandbox = 'id' in found ? rt.containerStatus(found.id)?.sandboxId : undefined;
    if (!('id' in found)) problem = `error forwarding port ${port} to pod ${pod}: ${found.message}`;
    else if (!rt.portForward || !sandbox) problem = `error forwarding port ${port} to pod ${pod}: the ${rt.name} runtime does not support port-forward`;
    else {
      try {
        conn = await rt.portForward(sandbox, port);
      } catch (e) {
        problem = e instanceof Error ? e.message : String(e);
      }
    }
    const ws = await new Promise<WebSocket>((resolve) => this.plainWss.handleUpgrade(req, socket, head, resolve));
    if (conn) relayForward(ws, conn);
    else forwardError(ws, problem ?? 'port-forward failed');
  }
}
