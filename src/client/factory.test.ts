import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { SharedInformerFactory } from './factory.js';
import { eventually, startTestApiServer, type TestApiServer } from './test-apiserver.js';

let srv: TestApiServer;
before(async () => {
  srv = await startTestApiServer();
});
after(async () => {
  await srv.stop();
});

const configmaps = { group: '', version: 'v1', resource: 'configmaps' };
const byData = (o: KubeObject): string[] => Object.keys((o.data as Record<string, string> | undefined) ?? {});

test('two users of one resource share one informer, and a late indexer files cached objects', async () => {
  await srv.client.create({ ...configmaps, namespace: 'default' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared-a' }, data: { colour: 'red' } });
  const f = new SharedInformerFactory({ client: srv.client });
  const first = f.informerFor(configmaps);
  const second = f.informerFor(configmaps);
  assert.equal(first, second);
  f.start();
  await f.waitForSync();
  assert.ok(first.get('default/shared-a'));
  f.informerFor(configmaps, { byData });
  assert.deepEqual(first.byIndex('byData', 'colour').map((o) => o.metadata.name), ['shared-a']);
  assert.throws(() => first.addIndexer('byData', () => []), /index "byData" already exists/);
  await f.stop();
});

test('an informer asked for after start() starts at once', async () => {
  const f = new SharedInformerFactory({ client: srv.client });
  f.start();
  const leases = f.informerFor({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases' });
  await srv.client.create({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'default' }, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'late' }, spec: {} });
  await eventually(() => leases.get('default/late') !== undefined, 'the late informer to see the lease');
  await f.stop();
});
