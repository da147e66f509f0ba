import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { crdResource } from './crd.js';

const schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } };

function crd(over: { name?: string; spec?: Record<string, unknown> } = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: over.name ?? 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true, schema }],
      ...over.spec,
    },
  };
}

const validate = (o: KubeObject): string[] => {
  crdResource.strategy.default!(o);
  return crdResource.strategy.validate!(o).map((e) => formatFieldError(e));
};

test('CRD resource is cluster-scoped with upstream names and a status subresource', () => {
  assert.equal(crdResource.group, 'apiextensions.k8s.io');
  assert.equal(crdResource.namespaced, false);
  assert.deepEqual(crdResource.shortNames, ['crd', 'crds']);
  assert.deepEqual(crdResource.categories, ['api-extensions']);
  assert.equal(crdResource.subresources?.status, true);
  assert.deepEqual(crdResource.strategy.columns?.map((c) => c.name), ['Name', 'Created At']);
});

test('a valid CRD passes and gets singular, listKind and conversion defaults', () => {
  const o = crd();
  assert.deepEqual(validate(o), []);
  const spec = o.spec as { names: Record<string, unknown>; conversion: unknown };
  assert.equal(spec.names.singular, 'widget');
  assert.equal(spec.names.listKind, 'WidgetList');
  assert.deepEqual(spec.conversion, { strategy: 'None' });
});

test('the name must be <plural>.<group>', () => {
  assert.deepEqual(validate(crd({ name: 'widget.example.com' })), ['metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group']);
});

test('the group needs a dot and the scope must be Namespaced or Cluster', () => {
  const errs = validate(crd({ name: 'widgets.example', spec: { group: 'example', scope: 'Global' } }));
  assert.deepEqual(errs, [
    'spec.group: Invalid value: "example": should be a domain with at least one dot',
    'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
  ]);
});

test('exactly one storage version is required', () => {
  const errs = validate(crd({ spec: { versions: [{ name: 'v1', served: true, storage: true, schema }, { name: 'v2', served: true, storage: true, schema }] } }));
  assert.deepEqual(errs, ['spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{"v1", "v2"}: must have exactly one version marked as storage version']);
});

test('schemas are required and must be structural', () => {
  const errs = validate(
    crd({ spec: { versions: [{ name: 'v1', served: true, storage: true }, { name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } } } }] } }),
  );
  assert.deepEqual(errs, [
    'spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required',
    'spec.versions[1].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields',
  ]);
});

test('kind and listKind may not be equal', () => {
  const errs = validate(crd({ spec: { names: { plural: 'widgets', kind: 'Widget', listKind: 'Widget' } } }));
  assert.deepEqual(errs, ['spec.names.listKind: Invalid value: "Widget": kind and listKind cannot be the same']);
});

test('group is immutable; scope is immutable once established', () => {
  const old = crd();
  old.status = { conditions: [{ type: 'Established', status: 'True' }] };
  const next = crd({ spec: { group: 'other.com', scope: 'Cluster' } });
  assert.deepEqual(crdResource.strategy.validateUpdate!(next, old).map((e) => formatFieldError(e)), [
    'spec.group: Invalid value: "other.com": field is immutable',
    'spec.scope: Invalid value: "Cluster": field is immutable',
  ]);
});

test('rows show the creation time in RFC 3339', () => {
  const o = crd();
  o.metadata.creationTimestamp = '2026-01-02T03:04:05Z';
  assert.deepEqual(crdResource.strategy.row!(o), ['widgets.example.com', '2026-01-02T03:04:05Z']);
});
