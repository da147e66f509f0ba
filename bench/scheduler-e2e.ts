/**
 * The scheduler benchmark END TO END: a child `kubeling up --no-local-node --simulated-nodes N`
 * (in-memory store), pods created through the API with a fixed number of creates in flight, and
 * pods/s measured from the first create to the last measured pod seen bound (a watch on the
 * namespace; bound = spec.nodeName set). Each workload first creates and waits for its initial
 * pods, like scheduler_perf's createPods/measurePods, then its namespace is emptied.
 *
 * Sizes (env): SCHED_BENCH_E2E_NODES (1000), SCHED_BENCH_E2E_INIT (500), SCHED_BENCH_E2E_PODS
 * (1000), SCHED_BENCH_E2E_INFLIGHT (50), SCHED_BENCH_E2E_TIMEOUT seconds per phase (120),
 * SCHED_BENCH_E2E_UP_TIMEOUT seconds for `kubeling up` (180), SCHED_BENCH_E2E_NODE_ARGS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../src/api/object.js';
import { RestClient, isStatus } from '../src/client/rest.js';

/** One workload's end-to-end result. */
export interface EndToEndResult {
  podsPerSec: number;
  measured: number;
  /** measured pods still unbound at the deadline */
  unbound: number;
}

const num = (name: string, def: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : def;
};

const podsRef = (namespace: string) => ({ group: '', version: 'v1', resource: 'pods', namespace });
const ZONE = 'topology.kubernetes.io/zone';

type Extra = Partial<Pick<NonNullable<Pod['spec']>, 'affinity' | 'topologySpreadConstraints' | 'priorityClassName' | 'terminationGracePeriodSeconds'>>;

function pod(name: string, phase: string, cpu: string, labels: Record<string, string>, extra: Extra = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { ...labels, 'sched-bench': phase } },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu, memory: '100Mi' } } }], ...extra },
  };
}

const basic = (p: string) => (n: string) => pod(n, p, '100m', {});
const nodeAffinity = (p: string) => (n: string) =>
  pod(n, p, '100m', {}, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['zone-a', 'zone-b'] }] }] } } } });
const podAffinity = (p: string) => (n: string) =>
  pod(n, p, '100m', { foo: '' }, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'foo', operator: 'In', values: [''] }] }, topologyKey: ZONE }] } } });
const antiAffinity = (p: string) => (n: string) =>
  pod(n, p, '100m', { color: 'green' }, { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname' }] } } });
const spread = (p: string) => (n: string) =>
  pod(n, p, '100m', { app: 'spread' }, { topologySpreadConstraints: [{ maxSkew: 5, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }] });

interface E2eWorkload {
  init: number;
  initPod: (name: string) => Pod;
  measure: number;
  measurePod: (name: string) => Pod;
}

/** The workloads of bench/scheduler.ts sized for N simulated nodes (4 CPU each, three zones). */
function e2eWorkloads(nodes: number, init: number, pods: number): Record<string, E2eWorkload> {
  // One anti-affinity pod per node at most: keep init + measured within the node count.
  const antiInit = Math.min(init, Math.floor(nodes / 5));
  return {
    SchedulingBasic: { init, initPod: basic('init'), measure: pods, measurePod: basic('measure') },
    NodeAffinity: { init, initPod: basic('init'), measure: pods, measurePod: nodeAffinity('measure') },
    PodAffinity: { init, initPod: podAffinity('init'), measure: pods, measurePod: podAffinity('measure') },
    PodAntiAffinity: { init: antiInit, initPod: antiAffinity('init'), measure: Math.min(pods, nodes - antiInit), measurePod: antiAffinity('measure') },
    TopologySpreading: { init, initPod: basic('init'), measure: pods, measurePod: spread('measure') },
    // Every node full of low-priority pods (4 × 900m of 4 CPU); each high pod evicts three.
    Preemption: {
      init: 4 * nodes,
      initPod: (n) => pod(n, 'init', '900m', {}, { priorityClassName: 'sched-bench-low', terminationGracePeriodSeconds: 0 }),
      measure: Math.min(pods, Math.floor(nodes / 10)),
      measurePod: (n) => pod(n, 'measure', '3000m', {}, { priorityClassName: 'sched-bench-high', terminationGracePeriodSeconds: 0 }),
    },
  };
}

/** A child `kubeling up`, its client and a way to stop it. */
interface Cluster {
  client: RestClient;
  registeredMs: number;
  stop(): Promise<void>;
}

/** Starts `kubeling up` as a child process (from dist/ when built, through tsx from sources otherwise). */
async function startCluster(nodes: number, timeoutMs: number): Promise<Cluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-sched-bench-'));
  const fromSource = import.meta.url.endsWith('.ts');
  const main = fileURLToPath(new URL(`../src/cli/main.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  // SCHED_BENCH_E2E_NODE_ARGS: extra node flags for the child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = process.env.SCHED_BENCH_E2E_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const args = [...nodeArgs, ...(fromSource ? ['--import', 'tsx'] : []), main, 'up', '--no-local-node', '--simulated-nodes', String(nodes), '--data-dir', dataDir, '--port', '0', '--store', 'memory://', '--no-kubeconfig'];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const up = await new Promise<{ port: number; registeredMs: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kubeling up with ${nodes} nodes not up within ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const port = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      const reg = /simulated node\(s\) registered \((\d+) ms\)/.exec(out);
      if (port && reg && out.includes('Kubeling is up')) {
        clearTimeout(timer);
        resolve({ port: Number(port[1]), registeredMs: Number(reg[1]) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubeling up exited (${code}):\n${out}`));
    });
  });
  const pki = (f: string) => readFileSync(join(dataDir, 'pki', f), 'utf8');
  const client = new RestClient({ server: `https://127.0.0.1:${up.port}`, caPem: pki('ca.crt'), certPem: pki('admin.crt'), keyPem: pki('admin.key') });
  return {
    client,
    registeredMs: up.registeredMs,
    async stop() {
      await client.close();
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` over items with at most `limit` calls in flight (the load generator's QPS shape). */
async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const one = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => one()));
}

/**
 * Creates the pods (`inFlight` at a time) and waits until all of them are bound, seen on a watch
 * opened before the first create. Returns seconds from the first create to the last binding.
 */
async function createAndWaitBound(client: RestClient, ns: string, phase: string, pods: Pod[], inFlight: number, timeoutMs: number): Promise<{ secs: number; unbound: number }> {
  const listed = await client.list(podsRef(ns), { labelSelector: `sched-bench=${phase}`, limit: 1 });
  const watch = await client.watch(podsRef(ns), { resourceVersion: listed.metadata.resourceVersion, labelSelector: `sched-bench=${phase}` });
  const bound = new Set<string>();
  const t0 = process.hrtime.bigint();
  let t1 = t0;
  const deadline = setTimeout(() => watch.stop(), timeoutMs);
  const seen = (async () => {
    for await (const ev of watch) {
      const o = ev.object as Pod;
      if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && o.spec?.nodeName && !bound.has(o.metadata?.name ?? '')) {
        bound.add(o.metadata?.name ?? '');
        t1 = process.hrtime.bigint();
        if (bound.size === pods.length) break;
      }
    }
  })();
  await pool(pods, inFlight, async (p) => {
    await client.create(podsRef(ns), p as KubeObject);
  });
  await seen;
  clearTimeout(deadline);
  watch.stop();
  return { secs: Number(t1 - t0) / 1e9, unbound: pods.length - bound.size };
}

/** Empties and deletes a workload's namespace, waiting (bounded) for its pods to go. */
async function cleanUp(client: RestClient, ns: string, timeoutMs: number): Promise<void> {
  await client.deleteCollection(podsRef(ns), { gracePeriodSeconds: 0 });
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && (await client.list(podsRef(ns), { limit: 1 })).items.length > 0) await new Promise((r) => setTimeout(r, 200));
  await client.delete({ group: '', version: 'v1', resource: 'namespaces', name: ns });
}

async function ensure(client: RestClient, ref: { group: string; version: string; resource: string }, obj: KubeObject): Promise<void> {
  try {
    await client.create(ref, obj);
  } catch (e) {
    if (!isStatus(e, 409)) throw e;
  }
}

/** Runs the named workloads end to end; prints a line per workload as it finishes. */
export async function runEndToEnd(names: string[]): Promise<{ nodes: number; inFlight: number; results: Map<string, EndToEndResult> }> {
  const nodes = num('SCHED_BENCH_E2E_NODES', 1000);
  const inFlight = num('SCHED_BENCH_E2E_INFLIGHT', 50);
  const timeoutMs = num('SCHED_BENCH_E2E_TIMEOUT', 120) * 1000;
  const all = e2eWorkloads(nodes, num('SCHED_BENCH_E2E_INIT', 500), num('SCHED_BENCH_E2E_PODS', 1000));
  const t = process.hrtime.bigint();
  const cluster = await startCluster(nodes, num('SCHED_BENCH_E2E_UP_TIMEOUT', 180) * 1000);
  const { client } = cluster;
  const upSecs = Number(process.hrtime.bigint() - t) / 1e9;
  process.stdout.write(`\nscheduler (end to end through kubeling up, ${nodes} simulated nodes registered in ${(cluster.registeredMs / 1000).toFixed(1)} s, up in ${upSecs.toFixed(1)} s; ${inFlight} creates in flight)\n`);
  process.stdout.write(`${'workload'.padEnd(20)}${'pods/s'.padStart(10)}  ${'measured'.padStart(8)}  init\n`);
  const results = new Map<string, EndToEndResult>();
  try {
    const pcs = { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' };
    await ensure(client, pcs, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'sched-bench-low' }, value: 10 });
    await ensure(client, pcs, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'sched-bench-high' }, value: 100 });
    for (const name of names) {
      const w = all[name];
      if (!w) continue;
      const ns = `sched-bench-${name.toLowerCase()}`;
      await ensure(client, { group: '', version: 'v1', resource: 'namespaces' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      const initPods = Array.from({ length: w.init }, (_, i) => w.initPod(`init-${i}`));
      const init = await createAndWaitBound(client, ns, 'init', initPods, inFlight, timeoutMs);
      const measured = Array.from({ length: w.measure }, (_, i) => w.measurePod(`measure-${i}`));
      const m = await createAndWaitBound(client, ns, 'measure', measured, inFlight, timeoutMs);
      const r = { podsPerSec: (w.measure - m.unbound) / m.secs, measured: w.measure, unbound: m.unbound };
      results.set(name, r);
      const note = `${w.init} in ${init.secs.toFixed(1)} s${init.unbound ? ` (${init.unbound} unbound)` : ''}${m.unbound ? `; ${m.unbound} measured pods unbound` : ''}`;
      process.stdout.write(`${name.padEnd(20)}${r.podsPerSec.toFixed(0).padStart(10)}  ${String(w.measure).padStart(8)}  ${note}\n`);
      await cleanUp(client, ns, timeoutMs);
    }
  } finally {
    await cluster.stop();
  }
  return { nodes, inFlight, results };
}
