/**
 * Agent benchmark (issue 4): `kubeling up --no-local-node` plus `kubeling agent` processes, so
 * each agent's RSS is its own. Every number is printed beside a baseline from the same run:
 *
 * - registering N simulated nodes (one agent, `--simulated --nodes N`), vs the same requests the
 *   agent sends per node (Node create, status patch, Lease create) written directly with the
 *   same concurrency: the API's cost alone;
 * - agent RSS with N simulated nodes, vs an agent with 1 simulated node (the process's fixed
 *   cost); "per 1 000 nodes" is the difference scaled to 1 000;
 * - pod startup, create → Running seen by a watch, one pod at a time (latency, not throughput),
 *   with spec.nodeName set so the scheduler is not measured: on a simulated node, vs the API's
 *   own create → ADDED-on-the-watch latency for a pod bound to a node no agent runs (the floor
 *   any agent adds to); on the process runtime (a `kubeling agent` for this machine), vs bare
 *   `spawn()` of the same command (what starting the process costs without any agent);
 * - P pods through the scheduler onto the simulated nodes to all Running (watch-counted), vs
 *   writing P ConfigMaps directly.
 *
 * Sizes: BENCH_SIM_NODES (1000), BENCH_SIM_PODS (30000), BENCH_LATENCY_PODS (200 simulated),
 * BENCH_PROCESS_PODS (50; 0 skips the process runtime, which needs root for isolation).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RestClient, type WatchStream } from '../src/client/rest.js';
import type { KubeObject } from '../src/api/object.js';
import { pool, rssMb } from './util.js';
import { mainJs } from '../test/e2e/harness.js';

const pods = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
const nodesRef = { group: '', version: 'v1', resource: 'nodes' };
const leases = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'kube-node-lease' };
const configmaps = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' };

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

const fmt = (samples: number[]): string => `p50 ${pct(samples, 50).toFixed(1)} ms  p99 ${pct(samples, 99).toFixed(1)} ms`;

/** Spawns a kubeling subcommand and resolves once `ready` shows in its stdout. */
async function spawnKubeling(args: string[], ready: RegExp, env: NodeJS.ProcessEnv = process.env): Promise<{ proc: ChildProcess; out: () => string; ms: number }> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [mainJs, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve();
    });
    proc.once('exit', (c) => reject(new Error(`kubeling ${args[0] ?? ''} exited with ${c}:\n${out}`)));
  });
  return { proc, out: () => out, ms: performance.now() - t0 };
}

async function stopProc(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const done = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await done;
}

/** Pod events by name, from one watch of the default namespace; `seen(name, pred)` resolves when an event matches. */
class PodWatch {
  private waiters = new Map<string, { pred: (o: KubeObject, type: string) => boolean; resolve: () => void }>();
  running = 0;
  private constructor(private readonly stream: WatchStream) {}
  static async open(client: RestClient): Promise<PodWatch> {
    const rv = (await client.list(pods, { limit: 1 })).metadata.resourceVersion;
    const w = new PodWatch(await client.watch(pods, { resourceVersion: rv }));
    void w.loop().catch(() => undefined);
    return w;
  }
  private async loop(): Promise<void> {
    const runningSeen = new Set<string>();
    for await (const ev of this.stream) {
      const name = ev.object.metadata.name ?? '';
      if ((ev.object.status as { phase?: string } | undefined)?.phase === 'Running' && !runningSeen.has(name)) {
        runningSeen.add(name);
        this.running++;
      }
      const w = this.waiters.get(name);
      if (w?.pred(ev.object, ev.type)) {
        this.waiters.delete(name);
        w.resolve();
      }
    }
  }
  seen(name: string, pred: (o: KubeObject, type: string) => boolean): Promise<void> {
    return new Promise((resolve) => this.waiters.set(name, { pred, resolve }));
  }
  stop(): void {
    this.stream.stop();
  }
}

const isRunning = (o: KubeObject): boolean => (o.status as { phase?: string } | undefined)?.phase === 'Running';

function pod(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }], ...spec } };
}

/** create → the first watch event satisfying `pred`, one pod at a time. */
async function startupLatencies(client: RestClient, watch: PodWatch, n: number, make: (i: number) => KubeObject, pred: (o: KubeObject, type: string) => boolean): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = make(i);
    const seen = watch.seen(p.metadata.name ?? '', pred);
    const t0 = performance.now();
    await client.create(pods, p);
    await seen;
    out.push(performance.now() - t0);
  }
  return out;
}

async function bareSpawnLatencies(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const c = spawn('sleep', ['3600'], { stdio: 'ignore' });
    await new Promise((r) => c.once('spawn', r));
    out.push(performance.now() - t0);
    c.kill('SIGKILL');
  }
  return out;
}

async function until(pred: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return true;
}

export async function runAgentBench(): Promise<void> {
  const nodes = Number(process.env.BENCH_SIM_NODES ?? 1000);
  const podCount = Number(process.env.BENCH_SIM_PODS ?? 30_000);
  const latencyPods = Number(process.env.BENCH_LATENCY_PODS ?? 200);
  const processPods = Number(process.env.BENCH_PROCESS_PODS ?? 50);
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-bench-agent-'));
  const say = (s: string) => process.stdout.write(s + '\n');
  const up = await spawnKubeling(['up', '--data-dir', join(dir, 'up'), '--port', '0', '--no-kubeconfig', '--bind-address', '127.0.0.1', '--no-local-node'], /Kubeling is up/, { ...process.env, HOME: dir });
  const kubeconfig = join(dir, 'up', 'admin.kubeconfig');
  const client = RestClient.fromKubeconfig(kubeconfig);
  const agents: ChildProcess[] = [];
  const agent = async (name: string, args: string[]) => {
    const a = await spawnKubeling(['agent', '--kubeconfig', kubeconfig, '--data-dir', join(dir, name), ...args], /Agent running/);
    agents.push(a.proc);
    return a;
  };
  let watch: PodWatch | undefined;
  try {
    // 1. Registration baseline: the agent's per-node requests, sent directly with 50 in flight.
    const b0 = performance.now();
    await pool(nodes, 50, async (i) => {
      const name = `baseline-${i}`;
      await client.create(nodesRef, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: { taints: [{ key: 'bench/baseline', effect: 'NoSchedule' }] } });
      await client.patch({ ...nodesRef, name, subresource: 'status' }, 'merge', { status: { capacity: { cpu: '4', memory: '16Gi', pods: '110' }, allocatable: { cpu: '4', memory: '16Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] } });
      await client.create(leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date().toISOString().replace('Z', '000Z') } });
    });
    const baselineRegS = (performance.now() - b0) / 1000;
    await pool(nodes, 50, async (i) => {
      await client.delete({ ...nodesRef, name: `baseline-${i}` });
      await client.delete({ ...leases, name: `baseline-${i}` });
    });

    // 2. Fixed cost: an agent with one simulated node.
    const one = await agent('one', ['--simulated', '--nodes', '1', '--node-name-prefix', 'one', '--node-index-offset', '0']);
    const rssOne = rssMb(one.proc.pid!);
    await stopProc(one.proc);
    await client.delete({ ...nodesRef, name: 'one-0' });

    // 3. N simulated nodes in one agent.
    const sim = await agent('sim', ['--simulated', '--nodes', String(nodes), '--node-name-prefix', 'sim', '--node-index-offset', '0']);
    const regMs = Number(/in (\d+) ms/.exec(sim.out())?.[1] ?? NaN);
    const rssN = rssMb(sim.proc.pid!);
    say(`register ${nodes} simulated nodes: ${(regMs / 1000).toFixed(2)} s (agent process up in ${(sim.ms / 1000).toFixed(2)} s)  baseline: the same requests sent directly ${baselineRegS.toFixed(2)} s  ratio ${(regMs / 1000 / baselineRegS).toFixed(2)}`);
    say(`agent RSS with ${nodes} simulated nodes: ${rssN.toFixed(0)} MB  baseline: 1 node ${rssOne.toFixed(0)} MB  → ${(((rssN - rssOne) * 1000) / nodes).toFixed(0)} MB per 1 000 nodes (target ≤ 150)`);

    // 4. Pod startup latency on a simulated node, vs the API's own create → watch.
    watch = await PodWatch.open(client);
    const floor = await startupLatencies(client, watch, latencyPods, (i) => pod(`floor-${i}`, { nodeName: 'no-agent' }), (_o, t) => t === 'ADDED');
    const simLat = await startupLatencies(client, watch, latencyPods, (i) => pod(`lat-${i}`, { nodeName: `sim-${i % nodes}` }), isRunning);
    say(`pod startup (create → Running on a watch), simulated runtime, ${latencyPods} pods one at a time: ${fmt(simLat)}  baseline (create → ADDED, no agent): ${fmt(floor)}`);
    await client.deleteCollection(pods, { gracePeriodSeconds: 0 });

    // 5. The process runtime: a real agent for this machine.
    if (processPods > 0) {
      const proc = await agent('proc', ['--node-name', 'bench-proc', '--pod-cidr', '10.240.0.0/24', '--bridge', 'kbench0', '--no-streaming']);
      const procLat = await startupLatencies(client, watch, processPods, (i) => pod(`proc-${i}`, { nodeName: 'bench-proc' }), isRunning);
      const bare = await bareSpawnLatencies(processPods);
      const procRss = rssMb(proc.proc.pid!);
      say(`pod startup, process runtime, ${processPods} pods one at a time: ${fmt(procLat)} (target p99 ≤ 300 ms)  baseline (bare spawn of sleep): ${fmt(bare)}`);
      say(`process agent RSS with ${processPods} running pods: ${procRss.toFixed(0)} MB`);
      // Pods outlive their agent: remove them while it runs.
      await client.deleteCollection(pods, { fieldSelector: 'spec.nodeName=bench-proc', gracePeriodSeconds: 1 });
      await until(async () => (await client.list(pods, { fieldSelector: 'spec.nodeName=bench-proc' })).items.length === 0, 60_000);
      await stopProc(proc.proc);
    }

    // 6. P pods through the scheduler onto the simulated nodes, vs P ConfigMaps written directly.
    const c0 = performance.now();
    await pool(podCount, 50, (i) => client.create(configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `baseline-${i}` }, data: { i: String(i) } }));
    const cmS = (performance.now() - c0) / 1000;
    const before = watch.running;
    const p0 = performance.now();
    await pool(podCount, 50, (i) => client.create(pods, pod(`load-${i}`, { nodeSelector: { 'kubeling.dev/simulated': 'true' } })));
    const createdS = (performance.now() - p0) / 1000;
    const w = watch;
    const all = await until(() => w.running - before >= podCount, 240_000);
    const runS = (performance.now() - p0) / 1000;
    say(
      `${podCount} pods on ${nodes} simulated nodes: ${all ? 'all Running' : `only ${w.running - before} Running (timed out)`} in ${runS.toFixed(1)} s (creates sent in ${createdS.toFixed(1)} s)  baseline: ${podCount} ConfigMaps written directly ${cmS.toFixed(1)} s  ratio ${(runS / cmS).toFixed(2)}`,
    );
    say(`RSS after: agent (${nodes} nodes, ${podCount} pods) ${rssMb(sim.proc.pid!).toFixed(0)} MB; kubeling up (API server, controllers, scheduler) ${rssMb(up.proc.pid!).toFixed(0)} MB`);
  } finally {
    watch?.stop();
    for (const a of agents) await stopProc(a);
    await client.close();
    await stopProc(up.proc);
    rmSync(dir, { recursive: true, force: true });
  }
}
