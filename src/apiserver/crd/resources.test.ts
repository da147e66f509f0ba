import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { formatFieldError } from '../../api/field.js';
import { crdSchemaDefinitions, crdStatusFor, crdToResourceDefs } from './resources.js';
import { evalJsonPath } from './jsonpath.js';
import * as resources from './resources.js';

function crd(extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget', shortNames: ['wd'], categories: ['all'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
          additionalPrinterColumns: [
            { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['color'],
                  properties: {
                    replicas: { type: 'integer', format: 'int32', minimum: 1, maximum: 10, default: 1 },
                    color: { type: 'string', enum: ['red', 'blue'] },
                    name: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[a-z]+$' },
                    tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
                    port: { 'x-kubernetes-int-or-string': true },
                    extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    note: { type: 'string', nullable: true },
                  },
                },
                status: { type: 'object', properties: { replicas: { type: 'integer' }, conditions: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, status: { type: 'string' } } } } } },
              },
            },
          },
        },
        { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
      ],
      ...extra,
    },
  };
}

const widget = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec });
const [v1, v1beta1] = crdToResourceDefs(crd());

test('one ResourceDef per served version, the storage version preferred', () => {
  assert.ok(v1 && v1beta1);
  assert.equal(v1.resource, 'widgets');
  assert.equal(v1.singular, 'widget');
  assert.equal(v1.kind, 'Widget');
  assert.equal(v1.namespaced, true);
  assert.deepEqual(v1.shortNames, ['wd']);
  assert.deepEqual(v1.categories, ['all']);
  assert.equal(v1.preferred, true);
  assert.equal(v1beta1.preferred, false);
  assert.deepEqual(v1.subresources, { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } });
  assert.equal(v1beta1.conversion?.toStorage(widget({})).apiVersion, 'example.com/v1');
  assert.equal(v1.conversion, undefined);
});

test('schema validation reports upstream messages', () => {
  const errs = v1!.strategy.validate!(widget({ replicas: 'three', color: 'pink', name: 'A', tags: ['a', 'b', 'c'], port: true })).map((e) => formatFieldError(e));
  assert.deepEqual(errs, [
    'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    'spec.color: Unsupported value: "pink": supported values: "red", "blue"',
    'spec.name: Invalid value: "A": spec.name in body should be at least 2 chars long',
    "spec.name: Invalid value: \"A\": spec.name in body should match '^[a-z]+$'",
    'spec.tags: Too many: must have at most 2 items', // field.ts omits TooMany's value
    'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
  ]);
});

test('required fields, bounds and nullable', () => {
  const errs = v1!.strategy.validate!(widget({ replicas: 11, note: null, port: '8080' })).map((e) => formatFieldError(e));
  assert.deepEqual(errs, ['spec.color: Required value', 'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10']);
});

test('defaults are applied and unknown fields pruned, except under preserve-unknown-fields', () => {
  const obj = widget({ color: 'red', bogus: 1, extra: { anything: { goes: true } } });
  obj.status = { replicas: 1, junk: 'x' };
  v1!.strategy.default!(obj);
  assert.deepEqual(obj.spec, { color: 'red', replicas: 1, extra: { anything: { goes: true } } });
  assert.deepEqual(obj.status, { replicas: 1 });
  assert.deepEqual(obj.metadata, { name: 'w', namespace: 'default' });
  assert.equal(obj.apiVersion, 'example.com/v1');
});

test('printer columns: NAME, then the CRD columns evaluated by JSONPath', () => {
  const cols = v1!.strategy.columns!.map((c) => c.name);
  assert.deepEqual(cols, ['Name', 'Replicas', 'Ready', 'Age']);
  const obj = widget({ replicas: 3 });
  obj.metadata.creationTimestamp = new Date(Date.now() - 90_000).toISOString();
  obj.status = { conditions: [{ type: 'Synced', status: 'False' }, { type: 'Ready', status: 'True' }] };
  assert.deepEqual(v1!.strategy.row!(obj), ['w', 3, 'True', '90s']);
  assert.deepEqual(v1!.strategy.row!(widget({})).slice(0, 3), ['w', null, null]);
});

test('a version without printer columns shows NAME and AGE', () => {
  assert.deepEqual(v1beta1!.strategy.columns!.map((c) => c.name), ['Name', 'Age']);
});

test('JSONPath handles fields, indexes, wildcards, quoted keys and filters', () => {
  const o = { metadata: { labels: { 'app.kubernetes.io/name': 'x' } }, items: [{ n: 1 }, { n: 2 }] };
  assert.deepEqual(evalJsonPath(o, ".metadata.labels['app.kubernetes.io/name']"), ['x']);
  assert.deepEqual(evalJsonPath(o, '.metadata.labels.app\\.kubernetes\\.io/name'), ['x']);
  assert.deepEqual(evalJsonPath(o, '{.items[1].n}'), [2]);
  assert.deepEqual(evalJsonPath(o, '.items[*].n'), [1, 2]);
  assert.deepEqual(evalJsonPath(o, '.items[?(@.n>1)].n'), [2]);
  assert.deepEqual(evalJsonPath(o, '.missing.path'), []);
});

test('cluster-scoped CRDs serve cluster-scoped resources', () => {
  const [d] = crdToResourceDefs(crd({ scope: 'Cluster' }));
  assert.equal(d?.namespaced, false);
});

test('status: names accepted and established, storage version recorded', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const s = crdStatusFor(crd(), undefined, now) as { conditions: { type: string; status: string; reason: string }[]; acceptedNames: Record<string, unknown>; storedVersions: string[] };
  assert.deepEqual(s.conditions.map((c) => [c.type, c.status, c.reason]), [
    ['NamesAccepted', 'True', 'NoConflicts'],
    ['Established', 'True', 'InitialNamesAccepted'],
  ]);
  assert.deepEqual(s.acceptedNames, { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['all'] });
  assert.deepEqual(s.storedVersions, ['v1']);
  const conflict = crdStatusFor(crd(), 'widgets', now) as typeof s;
  assert.deepEqual(conflict.conditions.map((c) => [c.type, c.status]), [['NamesAccepted', 'False'], ['Established', 'False']]);
});

test('status keeps lastTransitionTime while a condition is unchanged', () => {
  const c = crd();
  c.status = crdStatusFor(c, undefined, new Date('2026-01-01T00:00:00Z'));
  const again = crdStatusFor(c, undefined, new Date('2026-02-01T00:00:00Z')) as { conditions: { lastTransitionTime: string }[] };
  assert.equal(again.conditions[0]?.lastTransitionTime, '2026-01-01T00:00:00Z');
});

test('schema definitions name the kind by reversed group, with GVK lists for explain', () => {
  const defs = crdSchemaDefinitions(crd());
  const w = defs['com.example.v1.Widget'];
  assert.deepEqual(w?.['x-kubernetes-group-version-kind'], [{ group: 'example.com', version: 'v1', kind: 'Widget' }]);
  assert.equal(w?.properties?.metadata?.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.equal(w?.properties?.spec?.properties?.replicas?.type, 'integer');
  assert.equal(defs['com.example.v1.WidgetList']?.properties?.items?.items?.$ref, '#/components/schemas/com.example.v1.Widget');
  assert.ok(defs['com.example.v1beta1.Widget']);
});

test('fields a write would prune are reported for strict field validation, without changing the object', () => {
  const { customResourceUnknownFields } = resources;
  const obj = widget({ color: 'red', bogus: 1, extra: { free: 1 } });
  assert.deepEqual(customResourceUnknownFields(v1!, obj), ['spec.bogus']);
  assert.equal((obj.spec as Record<string, unknown>).bogus, 1);
  assert.equal(customResourceUnknownFields({ ...v1!, strategy: {} }, obj), undefined);
});
