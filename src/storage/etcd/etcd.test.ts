/**
 * Runs the shared Store conformance suite against a real etcd started for this file. Each test
 * gets its own key prefix on the one etcd, so tests are isolated without restarting it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { runStoreConformance } from '../conformance.js';
import { prefixEnd } from './codec.js';
import { Etcd3 } from 'etcd3';
import { StorageError } from '../store.js';
import { openEtcdWatch } from './events.js';
import { EtcdStore } from './index.js';
import { startEtcd, type EtcdTestServer } from './testserver.js';

const WATCH_BUFFER = 500;

let server: EtcdTestServer | undefined;

before(async () => {
  // no skip when /usr/bin/etcd is missing: startEtcd throws and the whole file fails
  server = await startEtcd();
});

after(async () => {
  await server?.stop();
});

function endpoint(): string {
  assert.ok(server, 'etcd did not start');
  return server.endpoint;
}

runStoreConformance(
  'etcd',
  async () => {
    const store = await EtcdStore.connect([endpoint()], {
      prefix: `/kubeling-test-${randomUUID()}`,
      watchBufferSize: WATCH_BUFFER,
    });
    return { store, cleanup: () => store.close() };
  },
  { watchBufferSize: WATCH_BUFFER },
);

describe('etcd specifics', () => {
  it('accepts endpoints with or without an http:// scheme', async () => {
    for (const ep of [endpoint(), `http://${endpoint()}`]) {
      const store = await EtcdStore.connect([ep], { prefix: `/kubeling-test-${randomUUID()}` });
      try {
        assert.ok((await store.currentRevision()) > 0);
      } finally {
        await store.close();
      }
    }
  });

  it('serves a watch from before the shared watch started through its own etcd watch', async () => {
    const prefix = `/kubeling-test-${randomUUID()}`;
    const writer = await EtcdStore.connect([endpoint()], { prefix });
    const from = await writer.currentRevision();
    const created = await writer.create('/core/configmaps/default/a', { metadata: { name: 'a' } });
    // a second store (another API server) starts its shared watch after the write
    const reader = await EtcdStore.connect([endpoint()], { prefix });
    const w = reader.watch('/core/configmaps/default/', { resourceVersion: from });
    try {
      const it = w[Symbol.asyncIterator]();
      const first = await it.next();
      assert.equal(first.done, false);
      assert.equal(first.value?.type, 'ADDED');
      assert.equal(first.value?.revision, Number(created.metadata.resourceVersion));
    } finally {
      w.stop();
      await reader.close();
      await writer.close();
    }
  });

  it('sees writes made through another store sharing the etcd', async () => {
    const prefix = `/kubeling-test-${randomUUID()}`;
    const a = await EtcdStore.connect([endpoint()], { prefix });
    const b = await EtcdStore.connect([endpoint()], { prefix });
    const w = b.watch('/core/pods/', { resourceVersion: await b.currentRevision() });
    try {
      const it = w[Symbol.asyncIterator]();
      const next = it.next();
      await a.create('/core/pods/default/p', { metadata: { name: 'p' } });
      const ev = await next;
      assert.equal(ev.value?.object.metadata.name, 'p');
      assert.deepEqual(await b.get('/core/pods/default/p'), await a.get('/core/pods/default/p'));
    } finally {
      w.stop();
      await a.close();
      await b.close();
    }
  });

  it('reports Gone when etcd cancels a watch whose start revision was compacted', async () => {
    const prefix = `/kubeling-test-${randomUUID()}`;
    const store = await EtcdStore.connect([endpoint()], { prefix });
    const client = new Etcd3({ hosts: `http://${endpoint()}` });
    try {
      const from = await store.currentRevision();
      await store.create('/core/configmaps/default/a', { metadata: { name: 'a' } });
      await store.guaranteedUpdate('/core/configmaps/default/a', (c) => ({ ...c!, data: { k: '1' } }));
      await store.compact(await store.currentRevision());
      const err = await new Promise<StorageError>((resolve, reject) => {
        openEtcdWatch(client, prefix, `${prefix}/`, true, from, {
          onEvents: () => reject(new Error('expected no events from a compacted revision')),
          onError: resolve,
        }).catch(reject);
      });
      assert.equal(err.code, 'Gone');
    } finally {
      client.close();
      await store.close();
    }
  });

  it('computes the etcd range end of a prefix', () => {
    assert.equal(prefixEnd(Buffer.from('/a/')).toString(), '/a0');
    assert.deepEqual(prefixEnd(Buffer.from([0x61, 0xff])), Buffer.from([0x62]));
  });
});
