/**
 * Watch half of the storage conformance suite: ordering, filtering, replay from history, initial
 * events, bookmarks, 410 Gone, termination (stop, slow consumer, close).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConformanceOptions, StoreFactory } from './conformance-helpers.js';
import { NS, WatchReader, cm, increment, key, rejectsWith, rvOf, within, withStore } from './conformance-helpers.js';

/** Declares the watch tests inside the caller's describe block. */
export function runWatchConformance(make: StoreFactory, options: ConformanceOptions): void {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const run = (fn: Parameters<typeof withStore>[1]) => () => withStore(make, fn);

  describe('watch', () => {
    it('delivers ADDED, MODIFIED and DELETED in revision order with prevObject', run(async (s) => {
      const from = await s.currentRevision();
      const w = new WatchReader(s.watch(NS, { resourceVersion: from }), timeoutMs);
      try {
        const c = await s.create(key('a'), cm('a'));
        const u = await increment(s, key('a'));
        const d = await s.delete(key('a'));
        const evs = await w.take(3);
        assert.deepEqual(evs.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
        assert.deepEqual(evs.map((e) => e.revision), [rvOf(c), rvOf(u), rvOf(d)]);
        for (const e of evs) assert.equal(e.object.metadata.resourceVersion, String(e.revision));
        assert.deepEqual(evs[1]?.prevObject, c);
        assert.deepEqual(evs[1]?.object, u);
        assert.deepEqual(evs[2]?.prevObject, u);
        assert.deepEqual(evs[2]?.object.data, u.data);
      } finally {
        w.watch.stop();
      }
    }));

    it('replays history after an older resourceVersion before following live writes', run(async (s) => {
      await s.create('/core/secrets/default/seed', cm('seed')); // resourceVersion 0 would mean "now"
      const from = await s.currentRevision();
      await s.create(key('a'), cm('a'));
      await increment(s, key('a'));
      await s.create(key('b'), cm('b'));
      const w = new WatchReader(s.watch(NS, { resourceVersion: from }), timeoutMs);
      try {
        const replay = await w.take(3);
        assert.deepEqual(replay.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'a'], ['MODIFIED', 'a'], ['ADDED', 'b']]);
        assert.ok(replay[1]?.prevObject, 'replayed MODIFIED carries prevObject');
        await s.delete(key('b'));
        const live = await w.next();
        assert.deepEqual([live.type, live.object.metadata.name], ['DELETED', 'b']);
        assert.ok(live.revision > (replay[2]?.revision ?? 0));
      } finally {
        w.watch.stop();
      }
    }));

    it('starts at "now" for resourceVersion 0 without initialEvents', run(async (s) => {
      await s.create(key('old'), cm('old'));
      const w = new WatchReader(s.watch(NS), timeoutMs);
      try {
        await s.create(key('new'), cm('new'));
        const e = await w.next();
        assert.deepEqual([e.type, e.object.metadata.name], ['ADDED', 'new']);
      } finally {
        w.watch.stop();
      }
    }));

    it('watches one exact key when the key does not end with "/"', run(async (s) => {
      const w = new WatchReader(s.watch(key('a'), { resourceVersion: await s.currentRevision() }), timeoutMs);
      try {
        await s.create(key('ab'), cm('ab'));
        await s.create(key('b'), cm('b'));
        await s.create(key('a'), cm('a'));
        const e = await w.next();
        assert.deepEqual([e.type, e.object.metadata.name], ['ADDED', 'a']);
      } finally {
        w.watch.stop();
      }
    }));

    it('isolates prefixes: default/ does not see default2/', run(async (s) => {
      const w = new WatchReader(s.watch(NS, { resourceVersion: await s.currentRevision() }), timeoutMs);
      try {
        await s.create(key('x', 'default2'), cm('x', {}, 'default2'));
        await s.create('/core/secrets/default/x', cm('x'));
        await s.create(key('mine'), cm('mine'));
        const e = await w.next();
        assert.equal(e.object.metadata.name, 'mine');
      } finally {
        w.watch.stop();
      }
    }));

    it('sends ADDED for existing objects first when initialEvents is set', run(async (s) => {
      for (const n of ['a', 'b', 'c']) await s.create(key(n), cm(n));
      await s.create(key('z', 'other'), cm('z', {}, 'other'));
      const w = new WatchReader(s.watch(NS, { initialEvents: true }), timeoutMs);
      try {
        const initial = await w.take(3);
        assert.deepEqual(initial.map((e) => e.type), ['ADDED', 'ADDED', 'ADDED']);
        assert.deepEqual(initial.map((e) => e.object.metadata.name).sort(), ['a', 'b', 'c']);
        await increment(s, key('b'));
        const e = await w.next();
        assert.deepEqual([e.type, e.object.metadata.name], ['MODIFIED', 'b']);
      } finally {
        w.watch.stop();
      }
    }));

    it('emits periodic BOOKMARK events carrying a current resourceVersion', run(async (s) => {
      await s.create(key('a'), cm('a'));
      const rev = await s.currentRevision();
      const w = new WatchReader(s.watch(NS, { resourceVersion: rev, bookmarks: true, bookmarkIntervalMs: 30 }), timeoutMs);
      try {
        const e = await w.next(false);
        assert.equal(e.type, 'BOOKMARK');
        assert.ok(rvOf(e.object) >= rev);
        assert.equal(e.revision, rvOf(e.object));
      } finally {
        w.watch.stop();
      }
    }));

    it('fails iteration with Gone when watching from a compacted revision', run(async (s) => {
      await s.create('/core/secrets/default/seed', cm('seed'));
      const from = await s.currentRevision();
      await s.create(key('a'), cm('a'));
      await increment(s, key('a'));
      await s.compact(await s.currentRevision());
      const w = new WatchReader(s.watch(NS, { resourceVersion: from }), timeoutMs);
      try {
        await rejectsWith(within(w.step(), timeoutMs, 'Gone'), 'Gone');
      } finally {
        w.watch.stop();
      }
    }));

    it('ends iteration and resolves done with "stopped" after stop()', run(async (s) => {
      const w = new WatchReader(s.watch(NS), timeoutMs);
      const pending = w.step();
      w.watch.stop();
      assert.equal((await within(pending, timeoutMs, 'pending next')).done, true);
      assert.equal(await within(w.watch.done, timeoutMs, 'done'), 'stopped');
      await s.create(key('a'), cm('a'));
      assert.equal((await w.step()).done, true);
    }));

    it('drops a watcher that never reads once its buffer overflows, without blocking writers', run(async (s) => {
      const slow = s.watch(NS, { resourceVersion: await s.currentRevision() });
      const fast = new WatchReader(s.watch(key('last')), timeoutMs);
      try {
        const total = (options.watchBufferSize ?? 10_000) + 200;
        const batch = 50;
        for (let i = 0; i < total; i += batch) {
          await within(Promise.all(Array.from({ length: Math.min(batch, total - i) }, (_, j) => s.create(key(`o${i + j}`), cm(`o${i + j}`)))), timeoutMs, 'writes while a watcher is slow');
        }
        assert.equal(await within(slow.done, timeoutMs, 'the slow watcher to be dropped'), 'dropped');
        await s.create(key('last'), cm('last'));
        assert.equal((await fast.next()).object.metadata.name, 'last', 'other watchers keep working');
        const r = new WatchReader(slow, timeoutMs);
        await r.end();
      } finally {
        slow.stop();
        fast.watch.stop();
      }
    }));

    it('ends every watch with "closed" when the store closes', run(async (s) => {
      const w = new WatchReader(s.watch(NS), timeoutMs);
      const pending = w.step();
      await s.close();
      assert.equal((await within(pending, timeoutMs, 'pending next')).done, true);
      assert.equal(await within(w.watch.done, timeoutMs, 'done'), 'closed');
    }));
  });
}
