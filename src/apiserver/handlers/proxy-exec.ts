/**
 * pods/exec and pods/attach (upstream ExecREST/AttachREST + UpgradeAwareHandler). kubectl ≥ 1.30
 * sends a GET upgraded to WebSocket `v5.channel.k8s.io`; kubectl 1.27–1.29 (and newer ones
 * falling back) a POST upgraded to SPDY/3.1 with `X-Stream-Protocol-Version` v5/v4. The pod and
 * container are validated first (errors answer the handshake with a Status, which makes kubectl
 * retry over SPDY and print the SPDY answer, so both validate identically). The API server then
 * terminates the client's protocol and opens a WebSocket v5 to the node agent's
 * `/exec/...` or `/attach/...`: WebSocket messages are relayed as they are, SPDY streams are
 * mapped to channels (spdy-remotecommand.ts). When the agent cannot be reached the final Status
 * says why.
 */
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { IncomingMessage } from 'node:http';
import { errors } from '../../api/errors.js';
import type { SubresourceHandler } from '../server.js';
import type { UpgradeBridge } from '../streaming/upgrade.js';
import { acceptSpdy, isSpdyUpgrade, negotiate } from '../streaming/spdy-upgrade.js';
import { REMOTECOMMAND_PROTOCOLS, bridgeToAgent, collectStreams } from '../streaming/spdy-remotecommand.js';
import type { RequestCtx } from './context.js';
import { endpointUrl, loadPod, nodeEndpoint, onAgentFailure, podNode, requireKubeletClient, resolveContainer, type KubeletClientConfig } from './proxy-common.js';

const V5 = 'v5.channel.k8s.io';

/** What a request that upgrades to neither WebSocket nor SPDY/3.1 is told. */
export const SPDY_UNSUPPORTED = 'exec and attach need an upgrade to WebSocket (v5.channel.k8s.io) or SPDY/3.1';

/** A channel-3 Failure Status for an exec that never ran. */
function failure(message: string): Buffer {
  const status = { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
  return Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(status))]);
}

/** A boolean query parameter as upstream's parameter codec reads it. */
const on = (q: URLSearchParams, k: string): boolean => q.get(k) === 'true' || q.get(k) === '1';

/** Validates an exec request's parameters as upstream's PodExecOptions validation does. */
function validateExecQuery(q: URLSearchParams, kind: 'exec' | 'attach'): void {
  if (kind === 'exec' && q.getAll('command').length === 0) throw errors.badRequest('you must specify at least 1 command');
  if (!on(q, 'stdin') && !on(q, 'stdout') && !on(q, 'stderr')) throw errors.badRequest('you must specify at least one of stdin, stdout, stderr');
  if (on(q, 'tty') && on(q, 'stderr')) throw errors.badRequest('tty and stderr cannot both be true');
}

/** Relays every message of `from` to `to`, buffering while `to` is still connecting. */
function relay(from: WebSocket, to: WebSocket): void {
  const queue: { data: RawData; binary: boolean }[] = [];
  from.on('message', (data, binary) => {
    if (to.readyState === WebSocket.OPEN) to.send(data, { binary });
    else if (to.readyState === WebSocket.CONNECTING) queue.push({ data, binary });
  });
  to.on('open', () => {
    for (const m of queue.splice(0)) to.send(m.data, { binary: m.binary });
  });
}

/** The pods/exec handler; `bridge` hands out upgrade sockets, `kubelet` is the agents' client certificate. */
export function execHandler(kubelet: KubeletClientConfig | undefined, bridge: UpgradeBridge): SubresourceHandler {
  return remoteCommandHandler('exec', kubelet, bridge);
}

/** A WebSocket v5 to the agent's `/<kind>/<ns>/<pod>/<container>` with the stream parameters. */
function dialAgent(creds: KubeletClientConfig, base: string, kind: 'exec' | 'attach', ns: string, pod: string, container: string, query: URLSearchParams): WebSocket {
  const q = new URLSearchParams();
  for (const k of [...(kind === 'exec' ? ['command'] : []), 'stdin', 'stdout', 'stderr', 'tty']) for (const v of query.getAll(k)) q.append(k, v);
  const url = `${base}/${kind}/${encodeURIComponent(ns)}/${encodeURIComponent(pod)}/${encodeURIComponent(container)}?${q.toString()}`;
  // The agent's certificate must chain to the cluster CA, but its names are not checked (agents
  // are dialed by IP, as kube-apiserver dials kubelets). tls treats a falsy result as a match.
  return new WebSocket(url, [V5], { cert: creds.certPem, key: creds.keyPem, ca: creds.caPem, checkServerIdentity: () => false, perMessageDeflate: false });
}


/** exec or attach: validation, then the WebSocket relay or the SPDY bridge to the agent. */
export function remoteCommandHandler(kind: 'exec' | 'attach', kubelet: KubeletClientConfig | undefined, bridge: UpgradeBridge): SubresourceHandler {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (p) => (p.has(V5) ? V5 : false) });
  return async (rc: RequestCtx): Promise<void> => {
    const method = (rc.req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    const pod = await loadPod(rc);
    const container = resolveContainer(pod, rc.query.get('container'));
    podNode(pod);
    const phase = pod.status?.phase;
    const verb = kind === 'exec' ? 'exec into' : 'attach to';
    if (phase === 'Succeeded' || phase === 'Failed') throw errors.badRequest(`cannot ${verb} a container in a completed pod; current phase is ${phase}`);
    validateExecQuery(rc.query, kind);
    const upgrade = String(rc.req.headers.upgrade ?? '').toLowerCase();
    const spdy = isSpdyUpgrade(rc.req as IncomingMessage);
    if (upgrade !== 'websocket' && !spdy) throw errors.badRequest(SPDY_UNSUPPORTED);
    const podName = pod.metadata.name ?? '';
    if (spdy) {
      const protocol = negotiate(rc.req as IncomingMessage, REMOTECOMMAND_PROTOCOLS);
      const creds = requireKubeletClient(kubelet);
      const ep = await nodeEndpoint(rc, podNode(pod));
      const conn = bridge.take(rc.req);
      if (!conn) throw errors.badRequest(`${kind} requires an HTTP/1.1 upgrade to SPDY/3.1`);
      const session = acceptSpdy(conn.socket, conn.head, protocol);
      const q = rc.query;
      const streams = await collectStreams(session, { stdin: on(q, 'stdin'), stdout: on(q, 'stdout'), stderr: on(q, 'stderr'), tty: on(q, 'tty') }).catch(() => undefined);
      if (!streams) {
        await session.close();
        return;
      }
      const agent = dialAgent(creds, endpointUrl(ep, 'wss'), kind, rc.info.namespace, podName, container, q);
      const b = bridgeToAgent(session, streams, agent);
      onAgentFailure(agent, (msg) => b.fail(msg));
      return;
    }
    const protocols = String(rc.req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (!protocols.includes(V5)) throw errors.badRequest(`unsupported WebSocket subprotocol(s) ${JSON.stringify(protocols.join(','))}: only ${V5} is served`);
    const creds = requireKubeletClient(kubelet);
    const ep = await nodeEndpoint(rc, podNode(pod));
    const conn = bridge.take(rc.req);
    if (!conn) throw errors.badRequest(`${kind} requires an HTTP/1.1 upgrade to WebSocket`);
    const client = await new Promise<WebSocket>((resolve) => wss.handleUpgrade(rc.req as IncomingMessage, conn.socket, conn.head, resolve));
    const agent = dialAgent(creds, endpointUrl(ep, 'wss'), kind, rc.info.namespace, podName, container, rc.query);
    relay(client, agent);
    relay(agent, client);
    const fail = (msg: string): void => {
      if (client.readyState === WebSocket.OPEN) {
        client.send(failure(msg), { binary: true });
        client.close(1000);
      }
    };
    onAgentFailure(agent, fail);
    agent.on('close', (code) => {
      if (client.readyState === WebSocket.OPEN) client.close(code === 1005 || code === 1006 ? 1000 : code);
    });
    client.on('close', () => {
      if (agent.readyState === WebSocket.OPEN) agent.close(1000);
      else if (agent.readyState === WebSocket.CONNECTING) agent.terminate();
    });
    client.on('error', () => agent.terminate());
  };
}
