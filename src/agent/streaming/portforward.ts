/**
 * The agent's end of one forwarded connection (kubelet's `/portForward/<ns>/<pod>`, one
 * WebSocket per TCP connection here, opened by the API server that terminates kubectl's SPDY):
 * binary messages are the bytes both ways, an empty binary message is a half-close, and a text
 * message carries the error kubelet would write on the port-forward error stream, e.g.
 * `error forwarding port 8080 to pod web, uid …: dial tcp4 10.244.0.5:8080: connect: connection refused`.
 */
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';

function toBuffer(d: RawData): Buffer {
  if (Buffer.isBuffer(d)) return d;
  if (Array.isArray(d)) return Buffer.concat(d);
  return Buffer.from(d);
}

/** Reports a forward that could not start, then closes. */
export function forwardError(ws: WebSocket, message: string): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(message, { binary: false });
  ws.close(1000);
}

/** Relays the WebSocket and the pod connection until both directions ended. */
export function relayForward(ws: WebSocket, conn: Duplex): void {
  let podEnded = false;
  let clientEnded = false;
  const maybeClose = (): void => {
    if (podEnded && clientEnded && ws.readyState === ws.OPEN) ws.close(1000);
  };
  conn.on('data', (b: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(b, { binary: true });
  });
  conn.on('end', () => {
    podEnded = true;
    if (ws.readyState === ws.OPEN) ws.send(Buffer.alloc(0), { binary: true });
    maybeClose();
  });
  conn.on('error', (e: Error) => forwardError(ws, e.message));
  conn.on('close', () => {
    podEnded = true;
    clientEnded = true;
    maybeClose();
  });
  ws.on('message', (raw, binary) => {
    if (!binary) return;
    const b = toBuffer(raw);
    if (b.length === 0) {
      clientEnded = true;
      conn.end();
      maybeClose();
    } else conn.write(b);
  });
  ws.on('close', () => conn.destroy());
}
