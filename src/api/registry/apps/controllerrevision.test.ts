import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { controllerRevisionResource as def } from './controllerrevision.js';
import { appsResources } from './index.js';

function cr(extra: Record<string, unknown> = {}): KubeObject {
  return {
    metadata: {
      name: 'web-7d4b9c',
      namespace: 'default',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true }],
    },
    data: { spec: { template: {} } },
    revision: 1,
    ...extra,
  };
}

test('data is mandatory and the revision non-negative', () => {
  const errs = (def.strategy.validate?.(cr({ data: undefined, revision: -1 })) ?? []).map((e) => formatFieldError(e));
  assert.deepEqual(errs, ['data: Required value: data is mandatory', 'revision: Invalid value: -1: must be greater than or equal to 0']);
});

test('data may not change on update', () => {
  const errs = def.strategy.validateUpdate?.(cr({ data: { spec: { x: 1 } } }), cr()) ?? [];
  assert.equal(errs.length, 1);
  assert.match(formatFieldError(errs[0]!), /^data: Invalid value: .*: field is immutable$/);
});

test('the row names the controller as kind.group/name', () => {
  assert.deepEqual(def.strategy.row?.(cr()).slice(0, 3), ['web-7d4b9c', 'statefulset.apps/web', 1]);
  assert.equal(def.strategy.row?.(cr({ metadata: { name: 'x' } }))[1], '<none>');
});

test('apps short names, categories and subresources are upstream\'s', () => {
  const short = Object.fromEntries(appsResources.map((r) => [r.resource, r.shortNames ?? []]));
  assert.deepEqual(short, { controllerrevisions: [], daemonsets: ['ds'], deployments: ['deploy'], replicasets: ['rs'], statefulsets: ['sts'] });
  assert.deepEqual(appsResources.filter((r) => r.categories?.includes('all')).map((r) => r.resource), ['daemonsets', 'deployments', 'replicasets', 'statefulsets']);
  assert.deepEqual(appsResources.filter((r) => r.subresources?.scale).map((r) => r.resource), ['deployments', 'replicasets', 'statefulsets']);
  for (const r of appsResources) {
    assert.equal(r.strategy.columns?.[0]?.name, 'Name', r.kind);
    const row = r.strategy.row?.({ metadata: { name: 'x', creationTimestamp: new Date().toISOString() } }) ?? [];
    assert.equal(row.length, r.strategy.columns?.length, r.kind);
  }
});
