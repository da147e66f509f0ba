import { test } from 'node:test';
import assert from 'node:assert/strict';
import { difference, fromFieldsV1, has, insert, intersection, isEmpty, keyPE, newSet, paths, pathString, toFieldsV1, union, valuePE } from './fieldpath.js';

test('FieldsV1 round-trips, writing "." first for members that have children', () => {
  const doc = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
  };
  const set = fromFieldsV1(doc);
  assert.equal(JSON.stringify(toFieldsV1(set)), JSON.stringify(doc));
  assert.ok(has(set, ['f:metadata', 'f:labels']));
  assert.ok(!has(set, ['f:metadata']));
  assert.ok(has(set, ['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']));
});

test('children are ordered fields first, then keys, then set values, each by content', () => {
  const s = newSet();
  insert(s, ['f:spec', 'f:ports', keyPE([['protocol', 'TCP'], ['port', 80]])]);
  insert(s, ['f:spec', 'f:ports', keyPE([['protocol', 'TCP'], ['port', 443]])]);
  insert(s, ['f:spec', 'f:ports', keyPE([['protocol', 'TCP'], ['port', 9]])]);
  insert(s, ['f:metadata', 'f:finalizers', valuePE('b')]);
  insert(s, ['f:metadata', 'f:finalizers', valuePE('a')]);
  insert(s, ['f:apiVersion']);
  const out = toFieldsV1(s);
  assert.deepEqual(Object.keys(out), ['f:apiVersion', 'f:metadata', 'f:spec']);
  assert.deepEqual(Object.keys((out['f:spec'] as Record<string, Record<string, unknown>>)['f:ports']!), [
    'k:{"port":9,"protocol":"TCP"}',
    'k:{"port":80,"protocol":"TCP"}',
    'k:{"port":443,"protocol":"TCP"}',
  ]);
  assert.deepEqual(Object.keys((out['f:metadata'] as Record<string, unknown>)['f:finalizers'] as object), ['v:"a"', 'v:"b"']);
});

test('paths print like fieldpath.Path.String', () => {
  assert.equal(pathString(['f:spec', 'f:replicas']), '.spec.replicas');
  assert.equal(pathString(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image']), '.spec.template.spec.containers[name="nginx"].image');
  assert.equal(pathString(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}']), '.spec.ports[port=80,protocol="TCP"]');
  assert.equal(pathString(['f:metadata', 'f:finalizers', 'v:"x"']), '.metadata.finalizers[="x"]');
});

test('set algebra is member-wise: removing a parent path keeps its children', () => {
  const a = fromFieldsV1({ 'f:spec': { '.': {}, 'f:a': {}, 'f:b': {} } });
  const b = fromFieldsV1({ 'f:spec': {}, 'f:x': {} });
  const d = difference(a, b);
  assert.deepEqual(toFieldsV1(d), { 'f:spec': { 'f:a': {}, 'f:b': {} } });
  assert.deepEqual(toFieldsV1(intersection(a, b)), { 'f:spec': {} });
  assert.deepEqual(paths(union(a, b)).map(pathString), ['.spec', '.spec.a', '.spec.b', '.x']);
  assert.ok(isEmpty(difference(b, b)));
});

test('malformed FieldsV1 is rejected', () => {
  assert.throws(() => fromFieldsV1({ 'x:y': {} }));
  assert.throws(() => fromFieldsV1({ 'f:a': 3 }));
});
