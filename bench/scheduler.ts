/**
 * Scheduler benchmark, scheduler_perf-style and IN-PROCESS (pure scheduling, no API server):
 * 5 000 nodes, a set of initial pods, then the measured pods scheduled one by one through the
 * whole cycle (bind = confirming the assumed pod in the cache). Prints pods/s beside upstream's
 * scheduler_perf thresholds and this project's targets, then the same workloads end to end
 * through `kubeling up` (bench/scheduler-e2e.ts) and both side by side.
 *
 * Env: SCHED_BENCH_ONLY=Name[,Name], SCHED_BENCH_INPROCESS=0, SCHED_BENCH_E2E=0, and the
 * SCHED_BENCH_E2E_* sizes of bench/scheduler-e2e.ts.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { makeNode, makePod, type NodeOpts } from '../src/scheduler/testing.js';

interface Workload {
  name: string;
  nodes: number;
  node: (i: number) => NodeOpts;
  initPods: number;
  initPod: (i: number) => Pod;
  measurePods: number;
  measurePod: (i: number) => Pod;
  /** Upstream scheduler_perf threshold (pods/s), as a label. */
  upstream: string;
  target?: number;
}

const zones = (n: number) => (i: number): NodeOpts => ({ cpu: '4', memory: '32Gi', labels: { 'topology.kubernetes.io/zone': `zone${i % n}` } });
const basicPod = (prefix: string) => (i: number) => makePod(`${prefix}-${i}`, { cpu: '100m', memory: '500Mi' });

const antiAffinityPod = (prefix: string) => (i: number) =>
  makePod(`${prefix}-${i}`, {
    cpu: '100m',
    memory: '500Mi',
    labels: { color: 'green' },
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname' }] } },
  });

const affinityPod = (prefix: string) => (i: number) =>
  makePod(`${prefix}-${i}`, {
    cpu: '100m',
    memory: '500Mi',
    labels: { foo: '' },
    affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'foo', operator: 'In', values: [''] }] }, topologyKey: 'topology.kubernetes.io/zone' }] } },
  });

const nodeAffinityPod = (prefix: string) => (i: number) =>
  makePod(`${prefix}-${i}`, {
    cpu: '100m',
    memory: '500Mi',
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone1', 'zone2'] }] }] } } },
  });

const spreadPod = (prefix: string) => (i: number) =>
  makePod(`${prefix}-${i}`, {
    cpu: '100m',
    memory: '500Mi',
    labels: { app: 'spread' },
    spread: [{ maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }],
  });

const N = 5000;
const workloads: Workload[] = [
  { name: 'SchedulingBasic', nodes: N, node: zones(3), initPods: 1000, initPod: basicPod('init'), measurePods: 1000, measurePod: basicPod('m'), upstream: '270–680', target: 1000 },
  { name: 'NodeAffinity', nodes: N, node: zones(3), initPods: 1000, initPod: basicPod('init'), measurePods: 1000, measurePod: nodeAffinityPod('m'), upstream: '220' },
  { name: 'PodAffinity', nodes: N, node: zones(1), initPods: 1000, initPod: affinityPod('init'), measurePods: 1000, measurePod: affinityPod('m'), upstream: '35' },
  { name: 'PodAntiAffinity', nodes: N, node: zones(3), initPods: 1000, initPod: antiAffinityPod('init'), measurePods: 1000, measurePod: antiAffinityPod('m'), upstream: '60', target: 300 },
  { name: 'TopologySpreading', nodes: N, node: zones(10), initPods: 1000, initPod: basicPod('init'), measurePods: 1000, measurePod: spreadPod('m'), upstream: '85–460' },
  {
    name: 'Preemption',
    nodes: N,
    node: () => ({ cpu: '4', memory: '32Gi' }),
    initPods: 4 * N,
    initPod: (i) => makePod(`low-${i}`, { cpu: '900m', memory: '500Mi', priority: 10, startTime: new Date(1_700_000_000_000 + i * 1000).toISOString() }),
    measurePods: 500,
    measurePod: (i) => makePod(`high-${i}`, { cpu: '3000m', memory: '500Mi', priority: 100 }),
    upstream: '—',
  },
];

/** Schedules a pod to completion (preempting when needed); returns false if it stays pending. */
function place(s: Scheduler, pod: Pod): boolean {
  for (let attempt = 0; attempt < 3; attempt++) {
    const d = s.scheduleOne(pod);
    if (d.nodeName) {
      // Binding confirmed at once: the informer's view of the bound pod replaces the assumption.
      s.cache.upsertPod({ ...pod, spec: { ...pod.spec!, nodeName: d.nodeName } });
      return true;
    }
    if (!d.nominatedNodeName) return false;
    for (const v of d.victims ?? []) s.cache.removePod(v.key);
    pod = { ...pod, status: { ...pod.status, nominatedNodeName: d.nominatedNodeName } };
  }
  return false;
}

/** Runs one workload; returns measured pods/s. */
function run(w: Workload): { podsPerSec: number; unscheduled: number } {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
  const s = new Scheduler({ random, maxExplanations: 1000 });
  for (let i = 0; i < w.nodes; i++) s.cache.upsertNode(makeNode(`node-${i}`, w.node(i)));
  for (let i = 0; i < w.initPods; i++) place(s, w.initPod(i));
  let unscheduled = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < w.measurePods; i++) if (!place(s, w.measurePod(i))) unscheduled++;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { podsPerSec: w.measurePods / secs, unscheduled };
}

/** Which workloads run (SCHED_BENCH_ONLY=Name[,Name]). */
function selected(): Workload[] {
  const only = process.env.SCHED_BENCH_ONLY?.split(',').filter(Boolean);
  return workloads.filter((w) => !only || only.includes(w.name));
}

/**
 * `npm run bench -- scheduler`: every workload on 5 000 nodes in-process (SCHED_BENCH_INPROCESS=0
 * skips it), then end to end through
 * `kubeling up` (bench/scheduler-e2e.ts; SCHED_BENCH_E2E=0 skips it), side by side.
 */
export async function runSchedulerBench(): Promise<void> {
  const chosen = selected();
  const inProcess = new Map<string, number>();
  process.stdout.write(`scheduler (in-process, ${N} nodes)\n`);
  process.stdout.write(`${'workload'.padEnd(20)}${'pods/s'.padStart(10)}  ${'upstream'.padEnd(10)}target\n`);
  // SCHED_BENCH_INPROCESS=0 skips the in-process half (the side-by-side table shows "—").
  for (const w of process.env.SCHED_BENCH_INPROCESS === '0' ? [] : chosen) {
    const r = run(w);
    inProcess.set(w.name, r.podsPerSec);
    const target = w.target ? `≥ ${w.target} ${r.podsPerSec >= w.target ? 'ok' : 'MISSED'}` : '';
    const miss = r.unscheduled ? `  (${r.unscheduled} unscheduled)` : '';
    process.stdout.write(`${w.name.padEnd(20)}${r.podsPerSec.toFixed(0).padStart(10)}  ${w.upstream.padEnd(10)}${target}${miss}\n`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (process.env.SCHED_BENCH_E2E === '0') return;
  const { runEndToEnd } = await import('./scheduler-e2e.js');
  const e2e = await runEndToEnd(chosen.map((w) => w.name));
  process.stdout.write(`\nscheduler, side by side (in-process on ${N} nodes; end to end on ${e2e.nodes} simulated nodes, ${e2e.inFlight} creates in flight)\n`);
  process.stdout.write(`${'workload'.padEnd(20)}${'in-process'.padStart(12)}${'end-to-end'.padStart(12)}  ${'upstream'.padEnd(10)}target\n`);
  for (const w of chosen) {
    const ip = inProcess.get(w.name);
    const r = e2e.results.get(w.name);
    const ee = r ? r.podsPerSec.toFixed(0) + (r.unbound ? '*' : '') : '—';
    const verdict = (v: number | undefined, t: number) => (v === undefined ? '—' : v >= t ? 'ok' : 'MISSED');
    const target = w.target ? `≥ ${w.target} (in-process ${verdict(ip, w.target)}, e2e ${verdict(r?.podsPerSec, w.target)})` : '';
    process.stdout.write(`${w.name.padEnd(20)}${(ip === undefined ? '—' : ip.toFixed(0)).padStart(12)}${ee.padStart(12)}  ${w.upstream.padEnd(10)}${target}\n`);
  }
  if ([...e2e.results.values()].some((r) => r.unbound)) process.stdout.write('* some measured pods were still unbound at the deadline\n');
}

if (import.meta.url === `file://${process.argv[1]}`) await runSchedulerBench();
