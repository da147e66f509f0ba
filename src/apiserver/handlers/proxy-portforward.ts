/**
 * pods/portforward (upstream PortForwardREST): kubectl POSTs an upgrade to SPDY/3.1 with
 * `X-Stream-Protocol-Version: portforward.k8s.io`, or (≥ 1.31) GETs a WebSocket with the single
 * subprotocol `SPDY/3.1+portforward.k8s.io`, whose binary messages carry raw SPDY frames. Either
 * way the API server runs the SPDY session itself (spdy-portforward.ts) and forwards each
 * connection to the node agent's `/portForward/<ns>/<pod>?port=P` over a WebSocket: binary
 * messages are the bytes, an empty binary message is a half-close, a text message is the error
 * kubelet would write on the error stream.
 */
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { errors } from '../../api/errors.js';
import type { SubresourceHandler } from '../server.js';
import type { UpgradeBridge } from '../streaming/upgrade.js';
import { acceptSpdy, isSpdyUpgrade, negotiate } from '../streaming/spdy-upgrade.js';
import { SpdySession } from '../streaming/spdy-session.js';
import { PORTFORWARD_PROTOCOL, PORTFORWARD_WEBSOCKET_PROTOCOL, servePortForward, type ForwardTarget } from '../streaming/spdy-portforward.js';
import type { RequestCtx } from './context.js';
import { endpointUrl, loadPod, nodeEndpoint, onAgentFailure, podNode, requireKubeletClient, type KubeletClientConfig } from './proxy-common.js';

const PROTOCOL_PLACEHOLDER = 'kubeling-spdy-portforward';

function toBuffer(d: RawData): Buffer {
  if (Buffer.isBuffer(d)) return d;
  if (Array.isArray(d)) return Buffer.concat(d);
  return Buffer.from(d);
}

/** The agent's WebSocket for one forwarded connection, as a Duplex with half-close. */
export function agentForward(url: string, creds: KubeletClientConfig): ForwardTarget {
  const ws = new WebSocket(url, { cert: creds.certPem, key: creds.keyPem, ca: creds.caPem, checkServerIdentity: () => false, perMessageDeflate: false });
  const queue: Buffer[] = [];
  const send = (b: Buffer): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(b, { binary: true });
    else if (ws.readyState === WebSocket.CONNECTING) queue.push(b);
  };
  const errorCbs: ((m: string) => void)[] = [];
  const report = (m: string): void => {
    for (const cb of errorCbs.splice(0)) cb(m);
  };
  const stream = new Duplex({
    allowHalfOpen: true,
    read() {},
    write(chunk: Buffer, _enc, cb) {
      send(chunk);
      cb();
    },
    final(cb) {
      send(Buffer.alloc(0));
      cb();
    },
    destroy(err, cb) {
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      cb(err);
    },
  });
  ws.on('open', () => {
    for (const b of queue.splice(0)) ws.send(b, { binary: true });
  });
  ws.on('message', (raw, binary) => {
    const b = toBuffer(raw);
    if (!binary) report(b.toString());
    else if (b.length === 0) stream.push(null);
    else stream.push(b);
  });
  onAgentFailure(ws, report);
  ws.on('close', () => {
    stream.push(null);
    stream.destroy();
  });
  return { stream, onError: (cb) => errorCbs.push(cb) };
}

/** The pods/portforward handler. */
export function portForwardHandler(kubelet: KubeletClientConfig | undefined, bridge: UpgradeBridge): SubresourceHandler {
  // `SPDY/3.1+portforward.k8s.io` is not an RFC 7230 token ('/'), which ws refuses to parse;
  // the handshake sees a placeholder and the 101 names the real subprotocol.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (p) => (p.has(PROTOCOL_PLACEHOLDER) ? PORTFORWARD_WEBSOCKET_PROTOCOL : false) });
  return async (rc: RequestCtx): Promise<void> => {
    const method = (rc.req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    const pod = await loadPod(rc);
    const node = podNode(pod);
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') throw errors.badRequest(`cannot port-forward to a completed pod; current phase is ${phase}`);
    const req = rc.req as IncomingMessage;
    const spdy = isSpdyUpgrade(req);
    const websocket = String(req.headers.upgrade ?? '').toLowerCase() === 'websocket';
    if (!spdy && !websocket) throw errors.badRequest('port-forward needs an upgrade to SPDY/3.1 or to WebSocket (SPDY/3.1+portforward.k8s.io)');
    if (websocket) {
      const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
      if (!protocols.includes(PORTFORWARD_WEBSOCKET_PROTOCOL)) throw errors.badRequest(`unsupported WebSocket subprotocol(s) ${JSON.stringify(protocols.join(','))}: only ${PORTFORWARD_WEBSOCKET_PROTOCOL} is served`);
    }
    const protocol = spdy ? negotiate(req, [PORTFORWARD_PROTOCOL]) : PORTFORWARD_PROTOCOL;
    const creds = requireKubeletClient(kubelet);
    const ep = await nodeEndpoint(rc, node);
    const conn = bridge.take(rc.req);
    if (!conn) throw errors.badRequest('port-forward requires an HTTP/1.1 upgrade');
    const base = `${endpointUrl(ep, 'wss')}/portForward/${encodeURIComponent(rc.info.namespace)}/${encodeURIComponent(pod.metadata.name ?? '')}`;
    // Any of the pod's containers lets the agent find the pod's sandbox.
    const container = encodeURIComponent(pod.spec?.containers?.[0]?.name ?? '');
    const dial = (port: number): ForwardTarget => agentForward(`${base}?port=${port}&container=${container}`, creds);
    if (spdy) {
      servePortForward(acceptSpdy(conn.socket, conn.head, protocol), dial);
      return;
    }
    req.headers['sec-websocket-protocol'] = PROTOCOL_PLACEHOLDER;
    const ws = await new Promise<WebSocket>((resolve) => wss.handleUpgrade(req, conn.socket, conn.head, resolve));
    // The tunnel: SPDY frames cut at arbitrary points into binary messages, both ways.
    const session = new SpdySession({
      server: true,
      write: (b) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(b, { binary: true });
      },
      end: () => ws.close(1000),
    });
    session.on('error', () => {});
    ws.on('message', (raw) => session.receive(toBuffer(raw)));
    ws.on('close', () => session.transportClosed());
    ws.on('error', () => session.transportClosed());
    servePortForward(session, dial);
  };
}
