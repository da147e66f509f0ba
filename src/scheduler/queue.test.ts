import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulingQueue } from './queue.js';

function setup() {
  let t = 0;
  const clock = { now: () => t };
  return { q: new SchedulingQueue({ clock }), advance: (ms: number) => (t += ms) };
}

test('higher priority pops first, then the oldest', () => {
  const { q, advance } = setup();
  q.add('a', 0);
  advance(1);
  q.add('b', 10);
  advance(1);
  q.add('c', 10);
  assert.deepEqual([q.pop(), q.pop(), q.pop(), q.pop()], ['b', 'c', 'a', undefined]);
});

test('an unschedulable pod is parked until a cluster event, then waits out its back-off', () => {
  const { q, advance } = setup();
  q.add('p', 0);
  assert.equal(q.pop(), 'p');
  q.failed('p', 'Unschedulable');
  assert.equal(q.pop(), undefined);
  advance(2000);
  assert.equal(q.pop(), undefined, 'still parked without an event');
  q.onEvent('NodeAdd');
  assert.equal(q.pop(), 'p');
});

test('an event right after failing sends the pod to back-off first', () => {
  const { q, advance } = setup();
  q.add('p', 0);
  q.pop();
  q.failed('p', 'Unschedulable');
  q.onEvent('NodeUpdate');
  assert.equal(q.pop(), undefined);
  advance(1000);
  assert.equal(q.pop(), 'p');
});

test('an event during the attempt skips parking', () => {
  const { q, advance } = setup();
  q.add('p', 0);
  q.pop();
  q.onEvent('PodDelete');
  q.failed('p', 'Unschedulable');
  assert.deepEqual(q.stats(), { active: 0, backoff: 1, unschedulable: 0, inFlight: 0 });
  advance(1000);
  assert.equal(q.pop(), 'p');
});

test('back-off doubles per attempt up to 10 seconds', () => {
  const { q } = setup();
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => q.backoffDuration(n)), [1000, 2000, 4000, 8000, 10000, 10000]);
});

test('a failing pod never blocks the others', () => {
  const { q } = setup();
  q.add('huge', 100);
  q.add('small', 0);
  assert.equal(q.pop(), 'huge');
  q.failed('huge', 'Unschedulable');
  assert.equal(q.pop(), 'small');
});

test('parked pods come back after five minutes even without events', () => {
  const { q, advance } = setup();
  q.add('p', 0);
  q.pop();
  q.failed('p', 'Unschedulable');
  advance(5 * 60_000);
  assert.equal(q.pop(), 'p');
});
