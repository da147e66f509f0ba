import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDefinitions, groupOfModule, prefixOfModule, repoRoot } from './gen-openapi.js';

const root = repoRoot(dirname(fileURLToPath(import.meta.url)));
const defs = generateDefinitions(join(root, 'node_modules/kubernetes-types'));

test('kubernetes-types modules map onto upstream definition names and groups', () => {
  assert.equal(prefixOfModule('core/v1'), 'io.k8s.api.core.v1');
  assert.equal(prefixOfModule('meta/v1'), 'io.k8s.apimachinery.pkg.apis.meta.v1');
  assert.equal(prefixOfModule('apiextensions/v1'), 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1');
  assert.equal(groupOfModule('rbac'), 'rbac.authorization.k8s.io');
  assert.equal(groupOfModule('networking'), 'networking.k8s.io');
  assert.equal(groupOfModule('core'), '');
});

test('top-level kinds and their lists carry a GVK list', () => {
  assert.deepEqual(defs['io.k8s.api.apps.v1.Deployment']?.['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  assert.deepEqual(defs['io.k8s.api.apps.v1.DeploymentList']?.['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'DeploymentList' }]);
  assert.deepEqual(defs['io.k8s.api.networking.v1.Ingress']?.['x-kubernetes-group-version-kind'], [{ group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' }]);
  assert.deepEqual(defs['io.k8s.api.core.v1.Pod']?.['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
  assert.ok(defs['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition']?.['x-kubernetes-group-version-kind']);
  assert.equal(defs['io.k8s.api.apps.v1.DeploymentSpec']?.['x-kubernetes-group-version-kind'], undefined);
});

test('DeploymentSpec.strategy refers to DeploymentStrategy and keeps its description', () => {
  const spec = defs['io.k8s.api.apps.v1.DeploymentSpec'];
  assert.equal(spec?.type, 'object');
  assert.equal(spec?.properties?.strategy?.$ref, '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy');
  assert.match(spec?.properties?.strategy?.description ?? '', /deployment strategy to use/);
  assert.deepEqual(spec?.required, ['selector', 'template']);
  assert.deepEqual(spec?.properties?.replicas, { type: 'integer', format: 'int32', description: spec?.properties?.replicas?.description });
});

test('PodSpec.containers is an array with the merge key name', () => {
  const c = defs['io.k8s.api.core.v1.PodSpec']?.properties?.containers;
  assert.equal(c?.type, 'array');
  assert.equal(c?.items?.$ref, '#/components/schemas/io.k8s.api.core.v1.Container');
  assert.equal(c?.['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(c?.['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(c?.['x-kubernetes-list-type'], 'map');
  assert.deepEqual(c?.['x-kubernetes-list-map-keys'], ['name']);
});

test('maps, int64 fields and special types follow upstream', () => {
  assert.deepEqual(defs['io.k8s.api.core.v1.ConfigMap']?.properties?.data?.additionalProperties, { type: 'string' });
  assert.equal(defs['io.k8s.api.core.v1.PodSpec']?.properties?.terminationGracePeriodSeconds?.format, 'int64');
  assert.equal(defs['io.k8s.apimachinery.pkg.apis.meta.v1.Time']?.format, 'date-time');
  assert.equal(defs['io.k8s.apimachinery.pkg.api.resource.Quantity']?.type, 'string');
  assert.equal(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString']?.['x-kubernetes-int-or-string'], true);
  assert.equal(defs['io.k8s.api.apps.v1.RollingUpdateDeployment']?.properties?.maxSurge?.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  assert.equal(defs['io.k8s.apimachinery.pkg.runtime.RawExtension']?.['x-kubernetes-preserve-unknown-fields'], true);
  assert.equal(defs['io.k8s.api.core.v1.Container']?.properties?.resources?.$ref, '#/components/schemas/io.k8s.api.core.v1.ResourceRequirements');
});

test('meta/v1 Status, DeleteOptions and WatchEvent are documented like upstream', () => {
  assert.deepEqual(defs['io.k8s.apimachinery.pkg.apis.meta.v1.Status']?.['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Status' }]);
  const del = defs['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']?.['x-kubernetes-group-version-kind'] ?? [];
  assert.ok(del.some((g) => g.group === 'apps' && g.version === 'v1'));
  assert.ok(defs['io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent']?.properties?.object);
  assert.ok(defs['io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList']);
});
