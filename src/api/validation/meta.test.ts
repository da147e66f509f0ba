import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../field.js';
import { validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { matchLabelSelector } from './selector.js';

const msgs = (errs: Parameters<typeof formatFieldError>[0][]): string[] => errs.map((e) => formatFieldError(e));

test('a name or generateName is required', () => {
  assert.deepEqual(msgs(validateObjectMeta({ namespace: 'default' }, { namespaced: true, nameRule: 'subdomain' })), [
    'metadata.name: Required value: name or generateName is required',
  ]);
});

test('namespaced kinds need a namespace; cluster kinds may not have one', () => {
  assert.deepEqual(msgs(validateObjectMeta({ name: 'a' }, { namespaced: true, nameRule: 'subdomain' })), ['metadata.namespace: Required value']);
  assert.deepEqual(msgs(validateObjectMeta({ name: 'a', namespace: 'x' }, { namespaced: false, nameRule: 'subdomain' })), [
    'metadata.namespace: Forbidden: not allowed on this type',
  ]);
});

test('a generateName ending in a dash is valid', () => {
  assert.deepEqual(validateObjectMeta({ generateName: 'web-', name: 'web-abcde', namespace: 'd' }, { namespaced: true, nameRule: 'label' }), []);
});

test('bad label keys and values are reported at metadata.labels', () => {
  const errs = validateObjectMeta({ name: 'a', namespace: 'd', labels: { 'bad key': 'v', ok: 'bad value' } }, { namespaced: true, nameRule: 'subdomain' });
  assert.equal(errs.length, 2);
  assert.ok(errs.every((e) => e.field === 'metadata.labels'));
  assert.equal(errs[0]?.badValue, 'bad key');
  assert.equal(errs[1]?.badValue, 'bad value');
});

test('annotations over 256 KiB are too long', () => {
  const errs = validateObjectMeta({ name: 'a', namespace: 'd', annotations: { big: 'x'.repeat(256 * 1024) } }, { namespaced: true, nameRule: 'subdomain' });
  assert.deepEqual(msgs(errs), ['metadata.annotations: Too long: may not be more than 262144 bytes']);
});

test('two controller owner references are rejected', () => {
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', uid: 'u', controller: true };
  const errs = validateObjectMeta(
    { name: 'a', namespace: 'd', ownerReferences: [{ ...ref, name: 'one' }, { ...ref, name: 'two' }] },
    { namespaced: true, nameRule: 'subdomain' },
  );
  assert.equal(errs.length, 1);
  assert.equal(errs[0]?.detail, 'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/one and ReplicaSet/two');
});

test('name and uid are immutable', () => {
  const errs = validateObjectMetaUpdate({ name: 'b', uid: '2' }, { name: 'a', uid: '1' });
  assert.deepEqual(msgs(errs), ['metadata.name: Invalid value: "b": field is immutable', 'metadata.uid: Invalid value: "2": field is immutable']);
});

test('no new finalizers once deletion started', () => {
  const errs = validateObjectMetaUpdate({ name: 'a', finalizers: ['x/y'], deletionTimestamp: 't' }, { name: 'a', deletionTimestamp: 't' });
  assert.deepEqual(msgs(errs), ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"x/y"}']);
});

test('label selector requirements are validated', () => {
  const errs = validateLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }, { key: 'b', operator: 'Exists', values: ['x'] }, { key: 'c', operator: 'Near' }] }, 'spec.selector');
  assert.deepEqual(msgs(errs), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    'spec.selector.matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator',
  ]);
});

test('selector matching: empty matches all, null matches nothing', () => {
  assert.equal(matchLabelSelector({}, { a: '1' }), true);
  assert.equal(matchLabelSelector(undefined, { a: '1' }), false);
  const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }, { key: 'gone', operator: 'DoesNotExist' }] };
  assert.equal(matchLabelSelector(sel, { app: 'web', tier: 'fe' }), true);
  assert.equal(matchLabelSelector(sel, { app: 'web', tier: 'db' }), false);
  assert.equal(matchLabelSelector(sel, { app: 'web', tier: 'fe', gone: '' }), false);
  assert.equal(matchLabelSelector({ matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['1'] }] }, {}), true);
});
