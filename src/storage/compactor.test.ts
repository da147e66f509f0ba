import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { startCompactor } from './compactor.js';
import type { CompactorTimers } from './compactor.js';
import { MemoryStore } from './memory/index.js';
import type { Store } from './store.js';

/** A timer the test fires by hand; each fire resolves when the tick has settled. */
function manualTimers(): { timers: CompactorTimers; fire: () => Promise<number | undefined>; onTick: (to: number | undefined) => void; cleared: () => boolean } {
  let fn: (() => void) | undefined;
  let cleared = false;
  let settle: ((to: number | undefined) => void) | undefined;
  return {
    timers: { setInterval: (f) => ((fn = f), 1), clearInterval: () => void (cleared = true) },
    fire: () =>
      new Promise((resolve) => {
        settle = resolve;
        fn?.();
      }),
    onTick: (to) => settle?.(to),
    cleared: () => cleared,
  };
}

const cm = (name: string): KubeObject => ({ metadata: { name, namespace: 'default' }, data: {} });

describe('startCompactor', () => {
  it('compacts to the revision observed at the previous tick, not the current one', async () => {
    const store = new MemoryStore();
    const t = manualTimers();
    const stop = startCompactor(store, { intervalMs: 1000, timers: t.timers, onTick: t.onTick });
    await store.create('/core/configmaps/default/a', cm('a'));
    const first = await store.currentRevision();
    assert.equal(await t.fire(), undefined, 'the first tick only observes');
    await store.create('/core/configmaps/default/b', cm('b'));
    assert.equal(await t.fire(), first);
    assert.equal(await store.compactedRevision(), first);
    assert.ok((await store.currentRevision()) > first, 'the newest writes stay in history');
    stop();
    assert.ok(t.cleared());
    await store.close();
  });

  it('logs a failing compaction and keeps running', async () => {
    const store = new MemoryStore();
    const logs: string[] = [];
    const failing: Store = { ...store, currentRevision: () => Promise.reject(new Error('disk on fire')) } as unknown as Store;
    const t = manualTimers();
    const stop = startCompactor(failing, { intervalMs: 1000, timers: t.timers, onTick: t.onTick, log: (m, f) => logs.push(`${m}: ${String(f?.error)}`) });
    await t.fire();
    await t.fire();
    assert.deepEqual(logs, ['compaction failed: disk on fire', 'compaction failed: disk on fire']);
    stop();
    await store.close();
  });

  it('compacts on a real timer with a tiny interval', async () => {
    const store = new MemoryStore();
    await store.create('/core/configmaps/default/a', cm('a'));
    const rev = await store.currentRevision();
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((r) => (resolveDone = r));
    // The default timer is unref'd (it never keeps a process alive); here a ref'd one keeps the test's loop running.
    const timers: CompactorTimers = { setInterval: (f, ms) => setInterval(f, ms), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };
    const stop = startCompactor(store, { intervalMs: 5, timers, onTick: (to) => (to !== undefined ? resolveDone() : undefined) });
    await done;
    stop();
    assert.equal(await store.compactedRevision(), rev);
    await store.close();
  });
});
