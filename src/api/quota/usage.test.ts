import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { listToJson } from './quantity.js';
import { constraintsError, handles, matchingResources, podUsage, pvcUsage, serviceUsage, usageOf } from './usage.js';
import { isBestEffort, podMatchesScope, quotaMatches } from './scopes.js';

const now = new Date('2026-01-01T00:00:00Z');

function pod(containers: Record<string, unknown>[], extra: Record<string, unknown> = {}, status: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers, ...extra }, status };
}

const c = (name: string, requests?: Record<string, string>, limits?: Record<string, string>): Record<string, unknown> => ({ name, image: 'x', resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } });

test('a pod charges one pod and the sum of its containers requests and limits', () => {
  const u = podUsage(pod([c('a', { cpu: '500m', memory: '64Mi' }, { cpu: '1' }), c('b', { cpu: '500m', memory: '64Mi' }, { cpu: '1' })]), now);
  assert.deepEqual(listToJson(u), {
    'count/pods': '1',
    cpu: '1',
    'limits.cpu': '2',
    memory: '128Mi',
    pods: '1',
    'requests.cpu': '1',
    'requests.memory': '128Mi',
  });
});

test('an init container larger than the app containers sets the pod request', () => {
  const p = pod([c('a', { cpu: '100m' })], { initContainers: [c('i', { cpu: '2' })] });
  assert.equal(listToJson(podUsage(p, now))['requests.cpu'], '2');
});

test('a terminal pod still counts for count/pods but no longer for compute resources', () => {
  const u = podUsage(pod([c('a', { cpu: '1' })], {}, { phase: 'Succeeded' }), now);
  assert.deepEqual(listToJson(u), { 'count/pods': '1' });
});

test('a pod past its deletion grace period stops counting', () => {
  const p = pod([c('a', { cpu: '1' })]);
  p.metadata.deletionTimestamp = '2025-12-31T23:59:00Z';
  p.metadata.deletionGracePeriodSeconds = 30;
  assert.equal(podUsage(p, now).has('pods'), false);
});

test('services count node ports and load balancers by type', () => {
  const svc = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 's' }, spec });
  assert.deepEqual(listToJson(serviceUsage(svc({ type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] }))), { 'count/services': '1', services: '1', 'services.nodeports': '2' });
  assert.equal(listToJson(serviceUsage(svc({ type: 'LoadBalancer', ports: [{ port: 80 }] })))['services.loadbalancers'], '1');
  assert.deepEqual(listToJson(serviceUsage(svc({ ports: [{ port: 80 }] }))), { 'count/services': '1', services: '1' });
});

test('claims charge their storage request, also per storage class', () => {
  const u = pvcUsage({ metadata: { name: 'c' }, spec: { storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } } });
  assert.deepEqual(listToJson(u), {
    'count/persistentvolumeclaims': '1',
    'fast.storageclass.storage.k8s.io/persistentvolumeclaims': '1',
    'fast.storageclass.storage.k8s.io/requests.storage': '1Gi',
    persistentvolumeclaims: '1',
    'requests.storage': '1Gi',
  });
});

test('other kinds charge one object of count/<resource>.<group>', () => {
  assert.deepEqual(listToJson(usageOf('apps', 'deployments', { metadata: {} }, now)), { 'count/deployments.apps': '1' });
  assert.deepEqual(listToJson(usageOf('', 'configmaps', { metadata: {} }, now)), { configmaps: '1', 'count/configmaps': '1' });
});

test('each kind tracks only its own hard resources', () => {
  const hard = ['pods', 'requests.cpu', 'services', 'count/deployments.apps', 'requests.storage', 'requests.nvidia.com/gpu'];
  assert.deepEqual(matchingResources('', 'pods', hard), ['pods', 'requests.cpu', 'requests.nvidia.com/gpu']);
  assert.deepEqual(matchingResources('', 'services', hard), ['services']);
  assert.deepEqual(matchingResources('apps', 'deployments', hard), ['count/deployments.apps']);
  assert.deepEqual(matchingResources('', 'persistentvolumeclaims', hard), ['requests.storage']);
});

test('counts are charged on create, pods also on resize, services and claims on update', () => {
  assert.ok(handles('', 'pods', 'CREATE', ''));
  assert.ok(!handles('', 'pods', 'UPDATE', ''));
  assert.ok(handles('', 'pods', 'UPDATE', 'resize'));
  assert.ok(handles('', 'services', 'UPDATE', ''));
  assert.ok(!handles('', 'configmaps', 'UPDATE', ''));
  assert.ok(!handles('', 'pods', 'CREATE', 'binding'));
});

test('a quota on cpu requires every container to state it, naming the containers', () => {
  const p = pod([c('nginx'), c('side', { cpu: '1' }, { cpu: '1' })]);
  assert.equal(constraintsError('', 'pods', ['requests.cpu', 'limits.cpu', 'pods'], p), 'must specify limits.cpu for: nginx; requests.cpu for: nginx');
  assert.equal(constraintsError('', 'pods', ['pods'], p), undefined);
});

test('scopes select pods by deadline, QoS and priority class', () => {
  const be = pod([c('a')]);
  const burst = pod([c('a', { cpu: '1' })], { activeDeadlineSeconds: 10, priorityClassName: 'high' });
  assert.ok(isBestEffort(be));
  assert.ok(!isBestEffort(burst));
  assert.ok(podMatchesScope({ scopeName: 'Terminating', operator: 'Exists' }, burst));
  assert.ok(podMatchesScope({ scopeName: 'NotTerminating', operator: 'Exists' }, be));
  assert.ok(podMatchesScope({ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }, burst));
  assert.ok(!podMatchesScope({ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }, be));
  assert.ok(podMatchesScope({ scopeName: 'PriorityClass', operator: 'NotIn', values: ['high'] }, be));
});

test('a scoped quota never matches kinds other than pods', () => {
  const q = { metadata: { name: 'q' }, spec: { scopes: ['BestEffort'] } } as KubeObject;
  assert.ok(quotaMatches(q, ['pods'], '', 'pods', pod([c('a')])));
  assert.ok(!quotaMatches(q, ['count/configmaps'], '', 'configmaps', { metadata: {} }));
});
