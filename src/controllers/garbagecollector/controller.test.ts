import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { isStatus, type ResourceRef } from '../../client/rest.js';
import { eventually, startTestApiServer, type TestApiServer } from '../../client/test-apiserver.js';
import { startGarbageCollector, type GarbageCollector } from './controller.js';

let srv: TestApiServer;
let gc: GarbageCollector;
before(async () => {
  srv = await startTestApiServer();
  gc = await startGarbageCollector({ client: srv.newClient() });
});
after(async () => {
  await gc.stop();
  await srv.stop();
});

const cms = (name?: string): ResourceRef => ({ group: '', version: 'v1', resource: 'configmaps', namespace: 'default', name });
async function cm(name: string, owner?: KubeObject, block = false): Promise<KubeObject> {
  const ownerReferences = owner ? [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name!, uid: owner.metadata.uid!, ...(block ? { blockOwnerDeletion: true } : {}) }] : undefined;
  return srv.client.create(cms(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(ownerReferences ? { ownerReferences } : {}) } });
}
async function gone(name: string): Promise<boolean> {
  try {
    await srv.client.get(cms(name));
    return false;
  } catch (e) {
    return isStatus(e, 404);
  }
}

test('a dependent is deleted in the background after its owner is deleted', async () => {
  const owner = await cm('bg-owner');
  await cm('bg-dep', owner);
  await srv.client.delete(cms('bg-owner'));
  await eventually(() => gone('bg-dep'), 'bg-dep to be collected');
});

test('a dependent whose owner reference names a missing uid is collected', async () => {
  await cm('dangling', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'never', uid: '00000000-0000-0000-0000-000000000000' } });
  await eventually(() => gone('dangling'), 'dangling to be collected');
});

test('a dependent with one live owner left only loses the reference to the deleted one', async () => {
  const a = await cm('two-a');
  const b = await cm('two-b');
  const dep = await srv.client.create(cms(), {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'two-dep', ownerReferences: [a, b].map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name!, uid: o.metadata.uid! })) },
  });
  assert.equal(dep.metadata.ownerReferences?.length, 2);
  await srv.client.delete(cms('two-a'));
  await eventually(async () => (await srv.client.get(cms('two-dep'))).metadata.ownerReferences?.length === 1, 'the dangling reference to be removed');
  assert.equal((await srv.client.get(cms('two-dep'))).metadata.ownerReferences?.[0]?.uid, b.metadata.uid);
});

test('foreground deletion deletes blocking dependents first, then the owner', async () => {
  const owner = await cm('fg-owner');
  await cm('fg-dep', owner, true);
  await srv.client.delete(cms('fg-owner'), { propagationPolicy: 'Foreground' });
  const during = await srv.client.get(cms('fg-owner')).catch(() => undefined);
  if (during) assert.ok(during.metadata.finalizers?.includes('foregroundDeletion'));
  await eventually(async () => (await gone('fg-dep')) && (await gone('fg-owner')), 'dependent and owner to be gone');
});

test('foreground deletion of an object without dependents completes', async () => {
  await cm('fg-alone');
  await srv.client.delete(cms('fg-alone'), { propagationPolicy: 'Foreground' });
  await eventually(() => gone('fg-alone'), 'fg-alone to be gone');
});

test('orphan deletion removes the owner and keeps the dependent without its reference', async () => {
  const owner = await cm('or-owner');
  await cm('or-dep', owner);
  await srv.client.delete(cms('or-owner'), { propagationPolicy: 'Orphan' });
  await eventually(() => gone('or-owner'), 'or-owner to be gone');
  const dep = await srv.client.get(cms('or-dep'));
  assert.equal(dep.metadata.ownerReferences, undefined);
});
