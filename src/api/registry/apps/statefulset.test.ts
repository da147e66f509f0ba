import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { statefulSetResource as def } from './statefulset.js';

function sts(spec: Record<string, unknown> = {}): KubeObject {
  return {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', volumeMounts: [{ name: 'www', mountPath: '/data' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...spec,
    },
  };
}

function errorsOf(obj: KubeObject): string[] {
  def.strategy.default?.(obj);
  return (def.strategy.validate?.(obj) ?? []).map((e) => formatFieldError(e));
}

test('defaults: OrderedReady, RollingUpdate partition 0, Retain/Retain, replicas 1, history 10', () => {
  const s = sts();
  assert.deepEqual(errorsOf(s), []);
  const spec = s.spec as Record<string, unknown>;
  assert.equal(spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(spec.replicas, 1);
  assert.equal(spec.revisionHistoryLimit, 10);
});

test('volume claim templates are defaulted as nested claims', () => {
  const s = sts();
  def.strategy.default?.(s);
  const [claim] = (s.spec as { volumeClaimTemplates: Record<string, unknown>[] }).volumeClaimTemplates;
  assert.equal(claim?.apiVersion, 'v1');
  assert.equal(claim?.kind, 'PersistentVolumeClaim');
  assert.equal((claim?.spec as Record<string, unknown>).volumeMode, 'Filesystem');
  assert.deepEqual(claim?.status, { phase: 'Pending' });
});

test('statefulset names must be DNS labels', () => {
  assert.equal(def.strategy.nameRule, 'label');
});

test('bad policies are reported with upstream messages', () => {
  const errs = errorsOf(sts({ podManagementPolicy: 'Random', persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep', whenScaled: 'Retain' } }));
  assert.deepEqual(errs, [
    "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
    'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
  ]);
});

test('a negative partition and an empty selector are rejected', () => {
  assert.deepEqual(errorsOf(sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } })), [
    'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0',
  ]);
  assert.deepEqual(errorsOf(sts({ selector: {} })), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset',
  ]);
});

test('updates may change replicas, template and updateStrategy but not serviceName', () => {
  const old = sts();
  def.strategy.default?.(old);
  const ok = sts({ replicas: 3, updateStrategy: { type: 'OnDelete' } });
  def.strategy.default?.(ok);
  assert.deepEqual(def.strategy.validateUpdate?.(ok, old), []);
  const bad = sts({ serviceName: 'other' });
  def.strategy.default?.(bad);
  assert.deepEqual((def.strategy.validateUpdate?.(bad, old) ?? []).map((e) => formatFieldError(e)), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
});

test('a null creationTimestamp in a claim template is not a spec change', () => {
  const old = sts();
  def.strategy.default?.(old);
  const next = sts();
  ((next.spec as { volumeClaimTemplates: { metadata: Record<string, unknown> }[] }).volumeClaimTemplates[0] as { metadata: Record<string, unknown> }).metadata.creationTimestamp = null;
  def.strategy.default?.(next);
  assert.deepEqual(def.strategy.validateUpdate?.(next, old), []);
});

test('the row shows READY as ready/desired', () => {
  const s = sts({ replicas: 3 });
  s.status = { replicas: 3, readyReplicas: 2 };
  const row = def.strategy.row?.(s) ?? [];
  assert.deepEqual([row[0], row[1], row[3], row[4]], ['web', '2/3', 'nginx', 'nginx']);
  assert.deepEqual((def.strategy.columns ?? []).map((c) => c.name), ['Name', 'Ready', 'Age', 'Containers', 'Images']);
});
