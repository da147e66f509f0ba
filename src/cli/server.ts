/**
 * `kubeling server`: one API server of a highly available control plane. Several of them share
 * one store (etcd), and the PKI and encryption key of their data dirs (copy the first server's
 * data dir to the others). Every server answers the API; the controllers run only in the one
 * holding the Lease kube-system/kube-controller-manager, as kube-controller-manager does with
 * --leader-elect, so two servers never reconcile the same objects at once.
 */
import { homedir, hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { UsageError, type OptionSpec, type ParsedOptions } from './options.js';
import { auditorFromOptions, authenticationFromOptions, openControlPlaneState, securityOptions, step } from './control-plane.js';
import { startApiServer } from '../apiserver/index.js';
import { buildKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { createLogger } from './log.js';
import { RestClient } from '../client/rest.js';
import { LeaderElector } from '../client/leaderelection.js';
import { startControllers, type RunningControllers } from '../controllers/index.js';
import { startScheduler, explanationResource, type RunningScheduler } from '../scheduler/index.js';
import { loadSchedulerConfig } from '../scheduler/config.js';
import { issueComponentIdentities } from './identities.js';

/** The Lease kube-controller-manager elects its leader on. */
export const CONTROLLER_LEASE = { namespace: 'kube-system', name: 'kube-controller-manager' } as const;

export const serverOptions: OptionSpec[] = [
  { name: 'data-dir', type: 'string', default: '', help: 'where PKI, encryption key and logs live (default ~/.kubeling); every server of one cluster needs a copy of the same PKI' },
  { name: 'port', type: 'number', default: 6443, help: 'API server port (0 picks a free one)' },
  { name: 'bind-address', type: 'string', default: '0.0.0.0', help: 'address the API server listens on' },
  { name: 'store', type: 'string', default: '', help: 'required: etcd://host:port,host:port (shared by every server) or sqlite (a single server)' },
  { name: 'leader-elect', type: 'boolean', default: true, help: 'run the controllers only while holding the Lease kube-system/kube-controller-manager (--no-leader-elect always runs them)' },
  { name: 'leader-elect-lease-duration', type: 'number', default: 15, help: 'seconds a standby waits after the last observed renewal before taking over' },
  { name: 'leader-elect-renew-deadline', type: 'number', default: 10, help: 'seconds the leader retries a failed renewal before stopping its controllers' },
  { name: 'leader-elect-retry-period', type: 'number', default: 2, help: 'seconds between attempts to acquire or renew the Lease' },
  { name: 'scheduler-config', type: 'string', default: '', help: 'KubeSchedulerConfiguration file (kubescheduler.config.k8s.io/v1, YAML or JSON): profiles, plugins and weights, pluginConfig' },
  { name: 'compaction-interval', type: 'number', default: 300, help: 'seconds between storage compactions' },
  { name: 'log-format', type: 'string', default: 'json', help: 'json | text' },
  ...securityOptions,
  { name: 'help', type: 'boolean', default: false, help: 'show this help' },
];

/** Seconds flags as milliseconds, checked as client-go's NewLeaderElector checks them. */
function electionTimings(o: ParsedOptions): { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number } {
  const leaseDurationMs = Number(o['leader-elect-lease-duration']) * 1000;
  const renewDeadlineMs = Number(o['leader-elect-renew-deadline']) * 1000;
  const retryPeriodMs = Number(o['leader-elect-retry-period']) * 1000;
  if (!(retryPeriodMs > 0)) throw new UsageError('--leader-elect-retry-period must be greater than zero');
  if (leaseDurationMs <= renewDeadlineMs) throw new UsageError('--leader-elect-lease-duration must be greater than --leader-elect-renew-deadline');
  if (renewDeadlineMs <= retryPeriodMs * 1.2) throw new UsageError('--leader-elect-renew-deadline must be greater than 1.2 × --leader-elect-retry-period');
  return { leaseDurationMs, renewDeadlineMs, retryPeriodMs };
}

/** Runs one API server until SIGINT/SIGTERM. */
export async function server(o: ParsedOptions): Promise<void> {
  const started = process.hrtime.bigint();
  const storeSpec = String(o.store ?? '');
  if (!storeSpec) throw new UsageError('--store is required: etcd://host:port[,host:port] shared by every server (or sqlite for a single one)');
  const leaderElect = o['leader-elect'] !== false;
  const timings = electionTimings(o);
  const dataDir = resolve(String(o['data-dir'] || join(homedir(), '.kubeling')));
  // A bad scheduler configuration stops the start before anything is created (as kube-scheduler --config).
  const schedulerConfig = o['scheduler-config'] ? loadSchedulerConfig(resolve(String(o['scheduler-config']))) : undefined;
  const log = createLogger(String(o['log-format']), join(dataDir, 'kubeling.log'));
  const logFn = (msg: string, f?: Record<string, unknown>) => log.info(f ?? {}, msg);
  for (const w of schedulerConfig?.warnings ?? []) log.warn({ config: o['scheduler-config'] }, `scheduler config: ${w}`);

  // Servers share a store but never a data dir: each holds its own lock, log and kubeconfig.
  // A bad audit policy stops the start before the store is opened (kube-apiserver --audit-policy-file).
  const audit = auditorFromOptions(o, (m) => log.warn({}, m));
  const encryptionProviderConfig = o['encryption-provider-config'] ? resolve(String(o['encryption-provider-config'])) : undefined;
  const { id, pki, store, stopCompactor, release: releaseLock } = await openControlPlaneState({ dataDir, store: storeSpec, compactionIntervalMs: Number(o['compaction-interval']) * 1000, encryptionProviderConfig, log: logFn });
  let t = process.hrtime.bigint();
  const api = await startApiServer({
    store,
    tls: { caPem: pki.ca.certPem, certPem: pki.server.certPem, keyPem: pki.server.keyPem },
    port: Number(o.port),
    host: String(o['bind-address']),
    advertiseAddress: id.ips[0] ?? '127.0.0.1',
    log: logFn,
    audit,
    ...authenticationFromOptions(o, pki.dir),
  });
  const url = `https://127.0.0.1:${api.port}`;
  step(`API server listening on ${url}`, t);

  t = process.hrtime.bigint();
  const creds = { server: url, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem };
  const adminPath = join(dataDir, 'admin.kubeconfig');
  writeKubeconfig(adminPath, buildKubeconfig({ name: 'kubeling', ...creds }));
  step(`kubeconfig written to ${adminPath}`, t);

  // The controllers, the scheduler and the leader election run under their own identities
  // (src/cli/identities.ts), as kube-controller-manager and kube-scheduler do; admin is for people.
  const identities = await issueComponentIdentities(pki.ca);
  const controllerCreds = { ...creds, certPem: identities.controllerManager.certPem, keyPem: identities.controllerManager.keyPem };
  const controllerClient = new RestClient(controllerCreds);
  const schedulerClient = new RestClient({ ...creds, certPem: identities.scheduler.certPem, keyPem: identities.scheduler.keyPem });
  let controllers: RunningControllers | undefined;
  // The scheduler runs beside the controllers, only in the leader; the explanation API of the
  // other servers says so (src/scheduler/README.md).
  let scheduler: RunningScheduler | undefined;
  api.deps.resources.set('scheduler', [
    explanationResource((ns, name) => (scheduler ? scheduler.explainPod(ns, name) : 'the scheduler runs in the leading server (Lease kube-system/kube-controller-manager), not in this one: ask that server')),
  ]);
  const runControllers = async (label: string): Promise<void> => {
    const t1 = process.hrtime.bigint();
    controllers = await startControllers({ client: controllerClient, log: logFn, ca: pki.ca, serviceAccountTokenSigner: api.serviceAccountTokens.legacy.bind(api.serviceAccountTokens) });
    scheduler = await startScheduler({ client: schedulerClient, log: logFn, config: schedulerConfig?.config });
    step(label, t1);
  };
  const stopControllers = async (label: string): Promise<void> => {
    const c = controllers;
    const s = scheduler;
    controllers = undefined;
    scheduler = undefined;
    if (!c && !s) return;
    const t1 = process.hrtime.bigint();
    await s?.stop();
    await c?.stop();
    step(label, t1);
  };

  // A client of its own for the Lease, with requests bounded by the renew deadline, so a
  // slow controller watch never delays a renewal.
  const electionClient = new RestClient({ ...controllerCreds, timeoutMs: timings.renewDeadlineMs });
  const identity = `${hostname()}_${randomUUID()}`;
  let elector: LeaderElector | undefined;
  let stopping = false;
  t = process.hrtime.bigint();
  if (leaderElect) {
    elector = new LeaderElector({
      client: electionClient,
      ...CONTROLLER_LEASE,
      identity,
      ...timings,
      log: logFn,
      onNewLeader: (leader) => {
        if (leader !== identity) process.stdout.write(`… standing by: leader is ${leader}\n`);
      },
      onStartedLeading: () => runControllers(`leading (${identity}): controllers and scheduler started`),
      onStoppedLeading: () => stopControllers(stopping ? 'controllers stopped; releasing the Lease' : 'lost leadership: controllers stopped, standing by'),
    });
    elector.start();
    step(`leader election on Lease ${CONTROLLER_LEASE.namespace}/${CONTROLLER_LEASE.name} as ${identity}`, t);
  } else {
    await runControllers('controllers and scheduler started (leader election disabled)');
  }

  const total = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(`\nKubeling server is up in ${Math.round(total)} ms. Try: KUBECONFIG=${adminPath} kubectl get ns\n(stop with Ctrl-C)\n`);

  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${sig} received, shutting down…\n`);
    const t1 = process.hrtime.bigint();
    // The elector stops the controllers before it releases the Lease, so a standby can take
    // over at its next retry instead of waiting for the lease to expire.
    if (elector) await elector.stop();
    else await stopControllers('controllers stopped');
    stopCompactor();
    await electionClient.close();
    await controllerClient.close();
    await schedulerClient.close();
    await api.stop();
    await store.close();
    releaseLock();
    step('stopped', t1);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
