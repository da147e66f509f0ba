import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { Informer, ownerUidIndex } from './informer.js';
import type { ResourceRef } from './rest.js';
import { eventually, startTestApiServer, type TestApiServer } from './test-apiserver.js';

let srv: TestApiServer;
before(async () => {
  srv = await startTestApiServer();
});
after(async () => {
  await srv.stop();
});

const cms = (namespace = 'default', name?: string): ResourceRef => ({ group: '', version: 'v1', resource: 'configmaps', namespace, name });
const cm = (name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra } });

function recorder(inf: Informer): { adds: string[]; updates: string[]; deletes: string[] } {
  const r = { adds: [] as string[], updates: [] as string[], deletes: [] as string[] };
  inf.addHandlers({
    onAdd: (o) => r.adds.push(o.metadata.name!),
    onUpdate: (_o, n) => r.updates.push(n.metadata.name!),
    onDelete: (o) => r.deletes.push(o.metadata.name!),
  });
  return r;
}

test('an informer lists, syncs and then follows adds, updates and deletes', async () => {
  await srv.client.create(cms('default'), cm('before'));
  const inf = new Informer({ client: srv.client, resource: cms('default') });
  const r = recorder(inf);
  inf.start();
  await inf.waitForSync();
  assert.ok(inf.hasSynced());
  assert.ok(inf.get('default/before'));
  await srv.client.create(cms('default'), cm('after'));
  await srv.client.patch(cms('default', 'before'), 'merge', { data: { x: '1' } });
  await srv.client.delete(cms('default', 'after'));
  await eventually(() => r.deletes.includes('after'), 'delete of "after"');
  assert.ok(r.adds.includes('before') && r.adds.includes('after'));
  assert.ok(r.updates.includes('before'));
  assert.equal(inf.get('default/after'), undefined);
  await inf.stop();
});

test('the owner-uid indexer finds dependents by their owner\'s uid', async () => {
  await srv.client.create({ group: '', version: 'v1', resource: 'namespaces' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'idx' } });
  const owner = await srv.client.create(cms('idx'), cm('owner'));
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid! };
  await srv.client.create(cms('idx'), cm('dep', { ownerReferences: [ref] }));
  const inf = new Informer({ client: srv.client, resource: cms('idx'), indexers: { owner: ownerUidIndex } });
  inf.start();
  await inf.waitForSync();
  assert.deepEqual(inf.byIndex('owner', owner.metadata.uid!).map((o) => o.metadata.name), ['dep']);
  await inf.stop();
});

test('resuming after the store was compacted relists and emits the differences', async () => {
  await srv.client.create({ group: '', version: 'v1', resource: 'namespaces' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone' } });
  await srv.client.create(cms('gone'), cm('stays'));
  await srv.client.create(cms('gone'), cm('removed'));
  const inf = new Informer({ client: srv.client, resource: cms('gone') });
  const r = recorder(inf);
  inf.start();
  await inf.waitForSync();
  const lists = inf.listCount;
  await inf.stop();
  // While stopped: one object removed, one added, one changed; then history is compacted away.
  await srv.client.delete(cms('gone', 'removed'));
  await srv.client.create(cms('gone'), cm('new'));
  await srv.client.patch(cms('gone', 'stays'), 'merge', { data: { v: '2' } });
  await srv.store.compact(await srv.store.currentRevision());
  inf.start();
  await eventually(() => inf.listCount > lists, 'a relist after 410 Gone');
  await eventually(() => r.deletes.includes('removed') && r.adds.includes('new') && r.updates.includes('stays'), 'the differences to be emitted');
  assert.deepEqual(inf.list().map((o) => o.metadata.name).sort(), ['new', 'stays']);
  await inf.stop();
});
