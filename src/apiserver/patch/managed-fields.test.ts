import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../../api/object.js';
import { loadDefinitions, rootDefinitionFor } from '../../api/schema/definitions.js';
import { updateManagedFields } from './managed-fields.js';

const defs = loadDefinitions();
const deploymentDef = rootDefinitionFor('apps', 'v1', 'Deployment');
const podDef = rootDefinitionFor('', 'v1', 'Pod');
const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T11:00:00Z';

function opts(manager: string, time = T0, extra: Partial<Parameters<typeof updateManagedFields>[2]> = {}): Parameters<typeof updateManagedFields>[2] {
  return { manager, operation: 'Update', apiVersion: 'apps/v1', time, defs, rootDef: deploymentDef, ...extra };
}

/** A Deployment as `kubectl create deployment nginx --image=nginx` stores it after defaulting. */
function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default', uid: 'u1', resourceVersion: '5', generation: 1, creationTimestamp: T0, labels: { app: 'nginx' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          containers: [{ name: 'nginx', image: 'nginx', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'Always' }],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
          securityContext: {},
          schedulerName: 'default-scheduler',
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  };
}

function created(manager = 'kubectl-create'): KubeObject {
  const obj = deployment();
  updateManagedFields(undefined, obj, opts(manager));
  return obj;
}

function entries(obj: KubeObject): ManagedFieldsEntry[] {
  return obj.metadata.managedFields ?? [];
}

function entry(obj: KubeObject, manager: string): ManagedFieldsEntry | undefined {
  return entries(obj).find((e) => e.manager === manager);
}

test('a created Deployment is owned by its creator with exactly upstream\'s FieldsV1', () => {
  const obj = created();
  assert.equal(entries(obj).length, 1);
  const e = entries(obj)[0]!;
  assert.deepEqual({ ...e, fieldsV1: undefined }, { manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: undefined });
  const expected = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:progressDeadlineSeconds': {},
      'f:replicas': {},
      'f:revisionHistoryLimit': {},
      'f:selector': {},
      'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
      'f:template': {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:containers': {
            'k:{"name":"nginx"}': {
              '.': {},
              'f:image': {},
              'f:imagePullPolicy': {},
              'f:name': {},
              'f:resources': {},
              'f:terminationMessagePath': {},
              'f:terminationMessagePolicy': {},
            },
          },
          'f:dnsPolicy': {},
          'f:restartPolicy': {},
          'f:schedulerName': {},
          'f:securityContext': {},
          'f:terminationGracePeriodSeconds': {},
        },
      },
    },
  };
  // Same content and the same key order as kube-apiserver writes.
  assert.equal(JSON.stringify(e.fieldsV1), JSON.stringify(expected));
});

test('a created Pod owns list-map items by their keys (ports by containerPort+protocol, env by name) and no status', () => {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: {
      containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }], args: ['-v'] }],
    },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
  updateManagedFields(undefined, pod, { manager: 'kubectl-run', operation: 'Update', apiVersion: 'v1', time: T0, defs, rootDef: podDef });
  const f = entries(pod)[0]!.fieldsV1 as Record<string, unknown>;
  assert.deepEqual(f, {
    'f:spec': {
      'f:containers': {
        'k:{"name":"web"}': {
          '.': {},
          'f:args': {},
          'f:env': { '.': {}, 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
          'f:image': {},
          'f:name': {},
          'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
        },
      },
    },
  });
});

test('an update moves the changed fields to the updater and away from their previous owner', () => {
  const cur = created();
  const next = structuredClone(cur);
  (next.spec as { replicas: number }).replicas = 3;
  updateManagedFields(cur, next, opts('kubectl-edit', T1));
  const edit = entry(next, 'kubectl-edit')!;
  assert.deepEqual(edit.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  assert.equal(edit.time, T1);
  const create = entry(next, 'kubectl-create')!;
  assert.equal((create.fieldsV1 as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas'], undefined);
  assert.equal(create.time, T0);
  // Sorted by time: the older entry first.
  assert.deepEqual(entries(next).map((e) => e.manager), ['kubectl-create', 'kubectl-edit']);
});

test('an update that changes nothing leaves managedFields and their times alone', () => {
  const cur = created();
  const next = structuredClone(cur);
  updateManagedFields(cur, next, opts('kubectl-edit', T1));
  assert.deepEqual(next.metadata.managedFields, cur.metadata.managedFields);
});

test('removed fields leave every manager, and an entry left empty is dropped', () => {
  const cur = created();
  const edited = structuredClone(cur);
  edited.metadata.labels = { app: 'nginx', tier: 'web' };
  updateManagedFields(cur, edited, opts('labeler', T1));
  assert.deepEqual(entry(edited, 'labeler')!.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:tier': {} } } });
  const removed = structuredClone(edited);
  removed.metadata.labels = { app: 'nginx' };
  updateManagedFields(edited, removed, opts('someone-else', T1));
  assert.equal(entry(removed, 'labeler'), undefined);
  assert.equal(entry(removed, 'someone-else'), undefined);
  assert.equal(entries(removed).length, 1);
});

test('one entry per manager and apiVersion: the same manager accumulates its fields', () => {
  const cur = created();
  const a = structuredClone(cur);
  (a.spec as { replicas: number }).replicas = 2;
  updateManagedFields(cur, a, opts('ctl', T1));
  const b = structuredClone(a);
  (b.spec as { minReadySeconds?: number }).minReadySeconds = 5;
  updateManagedFields(a, b, opts('ctl', T1));
  assert.deepEqual(entry(b, 'ctl')!.fieldsV1, { 'f:spec': { 'f:minReadySeconds': {}, 'f:replicas': {} } });
  const c = structuredClone(b);
  (c.spec as { paused?: boolean }).paused = true;
  updateManagedFields(b, c, opts('ctl', T1, { apiVersion: 'apps/v1beta2' }));
  assert.deepEqual(entries(c).filter((e) => e.manager === 'ctl').map((e) => e.apiVersion), ['apps/v1', 'apps/v1beta2']);
});

test('managedFields: [{}] in the request resets tracking', () => {
  const cur = created();
  const next = structuredClone(cur);
  next.metadata.managedFields = [{}];
  updateManagedFields(cur, next, opts('kubectl-edit', T1));
  assert.equal(next.metadata.managedFields, undefined);
});

test('managedFields sent by a client are kept, and an unreadable list falls back to the stored one', () => {
  const cur = created();
  const custom = structuredClone(cur);
  custom.metadata.managedFields = [{ manager: 'mine', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
  updateManagedFields(cur, custom, opts('kubectl-replace', T1));
  assert.deepEqual(entries(custom).map((e) => e.manager), ['mine']);
  const broken = structuredClone(cur);
  broken.metadata.managedFields = [{ manager: 'x', operation: 'Bogus', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' }];
  updateManagedFields(cur, broken, opts('kubectl-replace', T1));
  assert.deepEqual(broken.metadata.managedFields, cur.metadata.managedFields);
});

test('a status write is tracked in its own entry with subresource status', () => {
  const cur = created();
  const next = structuredClone(cur);
  next.status = { replicas: 1, conditions: [{ type: 'Available', status: 'True' }] };
  updateManagedFields(cur, next, opts('kube-controller-manager', T1, { subresource: 'status' }));
  const e = entry(next, 'kube-controller-manager')!;
  assert.equal(e.subresource, 'status');
  assert.deepEqual(e.fieldsV1, {
    'f:status': { 'f:conditions': { '.': {}, 'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} } }, 'f:replicas': {} },
  });
});

test('custom resources are deduced: maps granular with "." on every object, lists atomic', () => {
  const cr: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 2, tags: ['a', 'b'], nested: { x: 1 } } };
  updateManagedFields(undefined, cr, { manager: 'kubectl-create', operation: 'Update', apiVersion: 'example.com/v1', time: T0, defs, rootDef: undefined });
  assert.deepEqual(entries(cr)[0]!.fieldsV1, { 'f:spec': { '.': {}, 'f:nested': { '.': {}, 'f:x': {} }, 'f:size': {}, 'f:tags': {} } });
});

test('more than ten Update managers: the oldest merge into an ancient-changes entry', () => {
  let cur = created();
  for (let i = 0; i < 11; i++) {
    const next = structuredClone(cur);
    next.metadata.labels = { ...next.metadata.labels, [`l${i}`]: 'x' };
    updateManagedFields(cur, next, opts(`m${String(i).padStart(2, '0')}`, `2024-05-01T12:00:${String(i).padStart(2, '0')}Z`));
    cur = next;
  }
  const names = entries(cur).map((e) => e.manager);
  assert.equal(names.length, 10);
  assert.ok(names.includes('ancient-changes'));
  assert.ok(!names.includes('kubectl-create'));
  assert.ok(!names.includes('m00'));
  const ancient = entry(cur, 'ancient-changes')!;
  assert.ok(JSON.stringify(ancient.fieldsV1).includes('f:l0'));
  assert.ok(JSON.stringify(ancient.fieldsV1).includes('f:replicas'));
});
