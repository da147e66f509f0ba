/**
 * The server half of `Upgrade: SPDY/3.1` (upstream httpstream.Handshake + spdy.Upgrader): the
 * client lists `X-Stream-Protocol-Version` values in preference order (one header per value);
 * the first one the server also supports is chosen and echoed on the 101, which switches the
 * connection to a SPDY/3.1 session where the client opens the streams.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from '../../api/errors.js';
import { SpdySession } from './spdy-session.js';

/** The upgrade token kubectl sends. */
export const SPDY_UPGRADE = 'SPDY/3.1';

/** Whether a request asks to upgrade to SPDY/3.1. */
export function isSpdyUpgrade(req: IncomingMessage): boolean {
  return String(req.headers.upgrade ?? '').toLowerCase() === SPDY_UPGRADE.toLowerCase();
}

/** The client's `X-Stream-Protocol-Version` values, in its order. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headersDistinct?.['x-stream-protocol-version'] ?? [];
  return raw.flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Picks the protocol (client preference wins) or throws upstream's 403: kubectl prints it as
 * `Error from server (Forbidden): ...` (exec) or `error upgrading connection: ...` (port-forward).
 */
export function negotiate(req: IncomingMessage, serverSupports: readonly string[]): string {
  const offered = offeredProtocols(req);
  const chosen = offered.find((p) => serverSupports.includes(p));
  if (!chosen) {
    throw new ApiError(403, 'Forbidden', `unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(offered)}, server supports ${JSON.stringify(serverSupports)}`, undefined);
  }
  return chosen;
}

/**
 * Answers 101 on the raw socket and starts a server session over it. The session closes the
 * socket when it ends, and ends when the socket does.
 */
export function acceptSpdy(socket: Duplex, head: Buffer, protocol: string): SpdySession {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${SPDY_UPGRADE}\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
  const session = new SpdySession({
    server: true,
    write: (b) => {
      if (!socket.destroyed && socket.writable) socket.write(b);
    },
    end: () => socket.end(),
  });
  socket.on('data', (b: Buffer) => session.receive(b));
  socket.on('close', () => session.transportClosed());
  socket.on('end', () => session.transportClosed());
  socket.on('error', () => session.transportClosed());
  session.on('error', () => {});
  if (head.length > 0) session.receive(head);
  return session;
}
