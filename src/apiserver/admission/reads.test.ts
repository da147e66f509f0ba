import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/index.js';
import { builtinResources } from '../../api/registry/index.js';
import { ResourceTable } from '../resources.js';
import { eventually } from '../../client/test-apiserver.js';
import { AdmissionReads } from './reads.js';

const lr = (ns: string, name: string) => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { namespace: ns, name }, spec: { limits: [] } });

test('the mirrors follow creates and deletes, list by namespace, and hand out copies', async () => {
  const store = new MemoryStore();
  await store.create('/core/limitranges/a/one', lr('a', 'one'));
  const reads = new AdmissionReads(store, new ResourceTable(builtinResources));
  await reads.start();
  try {
    assert.deepEqual(reads.list('', 'limitranges', 'a')?.map((o) => o.metadata.name), ['one']);
    await store.create('/core/limitranges/b/two', lr('b', 'two'));
    await eventually(() => reads.get('', 'limitranges', 'b', 'two') !== undefined, 'the new LimitRange in the mirror');
    assert.deepEqual(reads.list('', 'limitranges', 'a')?.map((o) => o.metadata.name), ['one'], 'another namespace is not listed');
    reads.get('', 'limitranges', 'a', 'one')!.metadata.labels = { changed: 'yes' };
    assert.equal(reads.get('', 'limitranges', 'a', 'one')?.metadata.labels, undefined, 'a caller changing its copy changes nothing');
    await store.delete('/core/limitranges/a/one');
    await eventually(() => reads.get('', 'limitranges', 'a', 'one') === undefined, 'the deleted LimitRange gone from the mirror');
  } finally {
    reads.stop();
  }
});

test('a resource that is not mirrored answers undefined, so callers read storage', async () => {
  const reads = new AdmissionReads(new MemoryStore(), new ResourceTable(builtinResources));
  await reads.start();
  try {
    assert.equal(reads.list('', 'pods'), undefined);
    assert.equal(reads.get('', 'pods', 'default', 'x'), undefined);
  } finally {
    reads.stop();
  }
});
