import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { decideStatus, parseCountName, type TrackedKind, type UsageSource } from './decide.js';

const now = new Date('2026-01-01T00:00:00Z');
const PODS: TrackedKind = { group: '', version: 'v1', resource: 'pods' };
const DEPLOYMENTS: TrackedKind = { group: 'apps', version: 'v1', resource: 'deployments' };

function source(objects: Record<string, KubeObject[]>): UsageSource {
  return {
    now,
    informed: [PODS],
    objects: (k) => Promise.resolve(objects[k.resource] ?? []),
    kindFor: (g, r) => Promise.resolve(g === 'apps' && r === 'deployments' ? DEPLOYMENTS : undefined),
  };
}

const pod = (cpu: string, phase = 'Running'): KubeObject => ({ metadata: { name: cpu }, spec: { containers: [{ name: 'a', resources: { requests: { cpu }, limits: { cpu } } }] }, status: { phase } });

test('status gets hard from spec and used recomputed from live objects, zero for unused resources', async () => {
  const q = { metadata: { name: 'q' }, spec: { hard: { pods: '10', 'requests.cpu': '4', 'requests.memory': '1Gi' } } } as KubeObject;
  const st = await decideStatus(q, source({ pods: [pod('500m'), pod('1'), pod('2', 'Failed')] }));
  assert.deepEqual(st, { hard: { pods: '10', 'requests.cpu': '4', 'requests.memory': '1Gi' }, used: { pods: '2', 'requests.cpu': '1500m', 'requests.memory': '0' } });
});

test('a quota whose status is current needs no write', async () => {
  const q = { metadata: { name: 'q' }, spec: { hard: { pods: '2' } }, status: { hard: { pods: '2' }, used: { pods: '1' } } } as KubeObject;
  assert.equal(await decideStatus(q, source({ pods: [pod('1')] })), undefined);
});

test('a usage drop after a delete is written', async () => {
  const q = { metadata: { name: 'q' }, spec: { hard: { pods: '2' } }, status: { hard: { pods: '2' }, used: { pods: '2' } } } as KubeObject;
  assert.deepEqual(await decideStatus(q, source({ pods: [pod('1')] })), { hard: { pods: '2' }, used: { pods: '1' } });
});

test('count quotas of other groups are resolved through discovery and counted', async () => {
  const q = { metadata: { name: 'q' }, spec: { hard: { 'count/deployments.apps': '3' } } } as KubeObject;
  const st = await decideStatus(q, source({ deployments: [{ metadata: { name: 'd' } }] }));
  assert.deepEqual(st?.used, { 'count/deployments.apps': '1' });
});

test('scoped quotas count only the pods their scopes select', async () => {
  const q = { metadata: { name: 'q' }, spec: { hard: { pods: '5' }, scopes: ['BestEffort'] } } as KubeObject;
  const be = { metadata: { name: 'be' }, spec: { containers: [{ name: 'a' }] } } as KubeObject;
  const st = await decideStatus(q, source({ pods: [be, pod('1')] }));
  assert.deepEqual(st?.used, { pods: '1' });
});

test('count names split into resource and group', () => {
  assert.deepEqual(parseCountName('count/deployments.apps'), { group: 'apps', resource: 'deployments' });
  assert.deepEqual(parseCountName('count/pods'), { group: '', resource: 'pods' });
  assert.equal(parseCountName('pods'), undefined);
});
