/** Small helpers the benchmarks share. */
import { readFileSync } from 'node:fs';

/** Resident set size of a process, in MB (from /proc/<pid>/status VmRSS). */
export function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

/** Runs `work(i)` for i in [0, n) with `conc` calls in flight. */
export async function pool(n: number, conc: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (next < n) await work(next++);
    }),
  );
}
