/**
 * `kubeling up`: the all-in-one cluster on this machine. Creates the data dir and PKI, opens the
 * store, starts the API server, writes and merges the kubeconfig, and prints each step with its
 * timing. SIGINT/SIGTERM shut everything down cleanly; a restart keeps all state.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OptionSpec, ParsedOptions } from './options.js';
import { UsageError } from './options.js';
import { parseQuantity } from '../api/validation/quantity.js';
import { issueClientCertificate, issueServingCertificate } from '../pki/index.js';
import { auditorFromOptions, authenticationFromOptions, openControlPlaneState, securityOptions, step } from './control-plane.js';
import { startApiServer } from '../apiserver/index.js';
import { buildKubeconfig, writeKubeconfig, mergeKubeconfig, defaultKubeconfigPath } from './kubeconfig.js';
import { createLogger } from './log.js';
import { startAgent, type Agent } from '../agent/index.js';
import { RestClient } from '../client/rest.js';
import { startControllers } from '../controllers/index.js';
import { startScheduler, explanationResource } from '../scheduler/index.js';
import { loadSchedulerConfig } from '../scheduler/config.js';
import { metricsResources, agentMetricsSource } from '../metrics/index.js';
import { issueComponentIdentities, componentClient } from './identities.js';

export const upOptions: OptionSpec[] = [
  { name: 'data-dir', type: 'string', default: '', help: 'where state, PKI and logs live (default ~/.kubeling)' },
  { name: 'port', type: 'number', default: 6443, help: 'API server port (0 picks a free one)' },
  { name: 'bind-address', type: 'string', default: '0.0.0.0', help: 'address the API server listens on' },
  { name: 'store', type: 'string', default: 'sqlite', help: 'sqlite | memory:// | etcd://host:port,host:port' },
  { name: 'kubeconfig', type: 'boolean', default: true, help: 'merge a "kubeling" context into $KUBECONFIG or ~/.kube/config and switch to it (--no-kubeconfig skips)' },
  { name: 'local-node', type: 'boolean', default: true, help: 'run a node agent for this machine with the process runtime (--no-local-node: API, controllers and scheduler only)' },
  { name: 'pod-cidr', type: 'string', default: '10.244.0.0/24', help: "the local node's pod CIDR (its first address is the bridge and gateway)" },
  { name: 'simulated-nodes', type: 'number', default: 0, help: 'also register N simulated nodes (pods on them run through their lifecycle without processes)' },
  { name: 'horizontal-pod-autoscaler-sync-period', type: 'number', default: 15, help: 'seconds between HPA syncs' },
  { name: 'horizontal-pod-autoscaler-downscale-stabilization', type: 'number', default: 300, help: 'seconds the HPA looks back over recommendations before scaling down' },
  { name: 'node-monitor-grace-period', type: 'number', default: 40, help: "seconds without a node's Lease renewal or status update before it is marked NotReady/Unknown" },
  { name: 'scheduler-config', type: 'string', default: '', help: 'KubeSchedulerConfiguration file (kubescheduler.config.k8s.io/v1, YAML or JSON): profiles, plugins and weights, pluginConfig' },
  { name: 'compaction-interval', type: 'number', default: 300, help: 'seconds between storage compactions' },
  { name: 'log-format', type: 'string', default: 'json', help: 'json | text' },
  { name: 'container-log-max-size', type: 'string', default: '10Mi', help: "rotate a container's log file at this size (kubelet --container-log-max-size)" },
  { name: 'container-log-max-files', type: 'number', default: 5, help: 'log files kept per container, the live one included (kubelet --container-log-max-files)' },
  { name: 'agent-sync-period', type: 'number', default: 60, help: "seconds between the local node's configMap/secret volume re-syncs (kubelet's syncFrequency; lowered in tests)" },
  ...securityOptions,
  { name: 'help', type: 'boolean', default: false, help: 'show this help' },
];

/** --container-log-max-size / --container-log-max-files as the process runtime's rotation. */
function logRotation(o: ParsedOptions): { maxSizeBytes: number; maxFiles: number } {
  const size = parseQuantity(String(o['container-log-max-size']));
  const files = Number(o['container-log-max-files']);
  if (size === undefined || size < 1024) throw new UsageError(`invalid --container-log-max-size "${String(o['container-log-max-size'])}": a size such as 10Mi, at least 1Ki`);
  if (!Number.isInteger(files) || files < 2) throw new UsageError(`invalid --container-log-max-files ${files}: at least 2 (the live file and one rotated)`);
  return { maxSizeBytes: Math.floor(size), maxFiles: files };
}

export async function up(o: ParsedOptions): Promise<void> {
  const started = process.hrtime.bigint();
  const dataDir = resolve(String(o['data-dir'] || join(homedir(), '.kubeling')));
  // A bad scheduler configuration stops the start before anything is created (as kube-scheduler --config).
  const rotation = logRotation(o);
  const schedulerConfig = o['scheduler-config'] ? loadSchedulerConfig(resolve(String(o['scheduler-config']))) : undefined;
  const log = createLogger(String(o['log-format']), join(dataDir, 'kubeling.log'));
  // A bad audit policy stops the start as well (kube-apiserver --audit-policy-file).
  const audit = auditorFromOptions(o, (m) => log.warn({}, m));

  const { id, pki, store, stopCompactor, release } = await openControlPlaneState({
    dataDir,
    store: String(o.store),
    compactionIntervalMs: Number(o['compaction-interval']) * 1000,
    encryptionProviderConfig: o['encryption-provider-config'] ? resolve(String(o['encryption-provider-config'])) : undefined,
    log: (msg, f) => log.info(f ?? {}, msg),
  });
  let t = process.hrtime.bigint();

  // The API server's client certificate for the agents' streaming servers and the agents' own
  // serving certificate (kubeadm's apiserver-kubelet-client and kubelet serving certs); both
  // live only in memory and are re-issued each start.
  // Each component gets a client certificate of its own (src/cli/identities.ts): RBAC grants it
  // its default role only; the admin certificate is for the admin kubeconfig alone.
  const simulated = Number(o['simulated-nodes']);
  const localNode = o['local-node'] !== false;
  const [kubeletClient, identities] = await Promise.all([
    issueClientCertificate(pki.ca, { commonName: 'kube-apiserver-kubelet-client', organizations: ['kubeadm:cluster-admins'] }),
    issueComponentIdentities(pki.ca, { nodeName: localNode ? id.hostname : undefined, simulatedNodes: simulated > 0, localPathProvisioner: localNode }),
  ]);
  const agentServing = issueServingCertificate(pki.ca, id);

  t = process.hrtime.bigint();
  const api = await startApiServer({
    kubeletClient,
    store,
    tls: { caPem: pki.ca.certPem, certPem: pki.server.certPem, keyPem: pki.server.keyPem },
    port: Number(o.port),
    host: String(o['bind-address']),
    advertiseAddress: id.ips[0] ?? '127.0.0.1',
    log: (msg, f) => log.info(f ?? {}, msg),
    audit,
    ...authenticationFromOptions(o, pki.dir),
  });
  const url = `https://127.0.0.1:${api.port}`;
  step(`API server listening on ${url}`, t);

  t = process.hrtime.bigint();
  const controllerClient = componentClient(url, pki.ca.certPem, identities.controllerManager);
  const schedulerClient = componentClient(url, pki.ca.certPem, identities.scheduler);
  const agentClients: RestClient[] = [];
  // metrics.k8s.io (kubectl top, the HPA) is served from the in-process agent's usage (src/metrics/).
  let agent: Agent | undefined;
  let localAgent: Agent | undefined;
  api.deps.resources.set('metrics', metricsResources(agentMetricsSource(() => [localAgent?.usage, agent?.usage])));
  const controllerOptions = {
    client: controllerClient,
    // the CSR signer issues with the cluster CA (kube-controller-manager's --cluster-signing-*-file)
    ca: pki.ca,
    serviceAccountTokenSigner: api.serviceAccountTokens.legacy.bind(api.serviceAccountTokens),
    log: (msg: string, f?: Record<string, unknown>) => log.info(f ?? {}, msg),
    hpa: { syncPeriodMs: Number(o['horizontal-pod-autoscaler-sync-period']) * 1000, downscaleStabilizationMs: Number(o['horizontal-pod-autoscaler-downscale-stabilization']) * 1000 },
    nodeLifecycle: { nodeMonitorGracePeriodMs: Number(o['node-monitor-grace-period']) * 1000 },
  };
  const controllers = await startControllers(controllerOptions);
  step('controllers started', t);

  t = process.hrtime.bigint();
  // The explanation API reads the in-process scheduler's memory (src/scheduler/README.md).
  for (const w of schedulerConfig?.warnings ?? []) log.warn({ config: o['scheduler-config'] }, `scheduler config: ${w}`);
  const scheduler = await startScheduler({ client: schedulerClient, log: (msg, f) => log.info(f ?? {}, msg), config: schedulerConfig?.config });
  api.deps.resources.set('scheduler', [explanationResource((ns, name) => scheduler.explainPod(ns, name))]);
  step('scheduler started', t);

  if (simulated > 0 && identities.simulatedNodes) {
    t = process.hrtime.bigint();
    const simClient = componentClient(url, pki.ca.certPem, identities.simulatedNodes);
    agentClients.push(simClient);
    agent = await startAgent({ client: simClient, nodeName: 'sim', runtime: 'simulated', simulatedNodes: simulated, streaming: { tls: { ...agentServing, caPem: pki.ca.certPem }, port: 0, host: '127.0.0.1' }, log: (msg, f) => log.info(f ?? {}, msg) });
    step(`${simulated} simulated node(s) registered`, t);
  }

  if (localNode && identities.localNode && identities.localPathProvisioner) {
    t = process.hrtime.bigint();
    const nodeName = id.hostname.toLowerCase();
    const nodeClient = componentClient(url, pki.ca.certPem, identities.localNode);
    const localPathClient = componentClient(url, pki.ca.certPem, identities.localPathProvisioner);
    agentClients.push(nodeClient, localPathClient);
    localAgent = await startAgent({
      client: nodeClient,
      localPathClient,
      nodeName,
      runtime: 'process',
      podCIDR: String(o['pod-cidr']),
      process: { stateDir: join(dataDir, 'agent'), logDir: join(dataDir, 'pods'), rotation },
      volumeSyncPeriodMs: Number(o['agent-sync-period']) * 1000,
      localPathDir: join(dataDir, 'local-path'),
      streaming: { tls: { ...agentServing, caPem: pki.ca.certPem }, port: 0, host: '127.0.0.1' },
      log: (msg, f) => log.info(f ?? {}, msg),
    });
    const caps = localAgent.runtime.capabilities?.();
    step(`node ${nodeName} registered (process runtime${caps && !caps.isolation ? `, ${caps.message ?? 'no isolation'}` : ''})`, t);
  }

  t = process.hrtime.bigint();
  const kc = buildKubeconfig({ name: 'kubeling', server: url, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem });
  const adminPath = join(dataDir, 'admin.kubeconfig');
  writeKubeconfig(adminPath, kc);
  if (o.kubeconfig !== false) {
    const target = defaultKubeconfigPath();
    mergeKubeconfig(target, kc, { setCurrentContext: true });
    step(`kubeconfig: context "kubeling" merged into ${target} and selected`, t);
  } else {
    step(`kubeconfig written to ${adminPath}`, t);
  }
  const total = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(`\nKubeling is up in ${Math.round(total)} ms. Try: kubectl get ns\n(admin kubeconfig: ${adminPath}; stop with Ctrl-C)\n`);

  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${sig} received, shutting down…\n`);
    const t1 = process.hrtime.bigint();
    stopCompactor();
    await scheduler.stop();
    await localAgent?.stop();
    await agent?.stop();
    await controllers.stop();
    await Promise.all([controllerClient, schedulerClient, ...agentClients].map((c) => c.close()));
    await api.stop();
    await store.close();
    release();
    step('stopped', t1);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
