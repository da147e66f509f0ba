import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDefinitions } from '../../api/schema/definitions.js';
import type { ResourceDef } from '../../api/resource.js';
import type { Schema } from '../../api/schema/types.js';
import { deref } from '../../api/schema/types.js';
import { OPENAPI_V2_EMPTY, openapiV3Document, openapiV3Root } from './index.js';

const defs = loadDefinitions();
const deployments: ResourceDef = {
  group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', singular: 'deployment', namespaced: true,
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
  strategy: {},
};
const namespaces: ResourceDef = { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', singular: 'namespace', namespaced: false, strategy: {} };

interface Doc {
  paths: Record<string, Record<string, { parameters?: { name: string }[]; 'x-kubernetes-group-version-kind'?: unknown; requestBody?: { content: Record<string, unknown> } }>>;
  components: { schemas: Record<string, Schema> };
}

test('the v3 root points at each group version with a hash query', () => {
  const root = openapiV3Root(['apis/apps/v1', 'api/v1'], (gv) => `H-${gv.length}`) as { paths: Record<string, { serverRelativeURL: string }> };
  assert.deepEqual(root.paths['api/v1'], { serverRelativeURL: '/openapi/v3/api/v1?hash=H-6' });
  assert.equal(root.paths['apis/apps/v1']?.serverRelativeURL, '/openapi/v3/apis/apps/v1?hash=H-12');
});

test('patch operations carry an object GVK and a fieldValidation parameter, as kubectl checks', () => {
  const doc = openapiV3Document({ group: 'apps', version: 'v1' }, [deployments], defs) as Doc;
  const item = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
  assert.ok(item?.patch);
  assert.deepEqual(item.patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.ok(item.patch.parameters?.some((p) => p.name === 'fieldValidation'));
  assert.deepEqual(Object.keys(item.patch.requestBody?.content ?? {}).sort(), [
    'application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
  ]);
  assert.ok(doc.paths['/apis/apps/v1/deployments']?.get, 'cluster-wide list');
  assert.ok(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments']?.post);
  assert.deepEqual(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']?.patch?.['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
});

test('kubectl explain can walk deployment.spec.strategy through components.schemas', () => {
  const doc = openapiV3Document({ group: 'apps', version: 'v1' }, [deployments], defs) as Doc;
  const schemas = doc.components.schemas;
  const [, dep] = Object.entries(schemas).find(([, s]) => s['x-kubernetes-group-version-kind']?.some((g) => g.kind === 'Deployment' && g.group === 'apps')) ?? [];
  assert.ok(dep);
  const spec = deref(schemas, dep.properties?.spec);
  const strategy = spec?.properties?.strategy;
  assert.match(strategy?.description ?? '', /deployment strategy/);
  const strategySchema = deref(schemas, strategy);
  assert.ok(strategySchema?.properties?.rollingUpdate);
  assert.ok(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'], 'transitive refs are included');
  assert.ok(schemas['io.k8s.api.core.v1.Container']);
});

test('cluster-scoped resources get no namespace paths', () => {
  const doc = openapiV3Document({ group: '', version: 'v1' }, [namespaces], defs) as Doc;
  assert.ok(doc.paths['/api/v1/namespaces/{name}']?.get);
  assert.ok(!Object.keys(doc.paths).some((p) => p.includes('{namespace}')));
});

test('extra schemas (custom resources) are served as components', () => {
  const widgets: ResourceDef = { group: 'example.com', version: 'v1', kind: 'Widget', resource: 'widgets', singular: 'widget', namespaced: true, strategy: {} };
  const extra = {
    'com.example.v1.Widget': {
      type: 'object' as const,
      properties: { metadata: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' } },
      'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }],
    },
  };
  const doc = openapiV3Document({ group: 'example.com', version: 'v1' }, [widgets], defs, extra) as Doc;
  assert.ok(doc.components.schemas['com.example.v1.Widget']);
  assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
  assert.ok(doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}']?.patch);
});

test('the v2 answer is an empty octet-stream body', () => {
  assert.equal(OPENAPI_V2_EMPTY.contentType, 'application/octet-stream');
  assert.equal(OPENAPI_V2_EMPTY.body.length, 0);
});

test('fields that reference a definition use allOf, as kube-apiserver publishes them', () => {
  const doc = openapiV3Document({ group: 'apps', version: 'v1' }, [deployments], defs) as Doc;
  const strategy = doc.components.schemas['io.k8s.api.apps.v1.DeploymentSpec']?.properties?.strategy;
  assert.deepEqual(strategy?.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }]);
  assert.equal(strategy?.$ref, undefined);
  assert.equal(defs['io.k8s.api.apps.v1.DeploymentSpec']?.properties?.strategy?.$ref, '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy', 'shared definitions are not modified');
});
