/**
 * TEST-ONLY support: a process runtime with names unique to this test process (bridge, pod
 * CIDR, cgroup parent, state dir) and a cleanup that removes every sandbox, netns, veth, cgroup
 * and file it made, even after failures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessRuntime, type ProcessRuntimeOptions } from './index.js';

/** A test runtime plus what a second instance (live-restore) needs. */
export interface TestProcessRuntime {
  runtime: ProcessRuntime;
  opts: ProcessRuntimeOptions;
  /** the `n`-th pod IP of this run's CIDR */
  ip: (n: number) => string;
  /** removes everything the runtime (or a successor built from `opts`) created */
  cleanup: () => Promise<void>;
}

/** True when the process runtime can isolate here (root on Linux). */
export const isRoot = process.getuid?.() === 0;

/** Unique options for one test file, and a cleanup that sweeps everything made with them. */
export function testProcessOptions(extra: Partial<ProcessRuntimeOptions> = {}): { opts: ProcessRuntimeOptions; ip: (n: number) => string; sweep: () => Promise<void> } {
  const tag = `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 2).toString(36)}`.slice(-6);
  const octet = (process.pid + Math.floor(Math.random() * 64)) % 200;
  const stateDir = mkdtempSync(join(tmpdir(), 'kubeling-proc-test-'));
  const opts: ProcessRuntimeOptions = { stateDir, podCIDR: `10.250.${octet}.0/24`, bridge: `klt${tag}`, cgroupRoot: `kubeling-test-${tag}`, pollMs: 50, ...extra };
  return {
    opts,
    ip: (n) => `10.250.${octet}.${n}`,
    async sweep() {
      // A fresh instance sees everything persisted, including what any instance made.
      const sweeper = new ProcessRuntime(opts);
      for (const sb of sweeper.list().sandboxes) await sweeper.removeSandbox(sb.id).catch(() => undefined);
      await sweeper.close();
      await sweeper.removeNodeResources();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Builds a uniquely named process runtime for one test file. */
export function makeTestProcessRuntime(extra: Partial<ProcessRuntimeOptions> = {}): TestProcessRuntime {
  const t = testProcessOptions(extra);
  const runtime = new ProcessRuntime(t.opts);
  return {
    runtime,
    opts: t.opts,
    ip: t.ip,
    async cleanup() {
      await runtime.close();
      await t.sweep();
    },
  };
}
