import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JsonChange, WatchBroadcaster } from './broadcaster.js';
import { BufferedWatch } from './watcher.js';
import type { WatchEvent } from './store.js';

const change = (rev: number, key = `/core/pods/default/p${rev}`) =>
  new JsonChange('ADDED', key, rev, JSON.stringify({ metadata: { name: key, resourceVersion: String(rev) } }));

function watcher(b: WatchBroadcaster, prefix = '/core/pods/default/', bufferSize = 10): BufferedWatch {
  const w: BufferedWatch = new BufferedWatch({ matches: (k) => k.startsWith(prefix), bufferSize, currentRevision: () => b.revision, onEnd: () => b.unsubscribe(w) });
  b.subscribe(w);
  return w;
}

async function take(w: BufferedWatch, n: number): Promise<WatchEvent[]> {
  const it = w[Symbol.asyncIterator]();
  const out: WatchEvent[] = [];
  while (out.length < n) {
    const r = await it.next();
    assert.ok(!r.done);
    out.push(r.value);
  }
  return out;
}

describe('WatchBroadcaster', () => {
  it('replays recent changes from its ring and filters them by key', () => {
    const b = new WatchBroadcaster(0, { ringSize: 100 });
    b.publish([change(1), change(2, '/core/pods/other/x'), change(3)]);
    assert.deepEqual(b.replay(1, 3, (k) => k.startsWith('/core/pods/default/'))?.map((c) => c.revision), [3]);
    assert.deepEqual(b.replay(0, 2, () => true)?.map((c) => c.revision), [1, 2]);
  });

  it('answers undefined once the ring no longer reaches back to the revision', () => {
    const b = new WatchBroadcaster(0, { ringSize: 2 });
    b.publish([1, 2, 3, 4, 5].map((r) => change(r)));
    assert.equal(b.replay(0, 5, () => true), undefined);
    assert.deepEqual(b.replay(4, 5, () => true)?.map((c) => c.revision), [5]);
  });

  it('decodes a change once and shares the event between watchers', async () => {
    const b = new WatchBroadcaster(0);
    const w1 = watcher(b);
    const w2 = watcher(b);
    w1.begin(0, []);
    w2.begin(0, []);
    b.publish([change(1)]);
    const [e1] = await take(w1, 1);
    const [e2] = await take(w2, 1);
    assert.equal(e1, e2);
  });

  it('unsubscribes a watcher when it ends', () => {
    const b = new WatchBroadcaster(0);
    const w = watcher(b);
    w.begin(0, []);
    assert.equal(b.size, 1);
    w.stop();
    assert.equal(b.size, 0);
  });
});

describe('BufferedWatch', () => {
  it('delivers the backfill, then changes held before begin() without duplicates', async () => {
    const b = new WatchBroadcaster(0);
    const w = watcher(b);
    b.publish([change(2), change(3)]); // arrive while the backfill is being read
    const backfill = [change(1).event(), change(2).event()];
    w.begin(0, backfill);
    assert.deepEqual((await take(w, 3)).map((e) => e.revision), [1, 2, 3]);
    w.stop();
  });

  it('drops itself without blocking the publisher when its buffer overflows', async () => {
    const b = new WatchBroadcaster(0);
    const w = watcher(b, '/core/pods/default/', 3);
    w.begin(0, []);
    b.publish([1, 2, 3, 4, 5].map((r) => change(r)));
    assert.equal(await w.done, 'dropped');
    assert.equal((await w[Symbol.asyncIterator]().next()).done, true);
    assert.equal(b.size, 0);
  });

  it('throws the failure from the iterator, then ends', async () => {
    const b = new WatchBroadcaster(0);
    const w = watcher(b);
    w.fail(new Error('too old resource version: 1 (5)'));
    const it = w[Symbol.asyncIterator]();
    await assert.rejects(it.next(), /too old resource version/);
    assert.equal((await it.next()).done, true);
  });

  it('stops when a for-await loop breaks out', async () => {
    const b = new WatchBroadcaster(0);
    const w = watcher(b);
    w.begin(0, []);
    b.publish([change(1)]);
    for await (const ev of w) {
      assert.equal(ev.revision, 1);
      break;
    }
    assert.equal(await w.done, 'stopped');
  });
});
