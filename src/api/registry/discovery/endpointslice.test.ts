import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { endpointSliceResource as es } from './endpointslice.js';

const make = (fields: Record<string, unknown>): KubeObject => ({ metadata: { name: 'web-abc', namespace: 'default', creationTimestamp: new Date().toISOString() }, ...fields });
const msgs = (o: KubeObject): string[] => (es.strategy.validate?.(o) ?? []).map((e) => formatFieldError(e));

test('addressType is required', () => {
  assert.deepEqual(msgs(make({ endpoints: [] })), ['addressType: Required value']);
});

test('addresses must match the address type', () => {
  assert.deepEqual(msgs(make({ addressType: 'IPv4', endpoints: [{ addresses: ['fd00::1'] }, { addresses: [] }] })), [
    'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
    'endpoints[1].addresses: Required value: must contain at least 1 address',
  ]);
});

test('port protocol defaults to TCP and duplicate port names are rejected', () => {
  const o = make({ addressType: 'IPv4', endpoints: [], ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] });
  es.strategy.default?.(o);
  assert.deepEqual(o.ports, [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'http', port: 81, protocol: 'TCP' }]);
  assert.deepEqual(msgs(o), ['ports[1].name: Duplicate value: "http"']);
});

test('addressType is immutable', () => {
  const errs = es.strategy.validateUpdate?.(make({ addressType: 'IPv6' }), make({ addressType: 'IPv4' })) ?? [];
  assert.deepEqual(errs.map((e) => formatFieldError(e)), ['addressType: Invalid value: "IPv6": field is immutable']);
});

test('the table lists ports and the first three endpoints', () => {
  const o = make({ addressType: 'IPv4', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], endpoints: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((a) => ({ addresses: [a] })) });
  assert.deepEqual(es.strategy.row?.(o).slice(0, 4), ['web-abc', 'IPv4', '80', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...']);
  assert.deepEqual(es.strategy.row?.(make({ addressType: 'IPv4', endpoints: [] })).slice(2, 4), ['<unset>', '<unset>']);
});
