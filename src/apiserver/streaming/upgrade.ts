/**
 * HTTP/1.1 upgrade requests (WebSocket exec, SPDY) reach node's http2 server with allowHTTP1 as
 * 'upgrade' events, outside the normal request path. The bridge turns each one back into an
 * ordinary request, so it goes through the same authentication, authorization and routing as
 * every other call, with a response written straight onto the socket; a subresource handler
 * that wants to switch protocols takes the raw socket with `take(req)`.
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Http2SecureServer } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { Req } from '../http.js';

/** The raw connection of an upgrade request. */
export interface UpgradeConnection {
  socket: Duplex;
  head: Buffer;
}

/** Routes upgrade requests through the server's request handler and hands out their sockets. */
export class UpgradeBridge {
  private readonly pending = new WeakMap<object, UpgradeConnection & { res: ServerResponse }>();

  /** Listens for 'upgrade' on the server (HTTP/1.1 requests only; h2 has no upgrade). */
  install(server: Http2SecureServer): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => {});
      const res = new ServerResponse(req);
      // The connection cannot be reused after an answered upgrade attempt.
      res.shouldKeepAlive = false;
      res.assignSocket(socket as unknown as import('node:net').Socket);
      res.on('finish', () => {
        if (this.pending.has(req)) {
          this.pending.delete(req);
          socket.end();
        }
      });
      this.pending.set(req, { socket, head, res });
      server.emit('request', req, res);
    });
  }

  /** Whether the request arrived as an upgrade and its socket is still available. */
  isUpgrade(req: Req): boolean {
    return this.pending.has(req);
  }

  /**
   * Takes over an upgrade request's socket: the placeholder response is detached and the caller
   * now owns the connection (e.g. ws.handleUpgrade). Undefined when the request is not an upgrade.
   */
  take(req: Req): UpgradeConnection | undefined {
    const p = this.pending.get(req);
    if (!p) return undefined;
    this.pending.delete(req);
    p.res.detachSocket(p.socket as unknown as import('node:net').Socket);
    return { socket: p.socket, head: p.head };
  }
}
