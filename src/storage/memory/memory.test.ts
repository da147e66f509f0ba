import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runStoreConformance } from '../conformance.js';
import { INITIAL_EVENTS_END_ANNOTATION } from '../logstore.js';
import { MemoryStore } from './index.js';

runStoreConformance(
  'MemoryStore',
  () => {
    const store = new MemoryStore({ watchBufferSize: 100 });
    return Promise.resolve({ store, cleanup: () => store.close() });
  },
  { watchBufferSize: 100 },
);

describe('LogStore initial events', () => {
  it('ends initialEvents with a BOOKMARK annotated k8s.io/initial-events-end when bookmarks are on', async () => {
    const store = new MemoryStore();
    await store.create('/core/configmaps/default/a', { metadata: { name: 'a', namespace: 'default' } });
    const w = store.watch('/core/configmaps/default/', { initialEvents: true, bookmarks: true });
    const it = w[Symbol.asyncIterator]();
    assert.equal((await it.next()).value?.type, 'ADDED');
    const end = (await it.next()).value;
    assert.equal(end?.type, 'BOOKMARK');
    assert.equal(end?.object.metadata.annotations?.[INITIAL_EVENTS_END_ANNOTATION], 'true');
    assert.equal(end?.object.metadata.resourceVersion, String(await store.currentRevision()));
    w.stop();
    await store.close();
  });
});
