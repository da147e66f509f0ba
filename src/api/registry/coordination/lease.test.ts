import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { leaseResource } from './lease.js';

const make = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'node-1', namespace: 'kube-node-lease', creationTimestamp: new Date().toISOString() }, spec });

test('leaseDurationSeconds must be positive', () => {
  assert.deepEqual((leaseResource.strategy.validate?.(make({ leaseDurationSeconds: 0 })) ?? []).map((e) => formatFieldError(e)), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
});

test('the table shows the holder', () => {
  assert.deepEqual(leaseResource.strategy.row?.(make({ holderIdentity: 'node-1', leaseDurationSeconds: 40 })).slice(0, 2), ['node-1', 'node-1']);
  assert.deepEqual(leaseResource.strategy.row?.(make({})).slice(0, 2), ['node-1', '']);
});
