import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { eventsEventResource as ev } from './event.js';
import { coreToEvents, eventsToCore } from './conversion.js';

const now = '2025-01-02T03:04:05.123456Z';
function make(fields: Record<string, unknown>): KubeObject {
  return {
    metadata: { name: 'web.1', namespace: 'default', creationTimestamp: new Date().toISOString() },
    eventTime: now,
    reportingController: 'example.com/ctl',
    reportingInstance: 'ctl-1',
    action: 'Scale',
    reason: 'Scaled',
    type: 'Normal',
    note: 'scaled up',
    regarding: { kind: 'Deployment', namespace: 'default', name: 'web' },
    ...fields,
  };
}
const msgs = (o: KubeObject): string[] => (ev.strategy.validate?.(o) ?? []).map((e) => formatFieldError(e));

test('events.k8s.io fields map onto the stored core/v1 Event', () => {
  const core = eventsToCore(make({ deprecatedCount: 3, series: { count: 2, lastObservedTime: now } }));
  assert.equal(core.apiVersion, 'v1');
  assert.equal(core.message, 'scaled up');
  assert.deepEqual(core.involvedObject, { kind: 'Deployment', namespace: 'default', name: 'web' });
  assert.equal(core.reportingComponent, 'example.com/ctl');
  assert.equal(core.reportingInstance, 'ctl-1');
  assert.equal(core.count, 3);
  assert.deepEqual(core.source, {});
  assert.equal(core.firstTimestamp, null);
});

test('core/v1 Events read back through events.k8s.io with the new field names', () => {
  const core: KubeObject = {
    metadata: { name: 'e', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p' },
    message: 'hello',
    reason: 'Started',
    source: { component: 'kubelet', host: 'node-1' },
    count: 2,
    firstTimestamp: '2025-01-01T00:00:00Z',
    lastTimestamp: '2025-01-01T00:01:00Z',
    type: 'Normal',
  };
  const e = coreToEvents(core);
  assert.equal(e.note, 'hello');
  assert.deepEqual(e.regarding, { kind: 'Pod', name: 'p' });
  assert.deepEqual(e.deprecatedSource, { component: 'kubelet', host: 'node-1' });
  assert.equal(e.deprecatedCount, 2);
  assert.equal(e.deprecatedLastTimestamp, '2025-01-01T00:01:00Z');
  assert.equal(e.eventTime, null);
  assert.deepEqual(eventsToCore(e).message, 'hello');
});

test('a complete new-style event is valid', () => {
  assert.deepEqual(msgs(make({})), []);
});

test('new events need eventTime and may not set the deprecated fields', () => {
  const m = msgs(make({ eventTime: undefined, regarding: { kind: 'Pod', namespace: 'default', name: 'p' }, deprecatedCount: 1, type: 'Bad' }));
  assert.deepEqual(m, [
    'eventTime: Required value',
    'type: Invalid value: "": has invalid value: Bad',
    'deprecatedCount: Invalid value: "": needs to be unset',
  ]);
});

test('reporting fields and a two-or-more series count are required', () => {
  const m = msgs(make({ reportingController: '', action: '', series: { count: 1, lastObservedTime: now } }));
  // Upstream also runs the qualified-name check on the empty controller name, as here.
  assert.equal(m[0], 'reportingController: Required value');
  assert.equal(m[1], 'reportingController: Invalid value: "": name part must be non-empty');
  assert.ok(m.includes('action: Required value'));
  assert.equal(m.at(-1), 'series.count: Invalid value: "": should be at least 2');
});

test('the note may not change in an update', () => {
  const errs = ev.strategy.validateUpdate?.(make({ note: 'b' }), make({ note: 'a' })) ?? [];
  assert.deepEqual(errs.map((e) => formatFieldError(e)), ['note: Invalid value: "b": field is immutable']);
});

test('events print as core events do', () => {
  const row = ev.strategy.row?.(make({})) ?? [];
  assert.deepEqual([row[1], row[2], row[3], row[5], row[6], row[8]], ['Normal', 'Scaled', 'deployment/web', 'example.com/ctl, ctl-1', 'scaled up', 1]);
  assert.equal(ev.conversion?.storageResource, 'events');
  assert.equal(ev.conversion?.storageGroup, '');
});
