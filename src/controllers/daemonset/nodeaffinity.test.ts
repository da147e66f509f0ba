import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { nodeAffinityMatches, requirementMatches, toleratesTaint, type NodeSelectorTerm } from './nodeaffinity.js';
import { bindToNodeAffinity, nodeShouldRunDaemonPod, targetNodeName, withDaemonTolerations } from './util.js';

const node = (name: string, labels: Record<string, string> = {}, taints: { key: string; value?: string; effect: string }[] = []): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels },
  spec: { taints },
});
const ds = (podSpec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'd', namespace: 'default' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: podSpec } } });
const required = (...terms: NodeSelectorTerm[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });

test('In, NotIn, Exists and DoesNotExist evaluate against labels as upstream', () => {
  const labels = { zone: 'a' };
  assert.equal(requirementMatches({ key: 'zone', operator: 'In', values: ['a', 'b'] }, labels), true);
  assert.equal(requirementMatches({ key: 'zone', operator: 'In', values: ['b'] }, labels), false);
  assert.equal(requirementMatches({ key: 'zone', operator: 'NotIn', values: ['b'] }, labels), true);
  assert.equal(requirementMatches({ key: 'other', operator: 'NotIn', values: ['b'] }, labels), true);
  assert.equal(requirementMatches({ key: 'zone', operator: 'Exists' }, labels), true);
  assert.equal(requirementMatches({ key: 'zone', operator: 'DoesNotExist' }, labels), false);
  assert.equal(requirementMatches({ key: 'other', operator: 'DoesNotExist' }, labels), true);
});

test('Gt and Lt compare integer label values and fail on non-integers', () => {
  assert.equal(requirementMatches({ key: 'cores', operator: 'Gt', values: ['4'] }, { cores: '8' }), true);
  assert.equal(requirementMatches({ key: 'cores', operator: 'Gt', values: ['8'] }, { cores: '8' }), false);
  assert.equal(requirementMatches({ key: 'cores', operator: 'Lt', values: ['16'] }, { cores: '8' }), true);
  assert.equal(requirementMatches({ key: 'cores', operator: 'Gt', values: ['4'] }, { cores: 'many' }), false);
  assert.equal(requirementMatches({ key: 'cores', operator: 'Gt', values: ['4'] }, {}), false);
});

test('required terms are ORed, each term ANDs its expressions and matchFields metadata.name', () => {
  const n = node('n1', { zone: 'a', disk: 'ssd' });
  assert.equal(nodeAffinityMatches(required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }), n), true);
  assert.equal(nodeAffinityMatches(required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }), n), false);
  assert.equal(nodeAffinityMatches(required({}), n), false);
  assert.equal(nodeAffinityMatches({ nodeSelector: { disk: 'ssd' } }, n), true);
  assert.equal(nodeAffinityMatches({ nodeSelector: { disk: 'hdd' } }, n), false);
});

test('a toleration with an empty key and Exists tolerates every taint', () => {
  assert.equal(toleratesTaint({ operator: 'Exists' }, { key: 'x', effect: 'NoSchedule' }), true);
  assert.equal(toleratesTaint({ key: 'x', value: 'y', effect: 'NoSchedule' }, { key: 'x', value: 'y', effect: 'NoSchedule' }), true);
  assert.equal(toleratesTaint({ key: 'x', value: 'z' }, { key: 'x', value: 'y', effect: 'NoSchedule' }), false);
  assert.equal(toleratesTaint({ key: 'x', operator: 'Exists', effect: 'NoExecute' }, { key: 'x', effect: 'NoSchedule' }), false);
});

test('an untolerated NoSchedule taint stops new daemon pods but lets running ones stay', () => {
  const v = nodeShouldRunDaemonPod(node('n', {}, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]), ds({}));
  assert.deepEqual(v, { shouldRun: false, shouldContinueRunning: true });
});

test('an untolerated NoExecute taint evicts daemon pods, a tolerated one does not', () => {
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'dedicated', effect: 'NoExecute' }]), ds({})), { shouldRun: false, shouldContinueRunning: false });
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'dedicated', effect: 'NoExecute' }]), ds({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] })), { shouldRun: true, shouldContinueRunning: true });
});

test('daemon pods tolerate the not-ready, unreachable, pressure and unschedulable taints by default', () => {
  const taints = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].map((key) => ({ key, effect: 'NoExecute' }));
  taints.push(...['disk-pressure', 'memory-pressure', 'pid-pressure', 'unschedulable'].map((k) => ({ key: `node.kubernetes.io/${k}`, effect: 'NoSchedule' })));
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, taints), ds({})), { shouldRun: true, shouldContinueRunning: true });
  assert.equal(withDaemonTolerations([], false).length, 6);
  assert.equal(withDaemonTolerations([], true).length, 7);
  assert.equal(withDaemonTolerations([{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }], false).length, 6);
});

test('a node outside the nodeSelector or affinity gets no daemon pod at all', () => {
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', { role: 'web' }), ds({ nodeSelector: { role: 'db' } })), { shouldRun: false, shouldContinueRunning: false });
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', { role: 'db' }), ds({ nodeSelector: { role: 'db' } })), { shouldRun: true, shouldContinueRunning: true });
});

test('binding affinity replaces the required terms with metadata.name In [node] and names the target', () => {
  const a = bindToNodeAffinity(required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }).affinity, 'n7');
  assert.deepEqual(a.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }] }]);
  assert.equal(targetNodeName({ metadata: { name: 'p' }, spec: { affinity: a } }), 'n7');
  assert.equal(targetNodeName({ metadata: { name: 'p' }, spec: { nodeName: 'n8', affinity: a } }), 'n8');
});
