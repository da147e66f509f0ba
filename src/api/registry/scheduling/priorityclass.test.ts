import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { ApiError } from '../../errors.js';
import { formatFieldError } from '../../field.js';
import type { RegistryContext } from '../../resource.js';
import { priorityClassResource as pc, systemPriorityClasses } from './priorityclass.js';

function make(name: string, fields: Record<string, unknown>): KubeObject {
  return { metadata: { name, creationTimestamp: new Date().toISOString() }, ...fields };
}
const msgs = (o: KubeObject): string[] => (pc.strategy.validate?.(o) ?? []).map((e) => formatFieldError(e));

test('preemptionPolicy defaults to PreemptLowerPriority', () => {
  const o = make('high', { value: 1000 });
  pc.strategy.default?.(o);
  assert.equal(o.preemptionPolicy, 'PreemptLowerPriority');
});

test('user classes may not exceed one billion', () => {
  assert.deepEqual(msgs(make('huge', { value: 2_000_000_000 })), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
});

test('the system- prefix is reserved for the built-in classes', () => {
  assert.deepEqual(msgs(make('system-mine', { value: 1 })), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class",
  ]);
  for (const s of systemPriorityClasses) assert.deepEqual(msgs(s), []);
});

test('value may not change in an update', () => {
  const errs = pc.strategy.validateUpdate?.(make('a', { value: 2, preemptionPolicy: 'Never' }), make('a', { value: 1, preemptionPolicy: 'Never' })) ?? [];
  assert.deepEqual(errs.map((e) => formatFieldError(e)), ['value: Forbidden: may not be changed in an update.']);
});

test('a second global default is refused, as the Priority admission plugin does', async () => {
  const ctx: RegistryContext = { dryRun: false, list: () => Promise.resolve([make('first', { value: 1, globalDefault: true })]) };
  await assert.rejects(pc.strategy.beforeWrite!(make('second', { value: 2, globalDefault: true }), undefined, ctx), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 403);
    assert.match(e.message, /PriorityClass first is already marked as default\. Only one default can exist$/);
    return true;
  });
  assert.deepEqual(await pc.strategy.beforeWrite!(make('first', { value: 1, globalDefault: true }), undefined, ctx), []);
});

test('the table carries value, global default, age and preemption policy', () => {
  const row = pc.strategy.row?.(make('high', { value: 1000, preemptionPolicy: 'Never' })) ?? [];
  assert.deepEqual([row[0], row[1], row[2], row[4]], ['high', 1000, false, 'Never']);
  assert.deepEqual(pc.shortNames, ['pc']);
});
