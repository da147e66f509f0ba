import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateStatus, replicaDiff, statusChanged, type ReplicaSetObj } from './status.js';
import { Expectations, EXPECTATIONS_TIMEOUT_MS } from './expectations.js';
import { isPodAvailable, podFromTemplate, type PodObj } from './pods.js';

const NOW = new Date('2024-01-01T12:00:00Z');

const rs: ReplicaSetObj = {
  metadata: { name: 'web', namespace: 'default', uid: 'rs-uid', generation: 3 },
  spec: { replicas: 3, minReadySeconds: 10, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
};

function pod(labels: Record<string, string>, readySince?: string): PodObj {
  return {
    metadata: { name: 'p', labels },
    status: readySince ? { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: readySince }] } : { phase: 'Pending' },
  };
}

test('the diff creates the missing pods, capped at the burst', () => {
  assert.deepEqual(replicaDiff(1, 3), { create: 2, delete: 0 });
  assert.deepEqual(replicaDiff(0, 1000), { create: 500, delete: 0 });
  assert.deepEqual(replicaDiff(5, 3), { create: 0, delete: 2 });
  assert.deepEqual(replicaDiff(3, 3), { create: 0, delete: 0 });
});

test('status counts fully labeled, ready and available pods and the observed generation', () => {
  const pods = [pod({ app: 'web', tier: 'fe' }, '2024-01-01T11:00:00Z'), pod({ app: 'web' }, '2024-01-01T11:59:55Z'), pod({ app: 'web', tier: 'fe' })];
  const s = calculateStatus(rs, pods, undefined, NOW);
  assert.deepEqual(s, { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 3 });
});

test('a failed create sets ReplicaFailure with reason FailedCreate', () => {
  const s = calculateStatus(rs, [], { error: new Error('pods "web-x" is forbidden: exceeded quota'), creating: true }, NOW);
  assert.equal(s.conditions?.[0]?.type, 'ReplicaFailure');
  assert.equal(s.conditions?.[0]?.reason, 'FailedCreate');
  assert.equal(s.conditions?.[0]?.status, 'True');
  assert.match(s.conditions?.[0]?.message ?? '', /exceeded quota/);
});

test('a clean sync removes the ReplicaFailure condition', () => {
  const failing: ReplicaSetObj = { ...rs, status: { replicas: 0, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' }] } };
  assert.equal(calculateStatus(failing, [], undefined, NOW).conditions, undefined);
});

test('an unchanged status at the same generation needs no write', () => {
  const s = calculateStatus(rs, [], undefined, NOW);
  assert.equal(statusChanged({ ...s }, s), false);
  assert.equal(statusChanged({ ...s, observedGeneration: 2 }, s), true);
});

test('a pod is available only once ready for longer than minReadySeconds', () => {
  const p = pod({}, '2024-01-01T11:59:50Z');
  assert.equal(isPodAvailable(p, 10, NOW), false);
  assert.equal(isPodAvailable(p, 9, NOW), true);
  assert.equal(isPodAvailable(p, 0, NOW), true);
});

test('a pod from the template carries its labels, generateName and a blocking controller reference', () => {
  const p = podFromTemplate(rs.spec?.template, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: rs.metadata }, 'default');
  assert.equal(p.metadata.generateName, 'web-');
  assert.deepEqual(p.metadata.labels, { app: 'web', tier: 'fe' });
  assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(p.spec?.containers[0]?.image, 'nginx');
});

test('expectations hold a sync until every created pod is observed', () => {
  let t = 0;
  const e = new Expectations(() => t);
  e.expectCreations('ns/rs', 2);
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  assert.equal(e.satisfied('ns/rs'), true);
  e.expectDeletions('ns/rs', ['ns/a']);
  e.deletionObserved('ns/rs', 'ns/b');
  assert.equal(e.satisfied('ns/rs'), false);
  e.deletionObserved('ns/rs', 'ns/a');
  e.deletionObserved('ns/rs', 'ns/a');
  assert.deepEqual(e.pending('ns/rs'), { add: 0, del: 0 });
  e.expectCreations('ns/rs', 1);
  t += EXPECTATIONS_TIMEOUT_MS + 1;
  assert.equal(e.satisfied('ns/rs'), true, 'expired expectations no longer block');
});
