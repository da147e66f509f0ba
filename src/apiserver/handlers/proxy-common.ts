/**
 * What the pods/log, pods/exec (and attach/portforward) proxies share, after upstream's
 * pkg/registry/core/pod/strategy.go LogLocation/streamLocation: the pod is read, the container
 * resolved (the only one, or the named one) and the node's streaming endpoint found from the
 * Node object (InternalIP and status.daemonEndpoints.kubeletEndpoint.Port; a
 * `kubeling.dev/kubelet-address` annotation overrides the address, for simulated nodes).
 */
import { ApiError, errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { storageKey } from '../resources.js';
import type { WebSocket } from 'ws';
import type { RequestCtx } from './context.js';

/** The API server's client credentials for the node agents (kubeadm's apiserver-kubelet-client). */
export interface KubeletClientConfig {
  certPem: string;
  keyPem: string;
  /** the CA the agents' serving certificates chain to */
  caPem: string;
}

/** Where a node's streaming server is. */
export interface NodeEndpoint {
  host: string;
  port: number;
}

interface PodShape {
  spec?: { nodeName?: string; containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
  status?: { phase?: string };
}

/** Reads the pod the request names (404 as upstream when absent). */
export async function loadPod(rc: RequestCtx): Promise<KubeObject & PodShape> {
  const name = rc.info.name;
  const pod = await rc.deps.store.get(storageKey(rc.def, rc.info.namespace, name));
  if (!pod) throw errors.notFound({ group: '', resource: 'pods' }, name);
  return pod;
}

/**
 * The container a log/exec request means: the `container` parameter when it names one of the
 * pod's containers (init and ephemeral ones included), else the only container.
 */
export function resolveContainer(pod: PodShape & KubeObject, requested: string | null): string {
  const name = pod.metadata.name ?? '';
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  const inits = (pod.spec?.initContainers ?? []).map((c) => c.name);
  const ephemeral = (pod.spec?.ephemeralContainers ?? []).map((c) => c.name);
  if (!requested) {
    if (containers.length === 1) return containers[0]!;
    let msg = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
    if (inits.length) msg += ` or one of the init containers: [${inits.join(' ')}]`;
    if (ephemeral.length) msg += ` or one of the ephemeral containers: [${ephemeral.join(' ')}]`;
    throw errors.badRequest(msg);
  }
  if (![...containers, ...inits, ...ephemeral].includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

/** The node the pod runs on (400 when it has none yet, as upstream). */
export function podNode(pod: PodShape & KubeObject): string {
  const node = pod.spec?.nodeName;
  if (!node) throw errors.badRequest(`pod ${pod.metadata.name ?? ''} does not have a host assigned`);
  return node;
}

/** Finds the node's streaming server address from its Node object. */
export async function nodeEndpoint(rc: RequestCtx, nodeName: string): Promise<NodeEndpoint> {
  const def = rc.deps.resources.lookup('', 'v1', 'nodes');
  const node = def ? await rc.deps.store.get(storageKey(def, '', nodeName)) : undefined;
  if (!node) throw errors.notFound({ group: '', resource: 'nodes' }, nodeName);
  const st = node.status as { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } } | undefined;
  const override = node.metadata.annotations?.['kubeling.dev/kubelet-address'];
  const addrs = st?.addresses ?? [];
  // kube-apiserver's default --kubelet-preferred-address-types order, InternalIP first here.
  const host = override ?? addrs.find((a) => a.type === 'InternalIP')?.address ?? addrs.find((a) => a.type === 'Hostname')?.address ?? addrs.find((a) => a.type === 'ExternalIP')?.address;
  const port = st?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!host || !port) throw errors.badRequest(`node ${nodeName} has no address or streaming port to reach it`);
  return { host, port };
}

/** Base URL of a node's streaming server (IPv6 literals bracketed). */
export function endpointUrl(e: NodeEndpoint, scheme: 'https' | 'wss'): string {
  const host = e.host.includes(':') ? `[${e.host}]` : e.host;
  return `${scheme}://${host}:${e.port}`;
}

/** The agent is not configured: without a kubelet client certificate nothing can be proxied. */
export function requireKubeletClient(k: KubeletClientConfig | undefined): KubeletClientConfig {
  if (!k) throw new ApiError(503, 'ServiceUnavailable', 'the API server has no kubelet client certificate configured; logs and exec are unavailable');
  return k;
}

/** Turns an agent's error answer (a Status, or text) into the API server's error. */
export function agentError(code: number, body: string): ApiError {
  let message = body.trim();
  let reason = '';
  try {
    const s = JSON.parse(body) as { message?: string; reason?: string };
    if (typeof s.message === 'string') message = s.message;
    if (typeof s.reason === 'string') reason = s.reason;
  } catch {
    // a plain-text answer is the message itself
  }
  if (code === 400) return errors.badRequest(message);
  if (code === 404) return new ApiError(404, 'NotFound', message, undefined);
  if (code === 403) return errors.forbidden(message);
  return new ApiError(code >= 400 && code < 600 ? code : 500, (reason || 'InternalError') as ApiError['reason'], message, undefined);
}

/** Reports an agent that refused the WebSocket or could not be dialed. */
export function onAgentFailure(agent: WebSocket, fail: (msg: string) => void): void {
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
}
