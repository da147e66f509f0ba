import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './workqueue.js';
import { FakeClock } from './fake-clock.js';

test('a key added twice before it is taken is handed out once', async () => {
  const q = new WorkQueue();
  q.add('ns/a');
  q.add('ns/a');
  q.add('ns/b');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'ns/a');
  assert.equal(await q.get(), 'ns/b');
});

test('a key re-added while processing is not handed to a second worker until done', async () => {
  const q = new WorkQueue();
  q.add('k');
  const k = await q.get();
  assert.equal(k, 'k');
  q.add('k');
  assert.equal(q.len(), 0, 'not queued while processing');
  let second: string | undefined;
  const waiting = q.get().then((v) => (second = v));
  await Promise.resolve();
  assert.equal(second, undefined);
  q.done('k');
  await waiting;
  assert.equal(second, 'k');
});

test('rate-limited adds back off exponentially from 5 ms and forget resets the back-off', () => {
  const q = new WorkQueue({ clock: new FakeClock() });
  assert.deepEqual([q.when('x'), q.when('x'), q.when('x'), q.when('x')], [5, 10, 20, 40]);
  assert.equal(q.numRequeues('x'), 4);
  q.forget('x');
  assert.equal(q.when('x'), 5);
});

test('the back-off is capped at 1000 seconds', () => {
  const q = new WorkQueue({ clock: new FakeClock() });
  let last = 0;
  for (let i = 0; i < 40; i++) last = q.when('x');
  assert.equal(last, 1_000_000);
});

test('a rate-limited key becomes available only once the clock passes its delay', () => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock });
  q.addRateLimited('x'); // 5 ms
  q.addRateLimited('x'); // 10 ms, but the earlier pending add wins
  clock.advance(4);
  assert.equal(q.len(), 0);
  clock.advance(1);
  assert.equal(q.len(), 1);
});

test('shutDown releases waiting workers with undefined', async () => {
  const q = new WorkQueue();
  const p = q.get();
  q.shutDown();
  assert.equal(await p, undefined);
  q.add('late');
  assert.equal(q.len(), 0);
});
