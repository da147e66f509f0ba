/**
 * The shared runtime test suite: behaviour every Runtime must show the pod workers, whatever it
 * runs on. Pods carry both a real command (process-backed runtimes) and the equivalent
 * `kubeling.dev/sim-*` annotations (the simulated runtime), so one fixture drives both.
 * TEST-ONLY support: imported by `*.test.ts` files.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerInfo, Runtime } from '../runtime.js';

/** A runtime under test and how to clean up after it. */
export interface RuntimeUnderTest {
  runtime: Runtime;
  /** the n-th pod IP to hand out (default 10.0.0.n) — a real runtime needs addresses of its pod CIDR */
  podIP?: (n: number) => string;
  /** releases everything the runtime created (called once, after the suite) */
  cleanup: () => Promise<void>;
}

/** Polls `pred` until it holds or the deadline passes. */
export async function until(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A pod fixture with one container: `command` for real runtimes, `sim` annotations for the simulated one. */
export function fixturePod(name: string, container: Partial<Container>, sim: Record<string, string> = {}): { pod: Pod; container: Container } {
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(sim)) annotations[`kubeling.dev/sim-${k}`] = v;
  const c: Container = { name: 'main', image: 'busybox', ...container };
  const pod: Pod = { metadata: { name, namespace: 'default', uid: randomUUID(), annotations }, spec: { containers: [c], restartPolicy: 'Always' } };
  return { pod, container: c };
}

// A long-running container that says hello and exits 0 on SIGTERM.
// It prints only once its handler is installed, so a test that saw "hello" may stop it.
const serving = { command: ['sh', '-c', 'trap "exit 0" TERM; echo hello; while true; do sleep 0.05; done'] };

/** Registers the conformance suite for one runtime. */
export function runRuntimeConformance(name: string, makeRuntime: () => Promise<RuntimeUnderTest> | RuntimeUnderTest): void {
  describe(`runtime conformance: ${name}`, () => {
    let rut: RuntimeUnderTest;
    const sandboxes: string[] = [];
    before(async () => {
      rut = await makeRuntime();
    });
    after(async () => {
      try {
        for (const id of sandboxes) await rut.runtime.removeSandbox(id).catch(() => undefined);
        await rut.runtime.close();
      } finally {
        await rut.cleanup();
      }
    });
    let ipSeq = 10;
    const start = async (podName: string, container: Partial<Container>, sim: Record<string, string> = {}): Promise<{ pod: Pod; info: ContainerInfo; sandboxId: string }> => {
      const { pod, container: c } = fixturePod(podName, container, sim);
      const n = ipSeq++;
      const sb = await rut.runtime.createSandbox(pod, rut.podIP ? rut.podIP(n) : `10.0.0.${n}`);
      sandboxes.push(sb.id);
      const info = await rut.runtime.createContainer(sb.id, pod, c);
      assert.equal(info.state, 'created');
      await rut.runtime.startContainer(info.id);
      return { pod, info, sandboxId: sb.id };
    };
    const status = (id: string): ContainerInfo => {
      const s = rut.runtime.containerStatus(id);
      assert.ok(s, `status of ${id}`);
      return s;
    };

    test('a started container is running with a start time and a runtime-scheme container ID', async () => {
      const { info } = await start('run', serving, { 'log-lines': 'hello' });
      await until(() => status(info.id).state === 'running', 'running');
      assert.ok((status(info.id).startedAt ?? 0) >= info.createdAt);
      assert.match(info.id, /^[a-z]+:\/\/[0-9a-f]{16,}$/);
    });

    test('a container that exits reports its exit code, reason and finish time', async () => {
      const { info } = await start('exit3', { command: ['sh', '-c', 'echo bye; exit 3'] }, { 'exit-code': '3', 'log-lines': 'bye' });
      await until(() => status(info.id).state === 'exited', 'exited');
      const s = status(info.id);
      assert.equal(s.exitCode, 3);
      assert.equal(s.reason, 'Error');
      assert.ok((s.finishedAt ?? 0) >= (s.startedAt ?? Infinity));
    });

    test('a container exiting 0 is Completed', async () => {
      const { info } = await start('exit0', { command: ['true'] }, { 'exit-code': '0' });
      await until(() => status(info.id).state === 'exited', 'exited');
      assert.equal(status(info.id).exitCode, 0);
      assert.equal(status(info.id).reason, 'Completed');
    });

    test('a container exit is announced through onChange with the pod UID', async () => {
      const seen: string[] = [];
      const off = rut.runtime.onChange((uid) => seen.push(uid));
      try {
        const { pod } = await start('notify', { command: ['sh', '-c', 'exit 1'] }, { 'exit-code': '1' });
        await until(() => seen.includes(pod.metadata?.uid ?? ''), 'change notification');
      } finally {
        off();
      }
    });

    test('a container output lands in its CRI-format log file', async () => {
      const { info } = await start('logs', serving, { 'log-lines': 'hello' });
      const read = (): string => logText(info.id);
      await until(() => read().includes('hello'), 'log line');
      assert.match(read(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout F hello$/m);
    });

    const logText = (id: string): string => {
      const p = rut.runtime.logPath(id);
      try {
        return p ? readFileSync(p, 'utf8') : '';
      } catch {
        return '';
      }
    };

    test('stopping a running container ends it within the grace period', async () => {
      const { info } = await start('stop', serving, { 'log-lines': 'hello' });
      await until(() => status(info.id).state === 'running' && logText(info.id).includes('hello'), 'running and serving');
      const t0 = Date.now();
      await rut.runtime.stopContainer(info.id, 10);
      assert.ok(Date.now() - t0 < 10_000, 'stopped before the grace period ran out');
      const s = status(info.id);
      assert.equal(s.state, 'exited');
      assert.equal(typeof s.exitCode, 'number');
      assert.equal(s.ready, false);
    });

    test('a restart is a new container instance in the same sandbox that runs again', async () => {
      const { pod, info, sandboxId } = await start('restart', { command: ['sh', '-c', 'exit 2'] }, { 'exit-code': '2' });
      await until(() => status(info.id).state === 'exited', 'first instance exited');
      await rut.runtime.removeContainer(info.id);
      assert.equal(rut.runtime.containerStatus(info.id), undefined);
      const c = pod.spec?.containers[0];
      assert.ok(c);
      const again = await rut.runtime.createContainer(sandboxId, pod, c);
      assert.notEqual(again.id, info.id);
      await rut.runtime.startContainer(again.id);
      await until(() => status(again.id).state === 'exited', 'second instance exited');
      assert.equal(status(again.id).exitCode, 2);
    });

    test('removing a sandbox removes its containers, and removing unknown ones is not an error', async () => {
      const { info, sandboxId } = await start('gone', serving, { 'log-lines': 'hello' });
      await rut.runtime.removeSandbox(sandboxId);
      assert.equal(rut.runtime.containerStatus(info.id), undefined);
      await rut.runtime.removeSandbox('no-such-sandbox');
      await rut.runtime.removeContainer('nothing://0000');
    });
  });
}
