import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { storageClassResource as sc } from './storageclass.js';

function make(fields: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return { metadata: { name: 'standard', creationTimestamp: new Date().toISOString(), ...(annotations ? { annotations } : {}) }, ...fields };
}

test('reclaimPolicy defaults to Delete and volumeBindingMode to Immediate', () => {
  const o = make({ provisioner: 'rancher.io/local-path' });
  sc.strategy.default?.(o);
  assert.equal(o.reclaimPolicy, 'Delete');
  assert.equal(o.volumeBindingMode, 'Immediate');
});

test('provisioner is required and reclaimPolicy must be supported', () => {
  const o = make({ reclaimPolicy: 'Recycle', volumeBindingMode: 'Immediate' });
  assert.deepEqual((sc.strategy.validate?.(o) ?? []).map((e) => formatFieldError(e)), [
    'provisioner: Required value',
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
  ]);
});

test('provisioner and parameters are frozen after creation', () => {
  const old = make({ provisioner: 'a.io/x', parameters: { type: 'ssd' }, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
  const now = make({ provisioner: 'b.io/x', parameters: { type: 'hdd' }, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
  assert.deepEqual((sc.strategy.validateUpdate?.(now, old) ?? []).map((e) => formatFieldError(e)), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'provisioner: Forbidden: updates to provisioner are forbidden.',
  ]);
});

test('the default class is marked in the table', () => {
  const o = make({ provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' }, { 'storageclass.kubernetes.io/is-default-class': 'true' });
  assert.deepEqual(sc.strategy.row?.(o).slice(0, 5), ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false]);
  assert.deepEqual(sc.shortNames, ['sc']);
});
