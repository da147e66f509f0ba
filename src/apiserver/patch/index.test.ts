import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { loadDefinitions, rootDefinitionFor } from '../../api/schema/definitions.js';
import { applyPatch, patchTypeFromContentType } from './index.js';

const defs = loadDefinitions();
const deploymentOpts = { defs, rootDef: rootDefinitionFor('apps', 'v1', 'Deployment') };
const crOpts = { defs, rootDef: undefined };

const dep = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', resourceVersion: '7' },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }] } } },
});
const widget = (): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1, tags: ['a'] } });

const apiError = (code: number, message?: string) => (e: unknown): boolean =>
  e instanceof ApiError && e.code === code && (message === undefined || e.message === message);

test('patch types come from the content type, ignoring parameters and case', () => {
  assert.equal(patchTypeFromContentType('application/json-patch+json'), 'json');
  assert.equal(patchTypeFromContentType('application/merge-patch+json; charset=utf-8'), 'merge');
  assert.equal(patchTypeFromContentType('Application/Strategic-Merge-Patch+JSON'), 'strategic');
  assert.equal(patchTypeFromContentType('application/apply-patch+yaml'), 'apply');
  assert.equal(patchTypeFromContentType('application/json'), undefined);
  assert.equal(patchTypeFromContentType(''), undefined);
});

test('a strategic merge patch applies through the Deployment schema', () => {
  const out = applyPatch('strategic', dep(), '{"spec":{"template":{"spec":{"containers":[{"image":"nginx:2","name":"web"}]}}}}', deploymentOpts);
  assert.deepEqual(out.spec, { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } });
});

test('the current object is never modified', () => {
  const cur = dep();
  applyPatch('merge', cur, '{"spec":{"replicas":5}}', deploymentOpts);
  applyPatch('json', cur, '[{"op":"replace","path":"/spec/replicas","value":5}]', deploymentOpts);
  applyPatch('strategic', cur, '{"spec":{"replicas":5}}', deploymentOpts);
  assert.deepEqual(cur, dep());
});

test('a strategic merge patch on a custom resource is a 415 listing the accepted types', () => {
  assert.throws(
    () => applyPatch('strategic', widget(), '{"spec":{"size":2}}', crOpts),
    (e: unknown) =>
      e instanceof ApiError &&
      e.code === 415 &&
      e.reason === 'UnsupportedMediaType' &&
      e.message === 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
  );
});

test('merge and JSON patches work on custom resources', () => {
  assert.deepEqual(applyPatch('merge', widget(), '{"spec":{"tags":["b"]}}', crOpts).spec, { size: 1, tags: ['b'] });
  assert.deepEqual(applyPatch('json', widget(), '[{"op":"add","path":"/spec/tags/-","value":"c"}]', crOpts).spec, { size: 1, tags: ['a', 'c'] });
});

test('a body that is not JSON is a 400 invalid JSON patch for every patch type', () => {
  for (const t of ['json', 'merge', 'strategic'] as const) {
    assert.throws(() => applyPatch(t, dep(), '{"spec":', deploymentOpts), apiError(400, 'invalid JSON patch'));
  }
});

test('a strategic merge patch that is not an object is a 400', () => {
  assert.throws(() => applyPatch('strategic', dep(), '[]', deploymentOpts), apiError(400, 'json: cannot unmarshal array into Go value of type map[string]interface {}'));
});

test('a patch whose result is not an object is a 422 on the patch field', () => {
  assert.throws(() => applyPatch('json', dep(), '[{"op":"replace","path":"","value":[1]}]', deploymentOpts), (e: unknown) => e instanceof ApiError && e.code === 422 && e.message.startsWith(' "" is invalid: patch: Invalid value: '));
  assert.throws(() => applyPatch('merge', dep(), '{"metadata":"x"}', deploymentOpts), (e: unknown) => e instanceof ApiError && e.code === 422 && /Deployment\.metadata of type v1\.ObjectMeta/.test(e.message));
});

test('a patch that removes metadata leaves an empty metadata for the pipeline to judge', () => {
  const out = applyPatch('json', dep(), '[{"op":"remove","path":"/metadata"}]', deploymentOpts);
  assert.deepEqual(out.metadata, {});
});

test('a patch that renames the object is applied as is', () => {
  assert.equal(applyPatch('merge', dep(), '{"metadata":{"name":"other"}}', deploymentOpts).metadata.name, 'other');
});

test('the scale subresource takes a strategic merge patch through the Scale schema', () => {
  const scale: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: 1 }, status: { replicas: 1 } };
  const out = applyPatch('strategic', scale, '{"spec":{"replicas":3}}', { defs, rootDef: rootDefinitionFor('autoscaling', 'v1', 'Scale') });
  assert.deepEqual(out.spec, { replicas: 3 });
});

test('server-side apply patches are refused: the caller applies them', () => {
  assert.throws(() => applyPatch('apply', dep(), '{}', deploymentOpts), apiError(500));
});
