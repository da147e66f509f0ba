import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { computeStatus, groupByNode, planManage, planRollingUpdate, type PlanInput } from './plan.js';
import { REVISION_HASH_LABEL, TEMPLATE_GENERATION_LABEL } from './util.js';

const now = new Date('2024-01-01T00:10:00Z');
const node = (name: string, taints: unknown[] = []): KubeObject => ({ metadata: { name }, spec: { taints } });
const mkDs = (strategy: Record<string, unknown> = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }): KubeObject => ({
  metadata: { name: 'd', namespace: 'default', uid: 'u', generation: 2, annotations: { 'deprecated.daemonset.template.generation': '2' } },
  spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: {} }, updateStrategy: strategy },
});
let seq = 0;
const pod = (nodeName: string, o: { hash?: string; ready?: boolean; phase?: string; created?: string; deleting?: boolean } = {}): KubeObject => ({
  metadata: {
    name: `d-${++seq}`,
    namespace: 'default',
    creationTimestamp: o.created ?? '2024-01-01T00:00:00Z',
    labels: { a: 'b', [REVISION_HASH_LABEL]: o.hash ?? 'new', [TEMPLATE_GENERATION_LABEL]: o.hash === 'old' ? '1' : '2' },
    ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:09:00Z' } : {}),
  },
  spec: { nodeName },
  status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] },
});
const input = (ds: KubeObject, nodes: KubeObject[], pods: KubeObject[]): PlanInput => ({ ds, nodes, byNode: groupByNode(pods), hash: 'new', now });

test('every eligible node without a daemon pod needs one; a tainted node does not', () => {
  const plan = planManage(input(mkDs(), [node('a'), node('b'), node('t', [{ key: 'x', effect: 'NoSchedule' }])], [pod('a')]));
  assert.deepEqual(plan.nodesNeedingPods, ['b']);
  assert.deepEqual(plan.podsToDelete, []);
});

test('extra pods on a node are deleted, keeping the oldest', () => {
  const keep = pod('a', { created: '2024-01-01T00:00:00Z' });
  const extra = pod('a', { created: '2024-01-01T00:05:00Z' });
  assert.deepEqual(planManage(input(mkDs(), [node('a')], [extra, keep])).podsToDelete, [extra.metadata.name]);
});

test('a failed daemon pod is deleted with a FailedDaemonPod warning unless its node is backing off', () => {
  const failed = pod('a', { phase: 'Failed' });
  const plan = planManage(input(mkDs(), [node('a')], [failed]));
  assert.deepEqual(plan.podsToDelete, [failed.metadata.name]);
  assert.match(plan.failedPodMessages[0] ?? '', /^Found failed daemon pod default\/d-\d+ on node a, will try to kill it$/);
  const waiting = planManage({ ...input(mkDs(), [node('a')], [failed]), backoffRemainingMs: () => 2000 });
  assert.deepEqual(waiting.podsToDelete, []);
  assert.equal(waiting.requeueAfterMs, 2000);
});

test('pods on a node with an untolerated NoExecute taint are deleted', () => {
  const p = pod('a');
  assert.deepEqual(planManage(input(mkDs(), [node('a', [{ key: 'x', effect: 'NoExecute' }])], [p])).podsToDelete, [p.metadata.name]);
});

test('a rolling update deletes at most maxUnavailable available old pods at a time', () => {
  const pods = [pod('a', { hash: 'old' }), pod('b', { hash: 'old' }), pod('c', { hash: 'old' })];
  const plan = planRollingUpdate(input(mkDs(), [node('a'), node('b'), node('c')], pods));
  assert.equal(plan.podsToDelete.length, 1);
  const two = planRollingUpdate(input(mkDs({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%', maxSurge: 0 } }), [node('a'), node('b'), node('c')], pods));
  assert.equal(two.podsToDelete.length, 2);
});

test('an unavailable new pod uses up the unavailability budget', () => {
  const pods = [pod('a', { hash: 'new', ready: false }), pod('b', { hash: 'old' })];
  assert.deepEqual(planRollingUpdate(input(mkDs(), [node('a'), node('b')], pods)).podsToDelete, []);
});

test('with maxSurge a new pod is created beside the old one, and the old one goes once the new is available', () => {
  const ds = mkDs({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  const oldA = pod('a', { hash: 'old' });
  const oldB = pod('b', { hash: 'old' });
  assert.deepEqual(planRollingUpdate(input(ds, [node('a'), node('b')], [oldA, oldB])).nodesNeedingPods, ['a']);
  const plan = planRollingUpdate(input(ds, [node('a'), node('b')], [oldA, pod('a', { hash: 'new' }), oldB]));
  assert.deepEqual(plan.podsToDelete, [oldA.metadata.name]);
  assert.deepEqual(plan.nodesNeedingPods, ['b']);
});

test('status counts desired, current, ready, updated, available and misscheduled pods', () => {
  const nodes = [node('a'), node('b'), node('c'), node('t', [{ key: 'x', effect: 'NoSchedule' }])];
  const pods = [pod('a'), pod('b', { hash: 'old' }), pod('t'), pod('c', { ready: false })];
  const s = computeStatus(input(mkDs(), nodes, pods));
  assert.deepEqual(s, { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 1, numberReady: 2, updatedNumberScheduled: 2, numberAvailable: 2, numberUnavailable: 1 });
});
