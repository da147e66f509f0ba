import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRSNewReplicas, reconcileOldReplicaSets, scalePlan } from './rolling.js';
import { maxSurge, maxUnavailable, resolveFenceposts, type DeploymentObj, type ReplicaSetObj } from './util.js';

function deploy(replicas: number, surge: number | string, unavailable: number | string, status: DeploymentObj['status'] = {}): DeploymentObj {
  return {
    metadata: { name: 'web', generation: 1 },
    spec: { replicas, selector: {}, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } },
    status,
  };
}

function rs(name: string, replicas: number, available: number, created: string, annotations: Record<string, string> = {}): ReplicaSetObj {
  return { metadata: { name, uid: name, creationTimestamp: created, annotations }, spec: { replicas, selector: {} }, status: { replicas, availableReplicas: available } };
}

test('percentages resolve with surge rounded up and unavailable rounded down', () => {
  assert.deepEqual(resolveFenceposts('25%', '25%', 10), { surge: 3, unavailable: 2 });
  assert.deepEqual(resolveFenceposts('25%', '25%', 1), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts(0, '10%', 5), { surge: 0, unavailable: 1 }, 'both zero becomes unavailable 1');
  assert.equal(maxUnavailable(deploy(2, 0, 5)), 2, 'never more than replicas');
  assert.equal(maxSurge({ ...deploy(3, 1, 0), spec: { ...deploy(3, 1, 0).spec!, strategy: { type: 'Recreate' } } }), 0);
});

test('the new ReplicaSet grows only up to replicas plus maxSurge in total', () => {
  const d = deploy(3, 1, 0);
  const old = rs('old', 3, 3, '2024-01-01T00:00:00Z');
  const fresh = rs('new', 0, 0, '2024-01-02T00:00:00Z');
  assert.equal(newRSNewReplicas(d, [old, fresh], fresh), 1);
  const grown = rs('new', 1, 0, '2024-01-02T00:00:00Z');
  assert.equal(newRSNewReplicas(d, [old, grown], grown), 1, 'at the surge limit nothing more');
  assert.equal(newRSNewReplicas(deploy(3, '100%', 0), [old, fresh], fresh), 3, 'never beyond replicas');
});

test('with maxUnavailable 0 old pods go only as new ones become available', () => {
  const d = deploy(3, 1, 0);
  const old = rs('old', 3, 3, '2024-01-01T00:00:00Z');
  const notYet = rs('new', 1, 0, '2024-01-02T00:00:00Z');
  assert.deepEqual(reconcileOldReplicaSets(d, [old, notYet], [old], notYet), []);
  const ready = rs('new', 1, 1, '2024-01-02T00:00:00Z');
  const steps = reconcileOldReplicaSets(d, [old, ready], [old], ready);
  assert.deepEqual(steps.map((s) => [s.rs.metadata.name, s.replicas]), [['old', 2]]);
});

test('unhealthy old replicas are scaled away first, within the budget', () => {
  const d = deploy(4, 0, 1);
  const sick = rs('sick', 2, 0, '2024-01-01T00:00:00Z');
  const healthy = rs('healthy', 2, 2, '2024-01-02T00:00:00Z');
  const fresh = rs('new', 0, 0, '2024-01-03T00:00:00Z');
  const steps = reconcileOldReplicaSets(d, [sick, healthy, fresh], [sick, healthy], fresh);
  // 4 pods, min available 3: only one may go, and it should be an unavailable one.
  assert.deepEqual(steps.map((s) => [s.rs.metadata.name, s.replicas]), [['sick', 1]]);
});

test('a resize during a rollout is spread proportionally with leftovers to the largest', () => {
  const d = deploy(20, 3, 2, { replicas: 13 });
  const a = rs('a', 8, 8, '2024-01-01T00:00:00Z', { 'deployment.kubernetes.io/max-replicas': '13' });
  const b = rs('b', 5, 0, '2024-01-02T00:00:00Z', { 'deployment.kubernetes.io/max-replicas': '13' });
  const steps = scalePlan(d, b, [a]);
  const sizes = Object.fromEntries(steps.map((s) => [s.rs.metadata.name, s.replicas]));
  assert.equal(sizes.a! + sizes.b!, 23);
  assert.deepEqual(sizes, { a: 14, b: 9 });
});

test('a single active ReplicaSet simply takes the new size', () => {
  const d = deploy(5, 1, 0);
  const only = rs('only', 2, 2, '2024-01-01T00:00:00Z');
  assert.deepEqual(scalePlan(d, only, []).map((s) => [s.rs.metadata.name, s.replicas]), [['only', 5]]);
  assert.deepEqual(scalePlan(deploy(2, 1, 0), only, []), []);
});
