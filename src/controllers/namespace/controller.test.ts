import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isStatus } from '../../client/rest.js';
import { eventually, startTestApiServer, type TestApiServer } from '../../client/test-apiserver.js';
import { startNamespaceController, type NamespaceController } from './controller.js';

let srv: TestApiServer;
let nc: NamespaceController;
before(async () => {
  srv = await startTestApiServer();
  nc = await startNamespaceController({ client: srv.newClient() });
});
after(async () => {
  await nc.stop();
  await srv.stop();
});

const NS = { group: '', version: 'v1', resource: 'namespaces' };

test('deleting a namespace removes its content and then the namespace', async () => {
  await srv.client.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
  await srv.client.create({ group: '', version: 'v1', resource: 'configmaps', namespace: 'doomed' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
  await srv.client.create({ group: '', version: 'v1', resource: 'secrets', namespace: 'doomed' }, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } });
  await srv.client.delete({ ...NS, name: 'doomed' });
  await eventually(async () => {
    try {
      await srv.client.get({ ...NS, name: 'doomed' });
      return false;
    } catch (e) {
      return isStatus(e, 404);
    }
  }, 'namespace doomed to be gone');
  const left = await srv.client.list({ group: '', version: 'v1', resource: 'configmaps', namespace: 'doomed' });
  assert.equal(left.items.length, 0);
});

test('content held by a finalizer keeps the namespace Terminating with upstream conditions', async () => {
  await srv.client.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'held' } });
  const cms = { group: '', version: 'v1', resource: 'configmaps', namespace: 'held' };
  await srv.client.create(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stuck', finalizers: ['example.com/hold'] } });
  await srv.client.delete({ ...NS, name: 'held' });
  type Cond = { type: string; status: string; reason: string; message: string };
  const cond = async (type: string) => ((await srv.client.get({ ...NS, name: 'held' })).status as { conditions?: Cond[] }).conditions?.find((c) => c.type === type);
  await eventually(async () => (await cond('NamespaceFinalizersRemaining'))?.status === 'True', 'finalizer condition');
  const fin = await cond('NamespaceFinalizersRemaining');
  assert.equal(fin?.reason, 'SomeFinalizersRemain');
  assert.equal(fin?.message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
  const rem = await cond('NamespaceContentRemaining');
  assert.equal(rem?.message, 'Some resources are remaining: configmaps has 1 resource instances');
  assert.equal((await cond('NamespaceDeletionDiscoveryFailure'))?.reason, 'ResourcesDiscovered');
  await srv.client.patch({ ...cms, name: 'stuck' }, 'merge', { metadata: { finalizers: null } });
  await eventually(async () => {
    try {
      await srv.client.get({ ...NS, name: 'held' });
      return false;
    } catch (e) {
      return isStatus(e, 404);
    }
  }, 'namespace held to be gone once its content is');
});
