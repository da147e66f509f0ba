import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors.js';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json.js';

const dep = (): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '2', 'example.com/a': 'x' } },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } },
});

const is422 = (e: unknown): boolean =>
  e instanceof ApiError && e.code === 422 && e.reason === 'Invalid' && e.message === 'the server rejected our request due to an error in our request';

test('kubectl rollout undo replaces the template and the annotations', () => {
  const template = { spec: { containers: [{ name: 'web', image: 'nginx:1' }] } };
  const out = applyJsonPatch(dep(), [
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '3' } },
  ]) as ReturnType<typeof dep>;
  assert.deepEqual((out.spec as Record<string, unknown>).template, template);
  assert.deepEqual((out.metadata as Record<string, unknown>).annotations, { 'deployment.kubernetes.io/revision': '3' });
});

test('paths unescape ~1 as / and ~0 as ~', () => {
  const out = applyJsonPatch(dep(), [
    { op: 'remove', path: '/metadata/annotations/example.com~1a' },
    { op: 'add', path: '/metadata/annotations/a~0b', value: 'y' },
  ]) as { metadata: { annotations: Record<string, string> } };
  assert.deepEqual(out.metadata.annotations, { 'deployment.kubernetes.io/revision': '2', 'a~b': 'y' });
});

test('test, move and copy operations apply in order', () => {
  const out = applyJsonPatch(dep(), [
    { op: 'test', path: '/spec/replicas', value: 2 },
    { op: 'copy', from: '/spec/replicas', path: '/spec/minReadySeconds' },
    { op: 'move', from: '/metadata/annotations/example.com~1a', path: '/metadata/labels' },
    { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'side', image: 'envoy' } },
  ]) as { spec: Record<string, unknown>; metadata: Record<string, unknown> };
  assert.equal(out.spec.minReadySeconds, 2);
  assert.equal(out.metadata.labels, 'x');
  assert.equal((out.spec.template as { spec: { containers: unknown[] } }).spec.containers.length, 2);
});

test('a failed test operation is a 422 with the generic message', () => {
  assert.throws(() => applyJsonPatch(dep(), [{ op: 'test', path: '/spec/replicas', value: 3 }]), is422);
});

test('replace or remove on a missing path is a 422', () => {
  assert.throws(() => applyJsonPatch(dep(), [{ op: 'replace', path: '/spec/paused', value: true }]), is422);
  assert.throws(() => applyJsonPatch(dep(), [{ op: 'remove', path: '/metadata/labels' }]), is422);
  assert.throws(() => applyJsonPatch(dep(), [{ op: 'add', path: '/spec/nope/deeper', value: 1 }]), is422);
});

test('an unknown op or an op without path is a 422', () => {
  assert.throws(() => applyJsonPatch(dep(), [{ op: 'frob', path: '/spec' }]), is422);
  assert.throws(() => applyJsonPatch(dep(), [{ op: '_get', path: '/spec', value: 1 }]), is422);
  assert.throws(() => applyJsonPatch(dep(), [{ op: 'add', value: 1 }]), is422);
});

test('a failing operation leaves the input unchanged', () => {
  const d = dep();
  assert.throws(() => applyJsonPatch(d, [{ op: 'add', path: '/spec/paused', value: true }, { op: 'test', path: '/spec/replicas', value: 9 }]));
  assert.deepEqual(d, dep());
});

test('a body that is not a list of operations is a 400 with the decoder message', () => {
  assert.throws(
    () => applyJsonPatch(dep(), { op: 'add' }),
    (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
  );
  assert.throws(
    () => applyJsonPatch(dep(), [1]),
    (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'json: cannot unmarshal number into Go value of type jsonpatch.Operation',
  );
});

test('more than 10000 operations is a 413', () => {
  const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/kind', value: 'Deployment' }));
  assert.throws(
    () => applyJsonPatch(dep(), ops),
    (e: unknown) => e instanceof ApiError && e.code === 413 && e.message === 'The allowed maximum operations in a JSON patch is 10000, got 10001',
  );
});
