import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { daemonSetResource as def, templateGenerationAnnotation } from './daemonset.js';

function ds(spec: Record<string, unknown> = {}): KubeObject {
  return {
    metadata: { name: 'agent', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }], nodeSelector: { 'kubernetes.io/os': 'linux' } } },
      ...spec,
    },
  };
}

function errorsOf(obj: KubeObject): string[] {
  def.strategy.default?.(obj);
  return (def.strategy.validate?.(obj) ?? []).map((e) => formatFieldError(e));
}

test('update strategy defaults to RollingUpdate with maxUnavailable 1 and maxSurge 0', () => {
  const d = ds();
  assert.deepEqual(errorsOf(d), []);
  const spec = d.spec as Record<string, unknown>;
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(spec.revisionHistoryLimit, 10);
});

test('a missing selector shows only as a template mismatch, as upstream', () => {
  assert.deepEqual(errorsOf(ds({ selector: undefined })), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"agent"}: `selector` does not match template `labels`',
  ]);
});

test('exactly one of maxUnavailable and maxSurge must be non-zero', () => {
  assert.deepEqual(errorsOf(ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } })), [
    'spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0',
  ]);
  assert.deepEqual(errorsOf(ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } } })), [
    'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"10%"}: may not be set when maxUnavailable is non-zero',
  ]);
});

test('OnDelete needs no rolling parameters and activeDeadlineSeconds is forbidden', () => {
  const d = ds({ updateStrategy: { type: 'OnDelete' } });
  ((d.spec as { template: { spec: Record<string, unknown> } }).template.spec).activeDeadlineSeconds = 5;
  assert.deepEqual(errorsOf(d), ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported']);
});

test('the template generation annotation starts at 1 and advances only with the template', () => {
  const d = ds();
  def.strategy.default?.(d);
  def.strategy.prepareForCreate?.(d);
  assert.equal(d.metadata.annotations?.[templateGenerationAnnotation], '1');
  const same = structuredClone(d);
  (same.spec as Record<string, unknown>).minReadySeconds = 5;
  def.strategy.prepareForUpdate?.(same, d);
  assert.equal(same.metadata.annotations?.[templateGenerationAnnotation], '1');
  const changed = structuredClone(d);
  delete changed.metadata.annotations;
  ((changed.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0] as { image: string }).image = 'agent:2';
  def.strategy.prepareForUpdate?.(changed, d);
  assert.equal(changed.metadata.annotations?.[templateGenerationAnnotation], '2');
});

test('the row shows node selector and counts from status', () => {
  const d = ds();
  d.status = { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 };
  const row = def.strategy.row?.(d) ?? [];
  assert.deepEqual(row.slice(0, 7), ['agent', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux']);
  assert.deepEqual(row.slice(8), ['a', 'agent:1', 'app=agent']);
  assert.deepEqual((def.strategy.columns ?? []).map((c) => c.name).slice(0, 8), ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age']);
});
