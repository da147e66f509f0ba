import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { EventRecorder, type EventSink } from './events.js';

function fakeSink() {
  const created: KubeObject[] = [];
  const patches: { name: string; count: number; message: string; lastTimestamp: string }[] = [];
  const sink: EventSink = {
    create(_ns, ev) {
      created.push(ev);
      return Promise.resolve();
    },
    patch(_ns, name, p) {
      patches.push({ name, ...p });
      return Promise.resolve();
    },
  };
  return { sink, created, patches };
}

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'team-a', uid: 'u1' } };

describe('EventRecorder', () => {
  it('creates a core/v1 Event about the object with source and counts', async () => {
    const { sink, created } = fakeSink();
    const r = new EventRecorder(sink, { component: 'default-scheduler', now: () => new Date('2026-01-01T00:00:00.123Z') });
    r.event(pod, 'Normal', 'Scheduled', 'Successfully assigned team-a/web-1 to n1');
    await r.flush();
    assert.equal(created.length, 1);
    const ev = created[0]!;
    assert.match(ev.metadata.name!, /^web-1\.[0-9a-f]+$/);
    assert.equal(ev.metadata.namespace, 'team-a');
    assert.deepEqual(ev.involvedObject, { apiVersion: 'v1', kind: 'Pod', namespace: 'team-a', name: 'web-1', uid: 'u1', resourceVersion: undefined });
    assert.equal(ev.count, 1);
    assert.equal(ev.firstTimestamp, '2026-01-01T00:00:00Z');
    assert.deepEqual(ev.source, { component: 'default-scheduler' });
  });

  it('folds exact repeats into one event whose count grows', async () => {
    const { sink, created, patches } = fakeSink();
    let t = Date.parse('2026-01-01T00:00:00Z');
    const r = new EventRecorder(sink, { component: 'kubelet', host: 'n1', now: () => new Date(t) });
    for (let i = 0; i < 3; i++) {
      r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
      t += 10_000;
    }
    await r.flush();
    assert.equal(created.length, 1);
    assert.deepEqual(patches.map((p) => [p.name, p.count, p.lastTimestamp]), [
      [created[0]!.metadata.name, 2, '2026-01-01T00:00:10Z'],
      [created[0]!.metadata.name, 3, '2026-01-01T00:00:20Z'],
    ]);
  });

  it('combines more than ten distinct messages with one reason into one event', async () => {
    const { sink, created, patches } = fakeSink();
    const r = new EventRecorder(sink, { component: 'default-scheduler', now: () => new Date('2026-01-01T00:00:00Z') });
    for (let i = 0; i < 13; i++) r.event(pod, 'Warning', 'FailedScheduling', `0/${i} nodes are available`);
    await r.flush();
    assert.equal(created.length, 11);
    assert.equal(created[10]!.message, '(combined from similar events): 0/10 nodes are available');
    assert.deepEqual(patches.map((p) => [p.count, p.message]), [
      [2, '(combined from similar events): 0/11 nodes are available'],
      [3, '(combined from similar events): 0/12 nodes are available'],
    ]);
  });

  it('drops events beyond the spam filter burst and refills over time', async () => {
    const { sink, created, patches } = fakeSink();
    let t = 0;
    const r = new EventRecorder(sink, { component: 'c', now: () => new Date(t) });
    for (let i = 0; i < 30; i++) r.event(pod, 'Normal', 'Tick', 'tick');
    await r.flush();
    assert.equal(created.length + patches.length, 25);
    t += 300_000;
    r.event(pod, 'Normal', 'Tick', 'tick');
    await r.flush();
    assert.equal(created.length + patches.length, 26);
  });

  it('reports sink failures to the log and keeps recording', async () => {
    const logged: string[] = [];
    let fail = true;
    const sink: EventSink = {
      create: () => (fail ? Promise.reject(new Error('boom')) : Promise.resolve()),
      patch: () => Promise.resolve(),
    };
    const r = new EventRecorder(sink, { component: 'c', log: (m) => logged.push(m) });
    r.event(pod, 'Normal', 'A', 'a');
    await r.flush();
    fail = false;
    r.event(pod, 'Normal', 'B', 'b');
    await r.flush();
    assert.deepEqual(logged, ['event write failed']);
  });
});
