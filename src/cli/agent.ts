/**
 * `kubeling agent`: a node agent (our kubelet) joining a running cluster from a kubeconfig with a
 * client certificate. One process runs one real node (`--runtime process`, the default) or N
 * simulated ones (`--simulated --nodes N`). SIGTERM/SIGINT stop the agent; with the process
 * runtime the containers keep running (live-restore: the next agent adopts them from its state
 * dir), as kubelet leaves containers to the runtime when it exits.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Taint } from 'kubernetes-types/core/v1.js';
import { UsageError, type OptionSpec, type ParsedOptions } from './options.js';
import { createLogger } from './log.js';
import { RestClient } from '../client/rest.js';
import { parseKubeconfig } from '../client/kubeconfig.js';
import { startAgent, type AgentOptions, type AgentStreamingOptions } from '../agent/index.js';
import { BootstrapToken, parseBootstrapToken } from '../controllers/bootstrap/index.js';
import { bootstrapClientCertificate, bootstrapServingCertificate, type BootstrapResult } from './join.js';

/** Flags of `kubeling agent` (kubelet's names where kubelet has the flag). */
export const agentOptions: OptionSpec[] = [
  { name: 'kubeconfig', type: 'string', default: '', help: 'kubeconfig with the cluster address, CA and a client certificate (or join with --server, --token and --ca-cert)' },
  { name: 'server', type: 'string', default: '', help: 'join: the API server URL (https://HOST:PORT), with --token and --ca-cert instead of --kubeconfig' },
  { name: 'token', type: 'string', default: '', help: 'join: a bootstrap token (kubeling token create); the node gets its client certificate through a CSR and keeps it in <data-dir>/kubelet.kubeconfig, reused on later starts' },
  { name: 'ca-cert', type: 'string', default: '', help: "join: the cluster CA certificate file (the control plane's <data-dir>/pki/ca.crt) the API server is verified against" },
  { name: 'bootstrap-timeout', type: 'number', default: 60, help: 'join: seconds to wait for the CSR to be approved and signed' },
  { name: 'node-name', type: 'string', default: '', help: "the node's name (default: this machine's hostname)" },
  { name: 'runtime', type: 'string', default: 'process', help: 'process (real isolated processes on this machine) | simulated (no processes)' },
  { name: 'simulated', type: 'boolean', default: false, help: 'shorthand for --runtime simulated' },
  { name: 'nodes', type: 'number', default: 1, help: 'with the simulated runtime: register this many nodes <prefix>-0..<prefix>-N-1. N > 1 needs --kubeconfig with an identity bound to the ClusterRole system:kubeling:simulated-nodes (or a cluster admin): a node joining with --token is one node, system:node:<name>' },
  { name: 'node-name-prefix', type: 'string', default: '', help: 'simulated node name prefix (default: <node-name>-sim)' },
  { name: 'node-index-offset', type: 'number', default: 1000, help: "simulated nodes' first index for made-up IPs, pod CIDRs and zones (disjoint from kubeling up's --simulated-nodes below it)" },
  { name: 'node-ip', type: 'string', default: '127.0.0.1', help: "the node's InternalIP (process runtime)" },
  { name: 'node-labels', type: 'string', default: '', help: 'extra node labels: key=value,key2=value2' },
  { name: 'register-with-taints', type: 'string', default: '', help: 'taints to register with: key=value:Effect,key:Effect' },
  { name: 'data-dir', type: 'string', default: '', help: 'state (live-restore), container logs and the agent log (default /var/lib/kubeling/agent/<node-name>)' },
  { name: 'pod-cidr', type: 'string', default: '10.240.0.0/24', help: "process runtime: this node's pod CIDR (must not overlap other nodes': kubeling up's local node uses 10.244.0.0/24, its simulated nodes 10.244.0.0/16 on)" },
  { name: 'bridge', type: 'string', default: 'kubeling0', help: "process runtime: the node bridge (another name when kubeling up's local node runs on this machine too)" },
  { name: 'streaming', type: 'boolean', default: true, help: 'serve kubectl logs/exec/port-forward for pods on this node (needs --tls-cert-file and --tls-private-key-file; --no-streaming turns it off)' },
  { name: 'tls-cert-file', type: 'string', default: '', help: "the streaming server's serving certificate, signed by the cluster CA (CSR-issued serving certificates land with access control)" },
  { name: 'tls-private-key-file', type: 'string', default: '', help: 'the key of --tls-cert-file' },
  { name: 'streaming-port', type: 'number', default: 0, help: 'streaming server port (0 picks a free one; published in the Node status)' },
  { name: 'streaming-address', type: 'string', default: '', help: 'the address the API server dials for streaming (default: the node IP)' },
  { name: 'log-format', type: 'string', default: 'json', help: 'json | text' },
  { name: 'help', type: 'boolean', default: false, help: 'show this help' },
];

/** Parses `--node-labels` (`k=v,k2=v2`, as kubelet's mapStringString flag). */
export function parseNodeLabels(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid --node-labels entry "${part}": want key=value`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

const effects = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

/** Parses `--register-with-taints` (`key=value:Effect` or `key:Effect`, comma separated, as kubelet). */
export function parseTaints(spec: string): Taint[] {
  const out: Taint[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const colon = part.lastIndexOf(':');
    const effect = colon > 0 ? part.slice(colon + 1) : '';
    if (!effects.has(effect)) throw new UsageError(`invalid taint "${part}": effect must be one of NoSchedule, PreferNoSchedule, NoExecute`);
    const kv = part.slice(0, colon);
    const eq = kv.indexOf('=');
    const key = eq >= 0 ? kv.slice(0, eq) : kv;
    if (!key) throw new UsageError(`invalid taint "${part}": empty key`);
    out.push(eq >= 0 ? { key, value: kv.slice(eq + 1), effect } : { key, effect });
  }
  return out;
}

/** The node name and data dir a command line asks for (hostname and /var/lib/kubeling/agent/<node> by default). */
export function agentIdentity(o: ParsedOptions): { nodeName: string; dataDir: string } {
  const nodeName = String(o['node-name'] || hostname().toLowerCase());
  return { nodeName, dataDir: resolve(String(o['data-dir'] || join('/var/lib/kubeling/agent', nodeName))) };
}

/** The startAgent options a command line asks for (pure apart from reading certificate files). */
export function agentStartOptions(o: ParsedOptions, client: RestClient, caPem: string): Omit<AgentOptions, 'log'> & { dataDir: string } {
  const runtime = o.simulated === true ? 'simulated' : String(o.runtime);
  if (runtime !== 'process' && runtime !== 'simulated') throw new UsageError(`unknown --runtime "${runtime}": want process or simulated`);
  const { nodeName, dataDir } = agentIdentity(o);
  const nodes = Number(o.nodes);
  if (runtime === 'process' && nodes !== 1) throw new UsageError('--nodes needs the simulated runtime (--simulated)');
  if (!Number.isInteger(nodes) || nodes < 1) throw new UsageError('--nodes must be a positive integer');
  const certFile = String(o['tls-cert-file'] ?? '');
  const keyFile = String(o['tls-private-key-file'] ?? '');
  if (Boolean(certFile) !== Boolean(keyFile)) throw new UsageError('--tls-cert-file and --tls-private-key-file go together');
  let streaming: AgentStreamingOptions | undefined;
  if (o.streaming !== false && certFile) {
    const address = String(o['streaming-address'] || (runtime === 'simulated' ? '127.0.0.1' : o['node-ip']));
    streaming = { tls: { certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8'), caPem }, port: Number(o['streaming-port']), address };
  }
  const labels = parseNodeLabels(String(o['node-labels'] ?? ''));
  const taints = parseTaints(String(o['register-with-taints'] ?? ''));
  return {
    client,
    nodeName,
    runtime,
    dataDir,
    labels,
    taints,
    logDir: join(dataDir, 'pods'),
    ...(runtime === 'simulated'
      ? { simulatedNodes: nodes, simulatedNamePrefix: String(o['node-name-prefix'] || `${nodeName}-sim`), simulatedIndexOffset: Number(o['node-index-offset']) }
      : { podCIDR: String(o['pod-cidr']), nodeIP: String(o['node-ip']), process: { stateDir: join(dataDir, 'state'), logDir: join(dataDir, 'pods'), bridge: String(o.bridge) } }),
    ...(streaming ? { streaming } : {}),
  };
}

/** The usage error of `--nodes N` (N > 1) with a token join. */
export const JOIN_ONE_NODE_MESSAGE =
  'a node joining with --token gets a certificate for one node only (system:node:<name>), and NodeRestriction lets it change no other node: ' +
  'run several simulated nodes (--nodes N > 1) with --kubeconfig and an identity bound to the ClusterRole system:kubeling:simulated-nodes (or a cluster admin, e.g. <data-dir>/admin.kubeconfig of kubeling up)';

/**
 * How the agent gets its credentials: from --kubeconfig, or by joining with --server/--token.
 * Checked before anything is contacted, so a combination that could not work fails at once.
 */
export function credentialMode(o: ParsedOptions): 'kubeconfig' | 'join' {
  const kubeconfig = String(o.kubeconfig ?? '');
  const joining = !kubeconfig && Boolean(o.server || o.token);
  if (!kubeconfig && !joining) throw new UsageError('--kubeconfig (a kubeconfig with a client certificate, e.g. <data-dir>/admin.kubeconfig of kubeling up) or --server, --token and --ca-cert (join with a bootstrap token) is required');
  const simulated = o.simulated === true || String(o.runtime) === 'simulated';
  if (joining && simulated && Number(o.nodes) !== 1) throw new UsageError(JOIN_ONE_NODE_MESSAGE);
  return joining ? 'join' : 'kubeconfig';
}

/** Runs `kubeling agent` until SIGTERM/SIGINT. */
export async function agent(o: ParsedOptions): Promise<void> {
  const kubeconfig = String(o.kubeconfig ?? '');
  const joining = credentialMode(o) === 'join';
  const joined = joining ? await joinCluster(o) : undefined;
  const creds = joined ? joined.creds : parseKubeconfig(readFileSync(kubeconfig, 'utf8'), resolve(kubeconfig));
  const client = new RestClient(creds);
  const opts = agentStartOptions(o, client, creds.caPem);
  if (joined) await asJoinedNode(o, opts, client, creds.caPem);
  const log = createLogger(String(o['log-format']), join(opts.dataDir, 'agent.log'));
  const t0 = process.hrtime.bigint();
  const running = await startAgent({ ...opts, log: (msg, f) => log.info(f ?? {}, msg) });
  const ms = Math.round(Number(process.hrtime.bigint() - t0) / 1e6);
  const caps = running.runtime.capabilities?.();
  const degraded = caps && !caps.isolation ? `, ${caps.message ?? 'no isolation'}` : '';
  const what = running.nodes.length === 1 ? `node ${running.nodes[0] ?? ''}` : `${running.nodes.length} nodes ${running.nodes[0] ?? ''}..${running.nodes[running.nodes.length - 1] ?? ''}`;
  process.stdout.write(`✓ ${what} registered with ${creds.server} (${running.runtime.name} runtime${degraded}) in ${ms} ms\n`);
  if (!running.streaming) {
    process.stdout.write('  streaming server off: kubectl logs/exec/attach/port-forward to pods on this agent need --tls-cert-file/--tls-private-key-file (a serving certificate signed by the cluster CA)\n');
  } else {
    process.stdout.write('  streaming server on (its port is published in the Node status)\n');
  }
  process.stdout.write(`Agent running (log: ${join(opts.dataDir, 'agent.log')}; stop with Ctrl-C)\n`);

  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${sig} received, stopping the agent (containers keep running)…\n`);
    await running.stop();
    await client.close();
    log.flush();
    process.exit(0);
  };
  const onSignal = (sig: string) => void shutdown(sig).catch((e: unknown) => {
    process.stderr.write(`error while stopping: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}

/** `--server --token --ca-cert`: the node's client credentials, from its kubelet.kubeconfig or a TLS bootstrap. */
async function joinCluster(o: ParsedOptions): Promise<BootstrapResult> {
  const server = String(o.server ?? '');
  const caFile = String(o['ca-cert'] ?? '');
  if (!server || !caFile) throw new UsageError('joining needs --server URL, --token TOKEN and --ca-cert FILE');
  if (!/^https:\/\//.test(server)) throw new UsageError(`--server must be an https:// URL, got "${server}"`);
  const token = String(o.token ?? '');
  if (token && !parseBootstrapToken(token)) throw new UsageError(`--token must be a bootstrap token of the form "${BootstrapToken.pattern.source}" (kubeling token create prints one)`);
  const { nodeName, dataDir } = agentIdentity(o);
  const r = await bootstrapClientCertificate({ server, token, caPem: readFileSync(resolve(caFile), 'utf8'), nodeName, dataDir, timeoutMs: Number(o['bootstrap-timeout']) * 1000 });
  process.stdout.write(r.reused ? `✓ reusing the node credentials in ${r.kubeconfig}\n` : `✓ node client certificate for system:node:${nodeName} issued; written to ${r.kubeconfig}\n`);
  return r;
}

/**
 * A joined node is exactly the one node its certificate names (NodeRestriction lets it change no
 * other): a simulated agent registers --node-name itself rather than <prefix>-N, and without
 * --tls-cert-file its streaming server gets a serving certificate through a kubelet-serving CSR.
 */
async function asJoinedNode(o: ParsedOptions, opts: Omit<AgentOptions, 'log'> & { dataDir: string }, client: RestClient, caPem: string): Promise<void> {
  if (opts.runtime === 'simulated') {
    delete opts.simulatedNodes;
    delete opts.simulatedNamePrefix;
    delete opts.simulatedIndexOffset;
    opts.labels = { ...opts.labels, 'kubeling.dev/simulated': 'true' };
    opts.podCIDR = String(o['pod-cidr']);
  }
  if (o.streaming === false || opts.streaming) return;
  const address = String(o['streaming-address'] || (opts.runtime === 'simulated' ? '127.0.0.1' : o['node-ip']));
  const serving = await bootstrapServingCertificate(client, {
    caPem,
    nodeName: opts.nodeName,
    dataDir: opts.dataDir,
    addresses: [...new Set([address, String(o['node-ip'])])],
    timeoutMs: 10_000,
    log: (msg) => void process.stdout.write(`  ${msg}\n`),
  });
  if (serving) process.stdout.write(`✓ streaming server certificate: ${join(opts.dataDir, 'kubelet-serving.crt')}\n`);
  if (serving) opts.streaming = { tls: { ...serving, caPem }, port: Number(o['streaming-port']), address };
}
