import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDefinitions, rootDefinitionFor } from './definitions.js';
import { typeErrors, unknownFields } from './validate.js';

const defs = loadDefinitions();
const deployment = rootDefinitionFor('apps', 'v1', 'Deployment')!;

function dep(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } }, spec };
}

test('rootDefinitionFor finds built-in kinds and not custom ones', () => {
  assert.equal(deployment, 'io.k8s.api.apps.v1.Deployment');
  assert.equal(rootDefinitionFor('', 'v1', 'ConfigMap'), 'io.k8s.api.core.v1.ConfigMap');
  assert.equal(rootDefinitionFor('rbac.authorization.k8s.io', 'v1', 'Role'), 'io.k8s.api.rbac.v1.Role');
  assert.equal(rootDefinitionFor('example.com', 'v1', 'Widget'), undefined);
});

test('unknown fields are reported with upstream paths, including list indexes', () => {
  const obj = dep({ foo: 1, replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', imagee: 'y' }] } } });
  assert.deepEqual(unknownFields(obj, defs, deployment), ['spec.foo', 'spec.template.spec.containers[1].imagee']);
});

test('a well-formed object has no unknown fields', () => {
  const obj = dep({
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } },
    template: { metadata: { labels: { app: 'web' }, annotations: { 'a/b': 'c' } }, spec: { containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1' } } }] } },
  });
  assert.deepEqual(unknownFields(obj, defs, deployment), []);
});

test('maps of strings and preserve-unknown fields never report', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', annotations: { anything: 'goes' } }, data: { anyKey: 'v' } };
  assert.deepEqual(unknownFields(cm, defs, 'io.k8s.api.core.v1.ConfigMap'), []);
  const rev = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 1, data: { spec: { whatever: true } } };
  assert.deepEqual(unknownFields(rev, defs, 'io.k8s.api.apps.v1.ControllerRevision'), []);
});

test('a string where int32 is declared reads like Go decoder errors', () => {
  assert.deepEqual(typeErrors(dep({ replicas: '3' }), defs, deployment), [
    'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
  ]);
});

test('type errors name the innermost struct and the dotted path without indexes', () => {
  const obj = dep({ template: { spec: { containers: [{ name: 7 }] } } });
  assert.deepEqual(typeErrors(obj, defs, deployment), [
    'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.name of type string',
  ]);
  assert.deepEqual(typeErrors(dep({ template: { spec: { containers: {} } } }), defs, deployment), [
    'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container',
  ]);
  assert.deepEqual(typeErrors({ spec: 'x' }, defs, deployment), ['json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec']);
});

test('fractional numbers into integers, and map values, are type errors', () => {
  assert.deepEqual(typeErrors(dep({ replicas: 1.5 }), defs, deployment), ['json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32']);
  assert.deepEqual(typeErrors({ metadata: { labels: { a: 1 } } }, defs, deployment), ['json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string']);
});

test('int-or-string, quantities and nulls are accepted', () => {
  const obj = dep({
    replicas: null,
    strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } },
    template: { spec: { containers: [{ name: 'a', resources: { limits: { cpu: 1, memory: '1Gi' } } }] } },
  });
  assert.deepEqual(typeErrors(obj, defs, deployment), []);
});
