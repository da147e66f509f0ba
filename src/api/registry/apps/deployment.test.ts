import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { deploymentResource as def } from './deployment.js';

/** What `kubectl create deployment web --image=nginx` sends. */
function kubectlDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] } },
      strategy: {},
    },
    status: {},
  };
}

function errorsOf(obj: KubeObject): string[] {
  def.strategy.default?.(obj);
  return (def.strategy.validate?.(obj) ?? []).map((e) => formatFieldError(e));
}

function withSpec(patch: Record<string, unknown>): KubeObject {
  const d = kubectlDeployment();
  d.spec = { ...(d.spec as object), ...patch };
  return d;
}

test('a kubectl-created deployment is defaulted as a real cluster shows it and validates cleanly', () => {
  const d = kubectlDeployment();
  assert.deepEqual(errorsOf(d), []);
  const spec = d.spec as Record<string, unknown>;
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  const podSpec = (spec.template as { spec: Record<string, unknown> }).spec;
  assert.equal(podSpec.restartPolicy, 'Always');
  assert.equal(podSpec.dnsPolicy, 'ClusterFirst');
});

test('replicas default to 1 when unset', () => {
  const d = withSpec({ replicas: undefined });
  def.strategy.default?.(d);
  assert.equal((d.spec as { replicas: number }).replicas, 1);
});

test('negative replicas are rejected with the upstream message', () => {
  assert.deepEqual(errorsOf(withSpec({ replicas: -1 })), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
});

test('a missing selector is required and the template then fails to match', () => {
  assert.deepEqual(errorsOf(withSpec({ selector: undefined })), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
});

test('a selector that does not match the template labels is rejected', () => {
  assert.deepEqual(errorsOf(withSpec({ selector: { matchLabels: { app: 'other' } } })), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
});

test('an empty selector is invalid for deployments', () => {
  assert.deepEqual(errorsOf(withSpec({ selector: {} })), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ]);
});

test('maxUnavailable and maxSurge may not both be zero', () => {
  const errs = errorsOf(withSpec({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } } }));
  assert.deepEqual(errs, ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0']);
});

test('maxUnavailable above 100% and malformed percentages are rejected', () => {
  const errs = errorsOf(withSpec({ strategy: { rollingUpdate: { maxUnavailable: '150%', maxSurge: 'x' } } }));
  assert.deepEqual(errs, [
    'spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"x"}: a valid percent string must be a numeric string followed by an ending \'%\' (e.g. \'1%\',  or \'93%\', regex used for validation is \'[0-9]+%\')',
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
  ]);
});

test('a Recreate strategy may not carry rollingUpdate parameters', () => {
  assert.deepEqual(errorsOf(withSpec({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } })), [
    "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
  ]);
});

test('an unknown strategy type lists the supported ones', () => {
  assert.deepEqual(errorsOf(withSpec({ strategy: { type: 'BlueGreen' } })), [
    'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"',
  ]);
});

test('progressDeadlineSeconds must exceed minReadySeconds', () => {
  assert.deepEqual(errorsOf(withSpec({ minReadySeconds: 600 })), ['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds']);
});

test('templates must restart Always', () => {
  const d = kubectlDeployment();
  ((d.spec as { template: { spec: Record<string, unknown> } }).template.spec).restartPolicy = 'Never';
  assert.deepEqual(errorsOf(d), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
});

test('spec.selector is immutable on update', () => {
  const old = kubectlDeployment();
  const next = kubectlDeployment();
  def.strategy.default?.(old);
  const spec = next.spec as Record<string, unknown>;
  spec.selector = { matchLabels: { app: 'web2' } };
  (spec.template as { metadata: { labels: Record<string, string> } }).metadata.labels = { app: 'web2' };
  def.strategy.default?.(next);
  assert.deepEqual((def.strategy.validateUpdate?.(next, old) ?? []).map((e) => formatFieldError(e)), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
  assert.deepEqual(def.strategy.validateUpdate?.(kubectlDeployment(), old), []);
});

test('an annotation change bumps the generation like a spec change', () => {
  const old = kubectlDeployment();
  old.metadata.generation = 3;
  const next = kubectlDeployment();
  next.metadata.generation = 3;
  next.metadata.annotations = { note: 'x' };
  def.strategy.prepareForUpdate?.(next, old);
  assert.equal(next.metadata.generation, 4);
  const same = kubectlDeployment();
  same.metadata.generation = 3;
  def.strategy.prepareForUpdate?.(same, old);
  assert.equal(same.metadata.generation, 3);
});

test('create resets status and the table row reads like kubectl get deploy -o wide', () => {
  const d = kubectlDeployment();
  def.strategy.default?.(d);
  def.strategy.prepareForCreate?.(d);
  assert.deepEqual(d.status, {});
  d.status = { readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1 };
  d.metadata.creationTimestamp = new Date(Date.now() - 5000).toISOString();
  const row = def.strategy.row?.(d) ?? [];
  assert.deepEqual(row.slice(0, 4), ['web', '1/1', 1, 1]);
  assert.deepEqual(row.slice(5), ['nginx', 'nginx', 'app=web']);
  assert.deepEqual((def.strategy.columns ?? []).map((c) => c.name), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
});
