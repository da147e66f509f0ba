import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { podDisruptionBudgetResource as pdb } from './poddisruptionbudget.js';

function make(spec: Record<string, unknown>): KubeObject {
  return { metadata: { name: 'web', namespace: 'default', creationTimestamp: new Date().toISOString() }, spec };
}
const msgs = (o: KubeObject): string[] => (pdb.strategy.validate?.(o) ?? []).map((e) => formatFieldError(e));
const selector = { matchLabels: { app: 'web' } };

test('setting both minAvailable and maxUnavailable is rejected', () => {
  const m = msgs(make({ minAvailable: 1, maxUnavailable: 1, selector }));
  assert.equal(m.length, 1);
  assert.match(m[0] ?? '', /^spec: Invalid value: policy\.PodDisruptionBudgetSpec\{.*\}: minAvailable and maxUnavailable cannot be both set$/);
});

test('a negative minAvailable is rejected', () => {
  assert.deepEqual(msgs(make({ minAvailable: -1, selector })), ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']);
});

test('a percentage above 100% is rejected', () => {
  assert.deepEqual(msgs(make({ maxUnavailable: '120%', selector })), ['spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%']);
});

test('create starts from an empty status with zero counters', () => {
  const o = make({ minAvailable: 1, selector });
  pdb.strategy.prepareForCreate?.(o);
  assert.deepEqual(o.status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
});

test('the table prints N/A for the unset bound and the allowed disruptions', () => {
  const o = make({ minAvailable: '50%', selector });
  o.status = { disruptionsAllowed: 2 };
  assert.deepEqual(pdb.strategy.row?.(o).slice(0, 4), ['web', '50%', 'N/A', 2]);
  assert.deepEqual(pdb.shortNames, ['pdb']);
});
