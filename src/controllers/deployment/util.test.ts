import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHash, equalIgnoreHash, findNewReplicaSet, setNewReplicaSetAnnotations, type DeploymentObj, type ReplicaSetObj } from './util.js';
import { calculateStatus, rolloutStatus, deploymentTimedOut, stuckRequeueMs } from './conditions.js';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

function deploy(extra: Partial<DeploymentObj> = {}): DeploymentObj {
  return {
    metadata: { name: 'web', generation: 2, annotations: { 'kubernetes.io/change-cause': 'set image', 'deployment.kubernetes.io/revision': '1' } },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
    ...extra,
  };
}

test('the template hash is stable, key-order independent and changed by collisionCount', () => {
  const h = computeHash(template);
  assert.equal(computeHash({ spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { app: 'web' } } }), h);
  assert.notEqual(computeHash(template, 1), h);
  assert.notEqual(computeHash({ ...template, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }), h);
  assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
});

test('templates are compared without the pod-template-hash label', () => {
  const hashed = { ...template, metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } };
  assert.equal(equalIgnoreHash(hashed, template), true);
  assert.equal(equalIgnoreHash(hashed, { ...template, metadata: { labels: { app: 'api' } } }), false);
  // kubectl rollout undo sends creationTimestamp: null inside the template
  assert.equal(equalIgnoreHash({ ...template, metadata: { ...template.metadata, creationTimestamp: null as unknown as string } }, hashed), true);
  const rs: ReplicaSetObj = { metadata: { name: 'web-abc', creationTimestamp: '2024-01-01T00:00:00Z' }, spec: { selector: {}, template: hashed } };
  assert.equal(findNewReplicaSet(deploy(), [rs]), rs);
});

test('a new ReplicaSet gets the next revision, the change-cause and the replica annotations', () => {
  const rs: ReplicaSetObj = { metadata: { name: 'web-x' } };
  assert.equal(setNewReplicaSetAnnotations(deploy(), rs, 2, false), true);
  assert.deepEqual(rs.metadata.annotations, {
    'kubernetes.io/change-cause': 'set image',
    'deployment.kubernetes.io/revision': '2',
    'deployment.kubernetes.io/desired-replicas': '3',
    'deployment.kubernetes.io/max-replicas': '4',
  });
});

test('a reused ReplicaSet keeps its earlier revisions in revision-history', () => {
  const rs: ReplicaSetObj = { metadata: { name: 'web-x', annotations: { 'deployment.kubernetes.io/revision': '1' } } };
  setNewReplicaSetAnnotations(deploy(), rs, 3, true);
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
  setNewReplicaSetAnnotations(deploy(), rs, 5, true);
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1,3');
  assert.equal(setNewReplicaSetAnnotations(deploy(), rs, 4, true), false, 'never lowers a revision');
});

const NOW = new Date('2024-01-01T12:00:00Z');
function rsWith(replicas: number, available: number, ready = available): ReplicaSetObj {
  return { metadata: { name: 'web-new', uid: 'n' }, spec: { replicas, selector: {} }, status: { replicas, readyReplicas: ready, availableReplicas: available } };
}

test('Available is True once available pods reach replicas minus maxUnavailable', () => {
  const s = calculateStatus([rsWith(3, 3)], rsWith(3, 3), deploy(), NOW);
  assert.equal(s.conditions?.find((c) => c.type === 'Available')?.reason, 'MinimumReplicasAvailable');
  const u = calculateStatus([rsWith(3, 2)], rsWith(3, 2), deploy(), NOW);
  assert.deepEqual(
    { status: u.conditions?.[0]?.status, reason: u.conditions?.[0]?.reason, unavailable: u.unavailableReplicas, gen: u.observedGeneration },
    { status: 'False', reason: 'MinimumReplicasUnavailable', unavailable: 1, gen: 2 },
  );
});

test('a complete rollout reports NewReplicaSetAvailable', () => {
  const s = rolloutStatus([rsWith(3, 3)], rsWith(3, 3), deploy(), NOW);
  const p = s.conditions?.find((c) => c.type === 'Progressing');
  assert.deepEqual([p?.status, p?.reason, p?.message], ['True', 'NewReplicaSetAvailable', 'ReplicaSet "web-new" has successfully progressed.']);
});

test('progress refreshes lastUpdateTime of ReplicaSetUpdated but keeps lastTransitionTime', () => {
  const before = deploy({ status: { replicas: 3, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2024-01-01T11:00:00Z', lastTransitionTime: '2024-01-01T10:00:00Z' }] } });
  const s = rolloutStatus([rsWith(2, 1)], rsWith(2, 1), before, NOW);
  const p = s.conditions?.find((c) => c.type === 'Progressing');
  assert.deepEqual([p?.reason, p?.lastUpdateTime, p?.lastTransitionTime], ['ReplicaSetUpdated', '2024-01-01T12:00:00Z', '2024-01-01T10:00:00Z']);
});

test('no progress for longer than progressDeadlineSeconds is ProgressDeadlineExceeded', () => {
  const stale = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2024-01-01T11:49:59Z', lastTransitionTime: '2024-01-01T11:49:59Z' };
  const d = deploy({ status: { replicas: 1, updatedReplicas: 1, readyReplicas: 0, availableReplicas: 0, conditions: [stale] } });
  assert.equal(deploymentTimedOut(d, d.status!, NOW), true);
  const s = rolloutStatus([rsWith(1, 0)], rsWith(1, 0), d, NOW);
  const p = s.conditions?.find((c) => c.type === 'Progressing');
  assert.deepEqual([p?.status, p?.reason, p?.message], ['False', 'ProgressDeadlineExceeded', 'ReplicaSet "web-new" has timed out progressing.']);
});

test('a stuck rollout is looked at again when its deadline passes', () => {
  const cond = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2024-01-01T11:58:00Z', lastTransitionTime: '2024-01-01T11:58:00Z' };
  const d = deploy({ status: { conditions: [cond] } });
  assert.equal(stuckRequeueMs(d, { replicas: 1 }, NOW), 8 * 60 * 1000 + 1000);
  assert.equal(stuckRequeueMs(deploy(), { replicas: 1 }, NOW), undefined, 'no Progressing condition yet');
});
