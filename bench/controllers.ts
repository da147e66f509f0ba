/**
 * Controllers benchmark (issue "Controllers"): N Deployments × R replicas on simulated nodes,
 * from the first create until every Deployment reports all replicas available, through the real
 * `kubeling up` (API server, deployment and replicaset controllers, scheduler, simulated agents
 * in one process). Baseline, same run and same server: writing the same number of objects
 * (N + N·R ConfigMaps) straight through the API with the same concurrency, i.e. the write cost
 * alone without any control loop. Also prints the server's RSS when done.
 *
 * Sizes: BENCH_DEPLOYMENTS (default 1000), BENCH_REPLICAS (10), BENCH_NODES (100).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RestClient } from '../src/client/rest.js';
import type { KubeObject } from '../src/api/object.js';
import { pool, rssMb } from './util.js';
import { mainJs } from '../test/e2e/harness.js';

const deployments = { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'default' };
const configmaps = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' };

async function until(pred: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function deployment(i: number, replicas: number): KubeObject {
  const labels = { app: `bench-${i}` };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `bench-${i}` },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', 'inf'] }] } } },
  };
}

export async function runControllersBench(): Promise<void> {
  const n = Number(process.env.BENCH_DEPLOYMENTS ?? 1000);
  const replicas = Number(process.env.BENCH_REPLICAS ?? 10);
  const nodes = Number(process.env.BENCH_NODES ?? Math.max(3, Math.ceil((n * replicas) / 100)));
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-bench-ctrl-'));
  const proc = spawn(process.execPath, [mainJs, 'up', '--data-dir', dataDir, '--port', '0', '--no-kubeconfig', '--bind-address', '127.0.0.1', '--no-local-node', '--simulated-nodes', String(nodes)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, HOME: dataDir },
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/Kubeling is up/.test(out)) resolve();
    });
    proc.once('exit', (c) => reject(new Error(`kubeling up exited with ${c}:\n${out}`)));
  });
  const client = RestClient.fromKubeconfig(join(dataDir, 'admin.kubeconfig'));
  try {
    await until(async () => (await client.list({ group: '', version: 'v1', resource: 'nodes' })).items.length === nodes, 120_000, `${nodes} nodes`);

    // Baseline: the same number of objects written directly.
    const objects = n + n * replicas;
    const b0 = Date.now();
    await pool(objects, 50, (i) => client.create(configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `baseline-${i}` }, data: { i: String(i) } }));
    const baselineS = (Date.now() - b0) / 1000;

    const t0 = Date.now();
    await pool(n, 50, (i) => client.create(deployments, deployment(i, replicas)));
    const createdS = (Date.now() - t0) / 1000;
    await until(
      async () => {
        const list = await client.list(deployments);
        return list.items.filter((d) => (d.status as { availableReplicas?: number } | undefined)?.availableReplicas === replicas).length === n;
      },
      3_600_000,
      `${n} deployments available`,
    );
    const totalS = (Date.now() - t0) / 1000;
    const lines = [
      `${n} Deployments × ${replicas} replicas on ${nodes} simulated nodes: all Available in ${totalS.toFixed(1)} s (${((n * replicas) / totalS).toFixed(0)} pods/s; creates sent in ${createdS.toFixed(1)} s)`,
      `  baseline: ${objects} ConfigMaps written directly with 50 in flight in ${baselineS.toFixed(1)} s  ratio controllers/baseline = ${(totalS / baselineS).toFixed(2)}`,
      `server RSS after the run (API server + controllers + scheduler + ${nodes} simulated nodes): ${rssMb(proc.pid!).toFixed(0)} MB`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await client.close();
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
