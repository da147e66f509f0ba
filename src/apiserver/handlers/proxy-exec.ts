/**
 * pods/exec (upstream ExecREST + UpgradeAwareHandler): kubectl ≥ 1.30 sends a GET upgraded to
 * WebSocket `v5.channel.k8s.io`. The pod and container are validated first (errors answer the
 * handshake with a Status, which makes kubectl retry over SPDY and print the SPDY answer, so
 * the SPDY POST validates identically). The API server then terminates the client's WebSocket,
 * opens one to the node agent's `/exec/...` and relays messages both ways; when the agent
 * cannot be reached the final Status on channel 3 says why. SPDY/3.1 (kubectl 1.27–1.29) is not
 * implemented: it gets a 400 Status kubectl prints.
 */
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { IncomingMessage } from 'node:http';
import { errors } from '../../api/errors.js';
import type { SubresourceHandler } from '../server.js';
import type { UpgradeBridge } from '../streaming/upgrade.js';
import type { RequestCtx } from './context.js';
import { endpointUrl, loadPod, nodeEndpoint, podNode, requireKubeletClient, resolveContainer, type KubeletClientConfig } from './proxy-common.js';

const V5 = 'v5.channel.k8s.io';

/** What kubectl 1.27–1.29 (SPDY) is told. */
export const SPDY_UNSUPPORTED = 'exec over SPDY is not supported yet; use kubectl ≥ 1.30 (WebSocket v5.channel.k8s.io)';

/** A channel-3 Failure Status for an exec that never ran. */
function failure(message: string): Buffer {
  const status = { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
  return Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(status))]);
}

/** Validates an exec request's parameters as upstream's PodExecOptions validation does. */
function validateExecQuery(q: URLSearchParams): void {
  if (q.getAll('command').length === 0) throw errors.badRequest('you must specify at least 1 command');
  const on = (k: string): boolean => q.get(k) === 'true' || q.get(k) === '1';
  if (!on('stdin') && !on('stdout') && !on('stderr')) throw errors.badRequest('you must specify at least one of stdin, stdout, stderr');
  if (on('tty') && on('stderr')) throw errors.badRequest('tty and stderr cannot both be true');
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
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (p) => (p.has(V5) ? V5 : false) });
  return async (rc: RequestCtx): Promise<void> => {
    const method = (rc.req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    const pod = await loadPod(rc);
    const container = resolveContainer(pod, rc.query.get('container'));
    podNode(pod);
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') throw errors.badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
    validateExecQuery(rc.query);
    const upgrade = String(rc.req.headers.upgrade ?? '').toLowerCase();
    if (upgrade !== 'websocket') throw errors.badRequest(SPDY_UNSUPPORTED);
    const protocols = String(rc.req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (!protocols.includes(V5)) throw errors.badRequest(`unsupported WebSocket subprotocol(s) ${JSON.stringify(protocols.join(','))}: only ${V5} is served`);
    const creds = requireKubeletClient(kubelet);
    const ep = await nodeEndpoint(rc, podNode(pod));
    const conn = bridge.take(rc.req);
    if (!conn) throw errors.badRequest('exec requires an HTTP/1.1 upgrade to WebSocket');
    const client = await new Promise<WebSocket>((resolve) => wss.handleUpgrade(rc.req as IncomingMessage, conn.socket, conn.head, resolve));
    const q = new URLSearchParams();
    for (const k of ['command', 'stdin', 'stdout', 'stderr', 'tty']) for (const v of rc.query.getAll(k)) q.append(k, v);
    const ns = encodeURIComponent(rc.info.namespace);
    const url = `${endpointUrl(ep, 'wss')}/exec/${ns}/${encodeURIComponent(pod.metadata.name ?? '')}/${encodeURIComponent(container)}?${q.toString()}`;
    // The agent's certificate must chain to the cluster CA, but its names are not checked (agents
    // are dialed by IP, as kube-apiserver dials kubelets). tls treats a falsy result as a match.
    const agent = new WebSocket(url, [V5], { cert: creds.certPem, key: creds.keyPem, ca: creds.caPem, checkServerIdentity: () => false, perMessageDeflate: false });
    relay(client, agent);
    relay(agent, client);
    const fail = (msg: string): void => {
      if (client.readyState === WebSocket.OPEN) {
        client.send(failure(msg), { binary: true });
        client.close(1000);
      }
    };
    agent.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let msg = Buffer.concat(chunks).toString();
        try {
          msg = (JSON.parse(msg) as { message?: string }).message ?? msg;
        } catch {
          // plain text
        }
        fail(msg || `the node agent answered ${res.statusCode ?? 0}`);
      });
    });
    agent.on('error', (e) => fail(`error dialing backend: ${e.message}`));
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
