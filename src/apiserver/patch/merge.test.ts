import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors.js';
import { jsonMergePatch } from './merge.js';

const cm = (): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', labels: { app: 'web', tier: 'front' } },
  data: { a: '1', b: '2' },
});

test('kubectl label merges into the labels map', () => {
  const out = jsonMergePatch(cm(), { metadata: { labels: { env: 'prod' } } }) as Record<string, { labels: unknown }>;
  assert.deepEqual(out.metadata?.labels, { app: 'web', tier: 'front', env: 'prod' });
});

test('null deletes a key', () => {
  const out = jsonMergePatch(cm(), { metadata: { labels: { tier: null } }, data: { a: null } });
  assert.deepEqual(out, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { app: 'web' } }, data: { b: '2' } });
});

test('arrays are replaced, not merged', () => {
  const pod = { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } };
  assert.deepEqual(jsonMergePatch(pod, { spec: { containers: [{ name: 'a', image: 'z' }] } }), { spec: { containers: [{ name: 'a', image: 'z' }] } });
});

test('nulls inside an object the patch adds are dropped, nulls inside arrays are kept', () => {
  const out = jsonMergePatch({}, { spec: { x: { y: null, z: 1 }, list: [null, { k: null, v: 1 }] } });
  assert.deepEqual(out, { spec: { x: { z: 1 }, list: [null, { v: 1 }] } });
});

test('an object patched over a scalar replaces it', () => {
  assert.deepEqual(jsonMergePatch({ spec: 'x' }, { spec: { a: 1, b: null } }), { spec: { a: 1 } });
});

test('the target and the patch are not modified', () => {
  const target = cm();
  const patch = { data: { a: null, c: '3' } };
  jsonMergePatch(target, patch);
  assert.deepEqual(target, cm());
  assert.deepEqual(patch, { data: { a: null, c: '3' } });
});

test('a patch that is not an object or array is a 400 Invalid JSON Patch', () => {
  for (const p of [null, 1, 'x', true]) {
    assert.throws(() => jsonMergePatch(cm(), p), (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'Invalid JSON Patch');
  }
});
