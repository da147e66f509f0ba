/**
 * Quick throughput check of the sqlite store alone (not run by the test suite):
 *   node --import tsx src/storage/sqlite/bench.ts [creates=50000] [concurrency=50] [FULL|NORMAL]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import { SqliteStore } from './index.js';

function pod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p${i}`, namespace: 'default', uid: `u-${i}`, labels: { app: 'bench' }, creationTimestamp: new Date().toISOString() },
    spec: { containers: [{ name: 'c', image: 'nginx:1.25', resources: { requests: { cpu: '100m', memory: '64Mi' } } }], nodeName: 'node-1' },
    status: { phase: 'Pending' },
  };
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 50_000);
  const concurrency = Number(process.argv[3] ?? 50);
  const synchronous = process.argv[4] === 'NORMAL' ? 'NORMAL' : 'FULL';
  const dir = await mkdtemp(join(tmpdir(), 'kubeling-bench-'));
  const store = await SqliteStore.open(join(dir, 'state.db'), { synchronous });
  try {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const i = next++;
          await store.create(`/core/pods/default/p${i}`, pod(i));
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    const lat: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const a = performance.now();
      await store.get(`/core/pods/default/p${(i * 7919) % total}`);
      lat.push(performance.now() - a);
    }
    lat.sort((a, b) => a - b);
    console.log(`sqlite synchronous=${synchronous}: ${total} creates with ${concurrency} concurrent callers: ${Math.round(total / secs)}/s`);
    console.log(`get p50 ${lat[2500]?.toFixed(3)} ms, p99 ${lat[4950]?.toFixed(3)} ms`);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
