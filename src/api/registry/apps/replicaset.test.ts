import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { replicaSetResource as def } from './replicaset.js';

function rs(spec: Record<string, unknown> = {}): KubeObject {
  return {
    metadata: { name: 'web-abc', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
      ...spec,
    },
  };
}

function errorsOf(obj: KubeObject): string[] {
  def.strategy.default?.(obj);
  return (def.strategy.validate?.(obj) ?? []).map((e) => formatFieldError(e));
}

test('replicas default to 1 and a valid replica set passes', () => {
  const r = rs();
  assert.deepEqual(errorsOf(r), []);
  assert.equal((r.spec as { replicas: number }).replicas, 1);
});

test('negative replicas and a missing container are reported with upstream paths', () => {
  const r = rs({ replicas: -2, template: { metadata: { labels: { app: 'web' } }, spec: {} } });
  assert.deepEqual(errorsOf(r), ['spec.replicas: Invalid value: -2: must be greater than or equal to 0', 'spec.template.spec.containers: Required value']);
});

test('an invalid selector operator stops template checks with "invalid label selector"', () => {
  const errs = errorsOf(rs({ selector: { matchExpressions: [{ key: 'app', operator: 'Like', values: ['web'] }] } }));
  assert.deepEqual(errs, [
    'spec.selector.matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator',
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Like", Values:[]string{"web"}}}}: invalid label selector',
  ]);
});

test('the selector is immutable and status.replicas is a field selector', () => {
  const old = rs();
  const next = rs({ selector: { matchLabels: { app: 'web', tier: 'x' } } });
  assert.equal(def.strategy.validateUpdate?.(next, old).length, 1);
  def.strategy.prepareForCreate?.(old);
  assert.deepEqual(old.status, { replicas: 0 });
  assert.equal(def.strategy.fieldSelectors?.['status.replicas']?.(old), '0');
});

test('the row carries DESIRED CURRENT READY AGE and the wide columns', () => {
  const r = rs({ replicas: 3 });
  r.status = { replicas: 2, readyReplicas: 1 };
  const row = def.strategy.row?.(r) ?? [];
  assert.deepEqual([row[0], row[1], row[2], row[3], row[5], row[6], row[7]], ['web-abc', 3, 2, 1, 'c', 'nginx:1.27', 'app=web']);
  assert.equal(row.length, def.strategy.columns?.length);
});
