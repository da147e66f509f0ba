import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { formatCpuNanoCores, formatGoDuration, formatMemoryBytes } from './quantity.js';
import { FakeMetricsSource } from './fake.js';
import { startMetricsTestApiServer, type MetricsTestApiServer } from './testing.js';
import { isStatus } from '../client/rest.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const NODES = { group: '', version: 'v1', resource: 'nodes' };
const PM = { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods' };
const NM = { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'nodes' };

test('cpu is formatted in canonical nanocore/millicore form as metrics-server serializes it', () => {
  assert.equal(formatCpuNanoCores(250_000_000), '250m');
  assert.equal(formatCpuNanoCores(1_500_000_000), '1500m');
  assert.equal(formatCpuNanoCores(2_000_000_000), '2');
  assert.equal(formatCpuNanoCores(123_456_789), '123456789n');
  assert.equal(formatCpuNanoCores(0), '0');
});

test('memory is formatted in canonical binary form', () => {
  assert.equal(formatMemoryBytes(4096), '4Ki');
  assert.equal(formatMemoryBytes(1_048_576), '1Mi');
  assert.equal(formatMemoryBytes(5 * 1024 + 1024 * 1024), '1029Ki');
  assert.equal(formatMemoryBytes(1000), '1000');
});

test('windows are formatted as Go durations', () => {
  assert.equal(formatGoDuration(15_000), '15s');
  assert.equal(formatGoDuration(10_500), '10.5s');
  assert.equal(formatGoDuration(90_000), '1m30s');
});

let srv: MetricsTestApiServer;
const source = new FakeMetricsSource(() => Date.parse('2025-01-01T00:00:00Z'));

before(async () => {
  srv = await startMetricsTestApiServer(source);
  const c = srv.client;
  for (const [name, app] of [
    ['web-1', 'web'],
    ['web-2', 'web'],
    ['db-1', 'db'],
  ] as const) {
    await c.create({ ...PODS, namespace: 'default' }, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app } }, spec: { containers: [{ name: 'main', image: 'nginx' }] } });
  }
  await c.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { zone: 'a' } } });
  source.setPod('default', 'web-1', [{ name: 'main', usage: { cpu: 250_000_000, memory: 64 * 1024 * 1024 } }]);
  source.setPod('default', 'db-1', [{ name: 'main', usage: { cpu: 1_000_000, memory: 4096 } }]);
  source.setNode('n1', { cpu: 1_250_000_000, memory: 2 * 1024 ** 3 });
});
after(async () => srv.stop());

test('discovery lists metrics.k8s.io/v1beta1 pods and nodes with only get and list', async () => {
  const list = await srv.client.json<{ resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[] }>('GET', '/apis/metrics.k8s.io/v1beta1');
  const byName = new Map(list.resources.map((r) => [r.name, r]));
  assert.deepEqual(byName.get('pods'), { ...byName.get('pods'), kind: 'PodMetrics', namespaced: true, verbs: ['get', 'list'] });
  assert.deepEqual(byName.get('nodes'), { ...byName.get('nodes'), kind: 'NodeMetrics', namespaced: false, verbs: ['get', 'list'] });
});

test('a PodMetrics get returns the pod usage per container with timestamp and window', async () => {
  const pm = (await srv.client.get({ ...PM, namespace: 'default', name: 'web-1' })) as unknown as Record<string, unknown> & { metadata: { labels?: Record<string, string> } };
  assert.equal(pm.kind, 'PodMetrics');
  assert.equal(pm.apiVersion, 'metrics.k8s.io/v1beta1');
  assert.deepEqual(pm.containers, [{ name: 'main', usage: { cpu: '250m', memory: '64Mi' } }]);
  assert.equal(pm.timestamp, '2025-01-01T00:00:00Z');
  assert.equal(pm.window, '15s');
  assert.deepEqual(pm.metadata.labels, { app: 'web' });
});

test('a PodMetrics list honours label selectors like pods do', async () => {
  const l = await srv.client.list({ ...PM, namespace: 'default' }, { labelSelector: 'app=web' });
  assert.deepEqual(l.items.map((i) => i.metadata.name).sort(), ['web-1', 'web-2']);
  const web2 = l.items.find((i) => i.metadata.name === 'web-2') as unknown as { containers: unknown[] };
  assert.deepEqual(web2.containers, [], 'a pod without a sample has no containers');
});

test('PodMetrics can be listed across all namespaces', async () => {
  const l = await srv.client.list(PM);
  assert.equal(l.items.length, 3);
});

test('a NodeMetrics get returns the node usage', async () => {
  const nm = (await srv.client.get({ ...NM, name: 'n1' })) as unknown as { kind: string; usage: unknown };
  assert.equal(nm.kind, 'NodeMetrics');
  assert.deepEqual(nm.usage, { cpu: '1250m', memory: '2Gi' });
});

test('writes and watches on metrics resources are refused with 405', async () => {
  await assert.rejects(srv.client.create({ ...PM, namespace: 'default' }, { apiVersion: 'metrics.k8s.io/v1beta1', kind: 'PodMetrics', metadata: { name: 'x' } }), (e) => isStatus(e, 405));
  await assert.rejects(srv.client.json('GET', '/apis/metrics.k8s.io/v1beta1/nodes?watch=true'), (e) => isStatus(e, 405));
});

test('a PodMetrics of a missing pod is NotFound', async () => {
  await assert.rejects(srv.client.get({ ...PM, namespace: 'default', name: 'nope' }), (e) => isStatus(e, 404));
});
