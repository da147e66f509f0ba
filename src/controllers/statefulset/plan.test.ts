import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { completeRollingUpdate, planStatefulSet, type StsAction, type StsInput } from './plan.js';
import { claimOwnerRefs, newStatefulSetPod } from './identity.js';

const now = new Date('2024-01-01T00:10:00Z');
function mkSet(o: { replicas?: number; policy?: string; partition?: number; claims?: boolean; retention?: Record<string, string> } = {}): KubeObject {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'set-uid', generation: 1 },
    spec: {
      replicas: o.replicas ?? 3,
      serviceName: 'nginx',
      podManagementPolicy: o.policy ?? 'OrderedReady',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: o.partition ?? 0 } },
      ...(o.claims ? { volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'] } }] } : {}),
      persistentVolumeClaimRetentionPolicy: o.retention ?? { whenDeleted: 'Retain', whenScaled: 'Retain' },
    },
    status: {},
  };
}
function pod(set: KubeObject, ordinal: number, o: { rev?: string; ready?: boolean; phase?: string; deleting?: boolean } = {}): KubeObject {
  const p = newStatefulSetPod(set, ordinal, o.rev ?? 'web-old');
  p.metadata.uid = `pod-${ordinal}`;
  if (o.deleting) p.metadata.deletionTimestamp = '2024-01-01T00:09:00Z';
  p.status = { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] };
  return p;
}
const input = (set: KubeObject, pods: KubeObject[], claims: KubeObject[] = [], update = 'web-old'): StsInput => ({
  set,
  currentSet: set,
  updateSet: set,
  currentRevision: 'web-old',
  updateRevision: update,
  collisionCount: 0,
  pods,
  claim: (n) => claims.find((c) => c.metadata.name === n),
  now,
});
const summary = (actions: StsAction[]): string[] => actions.map((a) => `${a.type}:${'pod' in a ? (a.pod.metadata.name ?? '') : (a.claim.metadata.name ?? '')}`);

test('OrderedReady creates only the lowest missing ordinal', () => {
  assert.deepEqual(summary(planStatefulSet(input(mkSet(), [])).actions), ['create:web-0']);
});

test('OrderedReady waits while a predecessor is not Running and Ready', () => {
  const set = mkSet();
  assert.deepEqual(planStatefulSet(input(set, [pod(set, 0, { ready: false })])).actions, []);
  assert.deepEqual(planStatefulSet(input(set, [pod(set, 0, { phase: 'Pending', ready: false })])).actions, []);
  assert.deepEqual(summary(planStatefulSet(input(set, [pod(set, 0)])).actions), ['create:web-1']);
});

test('Parallel creates every missing ordinal at once', () => {
  assert.deepEqual(summary(planStatefulSet(input(mkSet({ policy: 'Parallel' }), [])).actions), ['create:web-0', 'create:web-1', 'create:web-2']);
});

test('scaling down deletes from the highest ordinal, one at a time under OrderedReady', () => {
  const set = mkSet({ replicas: 1 });
  const pods = [pod(set, 0), pod(set, 1), pod(set, 2)];
  assert.deepEqual(summary(planStatefulSet(input(set, pods)).actions), ['delete:web-2']);
  const terminating = [pod(set, 0), pod(set, 1), pod(set, 2, { deleting: true })];
  assert.deepEqual(planStatefulSet(input(set, terminating)).actions, []);
});

test('a pod gets identity labels, hostname, subdomain and its claim volume', () => {
  const set = mkSet({ claims: true });
  const [create] = planStatefulSet(input(set, [])).actions;
  assert.equal(create?.type, 'create');
  if (create?.type !== 'create') return;
  assert.equal(create.pod.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'web-0');
  assert.equal(create.pod.metadata.labels?.['apps.kubernetes.io/pod-index'], '0');
  assert.equal(create.pod.metadata.labels?.['controller-revision-hash'], 'web-old');
  const spec = create.pod.spec as { hostname?: string; subdomain?: string; volumes?: unknown[] };
  assert.equal(spec.hostname, 'web-0');
  assert.equal(spec.subdomain, 'nginx');
  assert.deepEqual(spec.volumes, [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0', readOnly: false } }]);
  assert.equal(create.claims[0]?.metadata.name, 'www-web-0');
  assert.deepEqual(create.claims[0]?.metadata.labels, { app: 'web' });
});

test('a rolling update with a partition replaces pods from the highest ordinal down to the partition', () => {
  const set = mkSet({ partition: 1 });
  const old = [pod(set, 0), pod(set, 1), pod(set, 2)];
  assert.deepEqual(summary(planStatefulSet(input(set, old, [], 'web-new')).actions), ['delete:web-2']);
  const oneDone = [pod(set, 0), pod(set, 1), pod(set, 2, { rev: 'web-new' })];
  assert.deepEqual(summary(planStatefulSet(input(set, oneDone, [], 'web-new')).actions), ['delete:web-1']);
  const notReady = [pod(set, 0), pod(set, 1), pod(set, 2, { rev: 'web-new', ready: false })];
  assert.deepEqual(planStatefulSet(input(set, notReady, [], 'web-new')).actions, []);
  const done = [pod(set, 0), pod(set, 1, { rev: 'web-new' }), pod(set, 2, { rev: 'web-new' })];
  const plan = planStatefulSet(input(set, done, [], 'web-new'));
  assert.deepEqual(plan.actions, [], 'ordinal 0 stays below the partition');
  assert.equal(plan.status.updatedReplicas, 2);
  assert.equal(plan.status.currentReplicas, 1);
});

test('OnDelete never deletes pods for an update', () => {
  const set = mkSet();
  (set.spec as { updateStrategy: unknown }).updateStrategy = { type: 'OnDelete' };
  assert.deepEqual(planStatefulSet(input(set, [pod(set, 0), pod(set, 1), pod(set, 2)], [], 'web-new')).actions, []);
});

test('a failed pod is deleted and recreated at once', () => {
  const set = mkSet({ replicas: 1 });
  assert.deepEqual(summary(planStatefulSet(input(set, [pod(set, 0, { phase: 'Failed', ready: false })])).actions), ['delete:web-0', 'create:web-0']);
});

test('whenScaled Delete gives a scaled-down pod ownership of its claim before deleting it', () => {
  const set = mkSet({ replicas: 1, claims: true, retention: { whenDeleted: 'Retain', whenScaled: 'Delete' } });
  const claim: KubeObject = { metadata: { name: 'www-web-1', namespace: 'default' } };
  const plan = planStatefulSet(input(set, [pod(set, 0), pod(set, 1)], [{ metadata: { name: 'www-web-0', namespace: 'default' } }, claim]));
  assert.deepEqual(summary(plan.actions), ['claimOwners:www-web-1', 'delete:web-1']);
  const first = plan.actions[0];
  assert.deepEqual(first?.type === 'claimOwners' ? first.ownerReferences : [], [{ apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: 'pod-1' }]);
});

test('whenDeleted Delete makes the set own its claims; Retain removes that ownership', () => {
  const del = mkSet({ claims: true, retention: { whenDeleted: 'Delete', whenScaled: 'Retain' } });
  const claim: KubeObject = { metadata: { name: 'www-web-0' } };
  assert.deepEqual(claimOwnerRefs(del, pod(del, 0), claim), [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid' }]);
  const owned: KubeObject = { metadata: { name: 'www-web-0', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid' }] } };
  assert.deepEqual(claimOwnerRefs(mkSet({ claims: true }), pod(del, 0), owned), []);
  assert.equal(claimOwnerRefs(del, pod(del, 0), owned), undefined);
});

test('a finished rolling update makes the update revision current', () => {
  const s = completeRollingUpdate(mkSet(), { observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 0, updatedReplicas: 3, availableReplicas: 3, currentRevision: 'a', updateRevision: 'b', collisionCount: 0 });
  assert.equal(s.currentRevision, 'b');
  assert.equal(s.currentReplicas, 3);
});
