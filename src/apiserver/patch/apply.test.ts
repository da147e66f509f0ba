import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors.js';
import type { KubeObject, ManagedFieldsEntry } from '../../api/object.js';
import { loadDefinitions, rootDefinitionFor } from '../../api/schema/definitions.js';
import { serverSideApply } from './apply.js';
import { updateManagedFields } from './managed-fields.js';
import { LAST_APPLIED } from './fieldset-lastapplied.js';

const defs = loadDefinitions();
const rootDef = rootDefinitionFor('apps', 'v1', 'Deployment');
const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T11:00:00Z';
const T2 = '2024-05-01T12:00:00Z';

type Opts = Parameters<typeof serverSideApply>[2];
function opts(manager = 'kubectl', extra: Partial<Opts> = {}): Opts {
  return { manager, force: false, apiVersion: 'apps/v1', time: T1, defs, rootDef, ...extra };
}

/** An apply configuration for a Deployment "web". */
function config(spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', ...meta },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1' }] } },
      ...spec,
    },
  };
}

/** What the pipeline would store: the applied object with system metadata. */
function stored(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, namespace: 'default', uid: 'u1', resourceVersion: '7', creationTimestamp: T0 } };
}

/** A Deployment as `kubectl apply` (client-side) creates it: manager kubectl-client-side-apply with the annotation. */
function clientSideApplied(replicas = 2): KubeObject {
  const cfg = config({ replicas });
  const obj = stored(structuredClone(cfg));
  obj.metadata.annotations = { [LAST_APPLIED]: `${JSON.stringify(cfg)}\n` };
  updateManagedFields(undefined, obj, { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time: T0, defs, rootDef });
  return obj;
}

function entry(obj: KubeObject, manager: string, operation = 'Apply'): ManagedFieldsEntry | undefined {
  return obj.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation);
}

function spec(obj: KubeObject): Record<string, unknown> {
  return obj.spec as Record<string, unknown>;
}

function containers(obj: KubeObject): Array<Record<string, unknown>> {
  return ((spec(obj).template as { spec: { containers: Array<Record<string, unknown>> } }).spec.containers);
}

function conflictOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError);
    return e;
  }
  assert.fail('expected a conflict');
}

test('applying to an absent object creates it, owned by one Apply entry with the configuration\'s fields', () => {
  const out = serverSideApply(undefined, config(), opts());
  assert.equal(spec(out).replicas, 2);
  assert.equal(out.metadata.managedFields?.length, 1);
  const e = entry(out, 'kubectl')!;
  assert.equal(e.apiVersion, 'apps/v1');
  assert.equal(e.time, T1);
  assert.deepEqual(e.fieldsV1, {
    'f:spec': {
      'f:replicas': {},
      'f:selector': {},
      'f:template': {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
      },
    },
  });
});

test('re-applying the same configuration keeps the object and the entry\'s time', () => {
  const first = stored(serverSideApply(undefined, config(), opts()));
  const again = serverSideApply(first, config(), opts('kubectl', { time: T2 }));
  assert.deepEqual(again, first);
  assert.equal(entry(again, 'kubectl')!.time, T1);
});

test('a field dropped from the configuration is removed when nobody else owns it', () => {
  const first = stored(serverSideApply(undefined, config({ minReadySeconds: 5 }, { labels: { a: '1', b: '2' } }), opts()));
  const out = serverSideApply(first, config({}, { labels: { a: '1' } }), opts());
  assert.equal(spec(out).minReadySeconds, undefined);
  assert.deepEqual(out.metadata.labels, { a: '1' });
  assert.equal(JSON.stringify(entry(out, 'kubectl')!.fieldsV1).includes('minReadySeconds'), false);
});

test('a dropped field another manager also owns stays', () => {
  const first = stored(serverSideApply(undefined, config({ minReadySeconds: 5 }), opts('a')));
  const both = stored(serverSideApply(first, config({ minReadySeconds: 5 }), opts('b')));
  const out = serverSideApply(both, config(), opts('a'));
  assert.equal(spec(out).minReadySeconds, 5);
});

test('changing a field another manager owns is a 409 with upstream\'s message and causes', () => {
  const live = clientSideApplied();
  const e = conflictOf(() => serverSideApply(live, config({ replicas: 3 }), opts('my-applier')));
  assert.equal(e.code, 409);
  assert.equal(e.reason, 'Conflict');
  assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  assert.deepEqual(e.details, {
    causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }],
  });
});

test('several conflicts are listed per manager, one path a line', () => {
  const live = clientSideApplied();
  const cfg = config({ replicas: 3, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } });
  const e = conflictOf(() => serverSideApply(live, cfg, opts('my-applier')));
  assert.equal(
    e.message,
    'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
  );
  assert.deepEqual(e.details?.causes?.map((c) => c.field), ['.spec.replicas', '.spec.template.spec.containers[name="web"].image']);
});

test('force takes the conflicting fields over', () => {
  const live = clientSideApplied();
  const out = serverSideApply(live, config({ replicas: 3 }), opts('my-applier', { force: true }));
  assert.equal(spec(out).replicas, 3);
  assert.ok(JSON.stringify(entry(out, 'my-applier')!.fieldsV1).includes('f:replicas'));
  const csa = entry(out, 'kubectl-client-side-apply', 'Update')!;
  assert.equal(JSON.stringify(csa.fieldsV1).includes('f:replicas'), false);
  assert.ok(JSON.stringify(csa.fieldsV1).includes('f:revisionHistoryLimit') || JSON.stringify(csa.fieldsV1).includes('f:selector'));
});

test('kubectl takes over client-side-applied fields whose live value still matches the annotation', () => {
  const live = clientSideApplied();
  const out = serverSideApply(live, config({ replicas: 3 }), opts('kubectl'));
  assert.equal(spec(out).replicas, 3);
  assert.ok(JSON.stringify(entry(out, 'kubectl')!.fieldsV1).includes('f:replicas'));
  // The annotation follows what kubectl applied.
  const ann = JSON.parse(out.metadata.annotations![LAST_APPLIED]!) as KubeObject;
  assert.equal((ann.spec as { replicas: number }).replicas, 3);
});

test('kubectl still conflicts on a field changed since the last client-side apply', () => {
  const live = clientSideApplied();
  const scaled = structuredClone(live);
  spec(scaled).replicas = 5;
  updateManagedFields(live, scaled, { manager: 'kube-controller', operation: 'Update', apiVersion: 'apps/v1', time: T0, defs, rootDef });
  const e = conflictOf(() => serverSideApply(scaled, config({ replicas: 3 }), opts('kubectl')));
  assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kube-controller" using apps/v1: .spec.replicas');
});

test('two appliers setting the same value share the field without conflict', () => {
  const a = stored(serverSideApply(undefined, config(), opts('a')));
  const b = serverSideApply(a, config(), opts('b'));
  assert.ok(JSON.stringify(entry(b, 'a')!.fieldsV1).includes('f:replicas'));
  assert.ok(JSON.stringify(entry(b, 'b')!.fieldsV1).includes('f:replicas'));
  const e = conflictOf(() => serverSideApply(stored(b), config({ replicas: 9 }), opts('b')));
  assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "a": .spec.replicas');
});

test('containers merge by name: other containers and unapplied fields are kept, order follows the live list', () => {
  const live = stored(serverSideApply(undefined, config(), opts('a')));
  containers(live)[0]!.imagePullPolicy = 'IfNotPresent';
  const sidecar = config({ template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } });
  const out = serverSideApply(live, sidecar, opts('b'));
  assert.deepEqual(containers(out), [
    { name: 'web', image: 'nginx:1', imagePullPolicy: 'IfNotPresent' },
    { name: 'sidecar', image: 'busybox' },
  ]);
  assert.ok(JSON.stringify(entry(out, 'b')!.fieldsV1).includes('k:{\\"name\\":\\"sidecar\\"}'));
});

test('a container dropped from the configuration is removed with its defaulted fields', () => {
  const two = config({ template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1' }, { name: 'sidecar', image: 'busybox' }] } } });
  const live = stored(serverSideApply(undefined, two, opts()));
  containers(live)[1]!.terminationMessagePolicy = 'File';
  const out = serverSideApply(live, config(), opts());
  assert.deepEqual(containers(out).map((c) => c.name), ['web']);
});

test('atomic lists are replaced whole and owned as one field', () => {
  const withArgs = (args: string[]): KubeObject => config({ template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1', args }] } } });
  const live = stored(serverSideApply(undefined, withArgs(['a', 'b', 'c']), opts()));
  const out = serverSideApply(live, withArgs(['z']), opts());
  assert.deepEqual(containers(out)[0]!.args, ['z']);
  const fields = JSON.stringify(entry(out, 'kubectl')!.fieldsV1);
  assert.ok(fields.includes('"f:args":{}'));
  const e = conflictOf(() => serverSideApply(stored(out), withArgs(['y']), opts('other')));
  assert.match(e.message, /\.spec\.template\.spec\.containers\[name="web"\]\.args$/);
});

test('set lists merge by value: finalizers from two appliers accumulate', () => {
  const live = stored(serverSideApply(undefined, config({}, { finalizers: ['a.example/x'] }), opts('a')));
  const out = serverSideApply(live, config({}, { finalizers: ['b.example/y'] }), opts('b'));
  assert.deepEqual(out.metadata.finalizers, ['a.example/x', 'b.example/y']);
  assert.ok(JSON.stringify(entry(out, 'b')!.fieldsV1).includes('v:\\"b.example/y\\"'));
});

test('an apply configuration with managedFields or another apiVersion is a 400', () => {
  const withMf = config();
  withMf.metadata.managedFields = [];
  assert.throws(() => serverSideApply(undefined, withMf, opts()), (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'metadata.managedFields must be nil');
  const other = { ...config(), apiVersion: 'apps/v1beta1' };
  assert.throws(
    () => serverSideApply(undefined, other, opts()),
    (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1',
  );
});

test('custom resources apply with deduced maps: nested objects merge, lists replace', () => {
  const cr = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec });
  const o = (m: string): Opts => ({ ...opts(m), apiVersion: 'example.com/v1', rootDef: undefined });
  const live = stored(serverSideApply(undefined, cr({ a: { x: 1 }, tags: ['p'] }), o('one')));
  assert.deepEqual(entry(live, 'one')!.fieldsV1, { 'f:spec': { '.': {}, 'f:a': { '.': {}, 'f:x': {} }, 'f:tags': {} } });
  const out = serverSideApply(live, cr({ a: { y: 2 } }), o('two'));
  assert.deepEqual(out.spec, { a: { x: 1, y: 2 }, tags: ['p'] });
});

test('status applied through the main resource is not owned; through the status subresource only status is', () => {
  const withStatus = { ...config(), status: { replicas: 2 } };
  const main = serverSideApply(undefined, withStatus, opts());
  assert.equal(JSON.stringify(entry(main, 'kubectl')!.fieldsV1).includes('f:status'), false);
  const live = stored(main);
  const out = serverSideApply(live, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, status: { readyReplicas: 1 } }, opts('ctrl', { subresource: 'status' }));
  const e = out.metadata.managedFields!.find((m) => m.manager === 'ctrl')!;
  assert.equal(e.subresource, 'status');
  assert.deepEqual(e.fieldsV1, { 'f:status': { 'f:readyReplicas': {} } });
});

test('merged list order: shared items follow the configuration, live-only items keep their place', () => {
  const named = (...names: string[]): KubeObject =>
    config({ template: { metadata: { labels: { app: 'web' } }, spec: { containers: names.map((name) => ({ name, image: 'i' })) } } });
  const live = stored(serverSideApply(undefined, named('a', 'b', 'c'), opts('one')));
  const out = serverSideApply(live, named('c', 'a'), opts('two'));
  assert.deepEqual(containers(out).map((c) => c.name), ['b', 'c', 'a']);
});
