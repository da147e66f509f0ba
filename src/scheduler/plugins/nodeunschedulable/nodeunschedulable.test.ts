import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeInfo } from '../../nodeinfo.js';
import { newPodInfo } from '../../podinfo.js';
import { makeNode, makePod } from '../../testing.js';
import { NodeUnschedulable } from './index.js';

const ni = (...a: Parameters<typeof makeNode>) => new NodeInfo(makeNode(...a));

test('NodeUnschedulable rejects a cordoned node with upstream reason', () => {
  const s = new NodeUnschedulable().filter(newPodInfo(makePod('p')), ni('n', { unschedulable: true }));
  assert.deepEqual(s, { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'] });
});

test('NodeUnschedulable admits a pod tolerating the unschedulable taint', () => {
  const pod = makePod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
  assert.equal(new NodeUnschedulable().filter(newPodInfo(pod), ni('n', { unschedulable: true })), null);
});
