import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { startTestApiServer } from '../../client/test-apiserver.js';
import { ApiStatusError } from '../../client/rest.js';
import { checkQuotas } from './resource-quota.js';

const now = new Date('2026-01-01T00:00:00Z');

function quota(name: string, hard: Record<string, string>, used: Record<string, string> | undefined, spec: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name, namespace: 'default', resourceVersion: '1' }, spec: { hard, ...spec }, status: used ? { hard, used } : {} };
}

const pod = (cpu?: string): KubeObject =>
  ({ metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'nginx', image: 'nginx', ...(cpu ? { resources: { requests: { cpu }, limits: { cpu } } } : {}) }] } });

const req = (object: KubeObject): { group: string; resource: string; operation: string; object: KubeObject } => ({ group: '', resource: 'pods', operation: 'CREATE', object });

test('a pod that fits is charged to every quota that tracks pods', () => {
  const d = checkQuotas([quota('compute', { pods: '2', 'requests.cpu': '2' }, { pods: '1', 'requests.cpu': '1' }), quota('cm', { configmaps: '1' }, { configmaps: '0' })], req(pod('1')), now);
  assert.ok('charge' in d);
  assert.deepEqual(d.charge.map((q) => q.metadata.name), ['compute']);
});

test('a pod that would exceed a quota gets the upstream exceeded message for just the exceeded resources', () => {
  const d = checkQuotas([quota('compute', { pods: '5', 'requests.cpu': '2', 'limits.cpu': '8' }, { pods: '1', 'requests.cpu': '1', 'limits.cpu': '1' })], req(pod('2')), now);
  assert.deepEqual(d, { reject: 'exceeded quota: compute, requested: requests.cpu=2, used: requests.cpu=1, limited: requests.cpu=2' });
});

test('a pod without a tracked compute resource fails the quota naming the containers', () => {
  const d = checkQuotas([quota('q', { 'requests.cpu': '1', 'limits.cpu': '1' }, { 'requests.cpu': '0', 'limits.cpu': '0' })], req(pod()), now);
  assert.deepEqual(d, { reject: 'failed quota: q: must specify limits.cpu for: nginx; requests.cpu for: nginx' });
});

test('a quota whose usage of a hard resource is unknown rejects with status unknown', () => {
  const q = quota('q', { pods: '1' }, undefined);
  q.status = { hard: { pods: '1' } };
  assert.deepEqual(checkQuotas([q], req(pod('1')), now), { reject: 'status unknown for quota: q, resources: pods' });
});

test('a quota the controller has not synced (no status.hard) does not limit yet, as upstream', () => {
  assert.deepEqual(checkQuotas([quota('q', { pods: '0' }, undefined)], req(pod('1')), now), { charge: [], delta: new Map() });
});

test('quotas whose scopes do not select the pod are ignored', () => {
  const d = checkQuotas([quota('be', { pods: '0' }, { pods: '0' }, { scopes: ['BestEffort'] })], req(pod('1')), now);
  assert.deepEqual(d, { charge: [], delta: new Map() });
});

test('an update charges only the growth', () => {
  const svc = (type: string): KubeObject => ({ metadata: { name: 's', resourceVersion: '5' }, spec: { type, ports: [{ port: 80 }] } });
  const q = quota('lb', { 'services.loadbalancers': '0', services: '10' }, { 'services.loadbalancers': '0', services: '1' });
  assert.deepEqual(checkQuotas([q], { group: '', resource: 'services', operation: 'UPDATE', object: svc('ClusterIP'), oldObject: svc('ClusterIP') }, now), { charge: [], delta: new Map() });
  const d = checkQuotas([q], { group: '', resource: 'services', operation: 'UPDATE', object: svc('LoadBalancer'), oldObject: svc('ClusterIP') }, now);
  assert.deepEqual(d, { reject: 'exceeded quota: lb, requested: services.loadbalancers=1, used: services.loadbalancers=0, limited: services.loadbalancers=0' });
});

test('through the API, creates are charged to status.used until the quota is full, and dry-run is not charged', async () => {
  const srv = await startTestApiServer();
  try {
    const c = srv.client;
    const RQ = { group: '', version: 'v1', resource: 'resourcequotas', namespace: 'default' };
    const CM = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' };
    await c.create(RQ, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'objects' }, spec: { hard: { configmaps: '2' } } });
    // No controller runs here: publish the status it would write.
    const q = await c.get({ ...RQ, name: 'objects' });
    await c.update({ ...RQ, name: 'objects', subresource: 'status' }, { ...q, status: { hard: { configmaps: '2' }, used: { configmaps: '0' } } });
    const cm = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    await c.create(CM, cm('dry'), { dryRun: true });
    const afterDry = await c.get({ ...RQ, name: 'objects' });
    assert.deepEqual((afterDry.status as { used: unknown }).used, { configmaps: '0' });
    await c.create(CM, cm('a'));
    await c.create(CM, cm('b'));
    const full = await c.get({ ...RQ, name: 'objects' });
    assert.deepEqual((full.status as { used: unknown }).used, { configmaps: '2' });
    await assert.rejects(c.create(CM, cm('c')), (e: unknown) => {
      assert.ok(e instanceof ApiStatusError);
      assert.equal(e.status.code, 403);
      assert.equal(e.status.message, 'configmaps "c" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=2, limited: configmaps=2');
      return true;
    });
  } finally {
    await srv.stop();
  }
});

test('concurrent creates never take more than the quota allows', async () => {
  const srv = await startTestApiServer();
  try {
    const c = srv.client;
    const RQ = { group: '', version: 'v1', resource: 'resourcequotas', namespace: 'default' };
    const CM = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' };
    await c.create(RQ, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'objects' }, spec: { hard: { 'count/configmaps': '3' } } });
    const q = await c.get({ ...RQ, name: 'objects' });
    await c.update({ ...RQ, name: 'objects', subresource: 'status' }, { ...q, status: { hard: { 'count/configmaps': '3' }, used: { 'count/configmaps': '0' } } });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => c.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm${i}` } })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
    const after = await c.get({ ...RQ, name: 'objects' });
    assert.deepEqual((after.status as { used: unknown }).used, { 'count/configmaps': '3' });
  } finally {
    await srv.stop();
  }
});
