import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { hpaV1Resource, hpaV1ToV2, hpaV2ToV1 } from './hpa-v1.js';
import { hpaV2Resource } from './hpa.js';

function hpa(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  return { metadata: { name: 'web', namespace: 'default', creationTimestamp: new Date().toISOString() }, spec, ...(status ? { status } : {}) };
}
const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
const msgs = (o: KubeObject, v1 = false): string[] => ((v1 ? hpaV1Resource : hpaV2Resource).strategy.validate?.(o) ?? []).map((e) => formatFieldError(e));

test('v2 defaults minReplicas to 1 and the metrics to 80% average CPU utilization', () => {
  const o = hpa({ scaleTargetRef: ref, maxReplicas: 5 });
  hpaV2Resource.strategy.default?.(o);
  assert.equal((o.spec as { minReplicas: number }).minReplicas, 1);
  assert.deepEqual((o.spec as { metrics: unknown }).metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
});

test('v2 fills unset behavior rules with the upstream scale-up and scale-down defaults', () => {
  const o = hpa({ scaleTargetRef: ref, maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } });
  hpaV2Resource.strategy.default?.(o);
  const b = (o.spec as { behavior: Record<string, Record<string, unknown>> }).behavior;
  assert.deepEqual(b.scaleDown, { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
  assert.equal(b.scaleUp?.stabilizationWindowSeconds, 0);
  assert.equal((b.scaleUp?.policies as unknown[]).length, 2);
});

test('maxReplicas below minReplicas is rejected with the upstream message', () => {
  assert.deepEqual(msgs(hpa({ scaleTargetRef: ref, minReplicas: 3, maxReplicas: 2, metrics: [] })), ['spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`']);
});

test('minReplicas 0 is rejected while scale-to-zero is off', () => {
  assert.deepEqual(msgs(hpa({ scaleTargetRef: ref, minReplicas: 0, maxReplicas: 2 })), ['spec.minReplicas: Invalid value: 0: must be greater than or equal to 1']);
});

test('a Resource metric needs a utilization or a raw value target', () => {
  const o = hpa({ scaleTargetRef: ref, maxReplicas: 2, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }] });
  assert.deepEqual(msgs(o), ['spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization']);
});

test('v1 targetCPUUtilizationPercentage is validated at the v2 field path, as upstream validates the internal form', () => {
  const o = hpa({ scaleTargetRef: ref, maxReplicas: 2, minReplicas: 1, targetCPUUtilizationPercentage: 0 });
  assert.deepEqual(msgs(o, true), ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0']);
});

test('v1 converts to v2 and back, carrying the CPU target and current utilization', () => {
  const v1 = hpa({ scaleTargetRef: ref, minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 50 }, { currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 20 });
  const v2 = hpaV1ToV2(v1);
  assert.equal(v2.apiVersion, 'autoscaling/v2');
  assert.deepEqual((v2.status as { currentMetrics: unknown }).currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 20 } } }]);
  const back = hpaV2ToV1(v2);
  assert.deepEqual(back.spec, v1.spec);
  assert.deepEqual(back.status, v1.status);
});

test('the table shows the CPU target as upstream formats it', () => {
  const o = hpa({ scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] }, { currentReplicas: 1, desiredReplicas: 1, currentMetrics: null });
  const row = hpaV2Resource.strategy.row?.(o);
  assert.deepEqual(row?.slice(0, 6), ['web', 'Deployment/web', 'cpu: <unknown>/50%', '1', 5, 1]);
  (o.status as Record<string, unknown>).currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 20 } } }];
  assert.equal(hpaV2Resource.strategy.row?.(o)[2], 'cpu: 20%/50%');
});

test('v2 is the preferred version and both carry the hpa short name and the all category', () => {
  assert.equal(hpaV2Resource.preferred, true);
  assert.notEqual(hpaV1Resource.preferred, true);
  for (const d of [hpaV1Resource, hpaV2Resource]) {
    assert.deepEqual(d.shortNames, ['hpa']);
    assert.deepEqual(d.categories, ['all']);
  }
});
