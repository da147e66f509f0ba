import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import { runStoreConformance } from '../conformance.js';
import { StorageError } from '../store.js';
import { SqliteStore } from './index.js';

async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeling-sqlite-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

function cm(name: string, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: `uid-${name}` }, data };
}

runStoreConformance(
  'SqliteStore',
  async () => {
    const { dir, cleanup } = await tempDir();
    // NORMAL keeps the suite fast on slow disks; durability mode does not change semantics.
    const store = await SqliteStore.open(join(dir, 'state.db'), { watchBufferSize: 100, synchronous: 'NORMAL' });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await cleanup();
      },
    };
  },
  { watchBufferSize: 100 },
);

describe('SqliteStore persistence', () => {
  it('keeps objects, resourceVersions and the revision counter across a reopen', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const path = join(dir, 'state.db');
      let s = await SqliteStore.open(path);
      const a = await s.create('/core/configmaps/default/a', cm('a', { v: '1' }));
      const b = await s.create('/core/configmaps/default/b', cm('b'));
      await s.delete('/core/configmaps/default/b');
      const before = await s.currentRevision();
      await s.compact(before); // compaction removes the newest (tombstone) row: the counter must not go back
      await s.close();

      s = await SqliteStore.open(path);
      assert.equal(await s.currentRevision(), before);
      assert.equal(await s.compactedRevision(), before);
      assert.deepEqual(await s.get('/core/configmaps/default/a'), a);
      assert.equal(await s.get('/core/configmaps/default/b'), undefined);
      const c = await s.create('/core/configmaps/default/c', cm('c'));
      assert.ok(Number(c.metadata.resourceVersion) > before);
      assert.ok(Number(c.metadata.resourceVersion) > Number(b.metadata.resourceVersion));
      await s.close();
    } finally {
      await cleanup();
    }
  });
});

describe('SqliteStore history after restart', () => {
  it('replays a watch from a revision written before the reopen', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const path = join(dir, 'state.db');
      let s = await SqliteStore.open(path);
      const seed = await s.create('/core/configmaps/default/seed', cm('seed'));
      await s.create('/core/configmaps/default/a', cm('a'));
      await s.guaranteedUpdate('/core/configmaps/default/a', (c) => ({ ...c!, data: { v: '2' } }));
      await s.delete('/core/configmaps/default/a');
      await s.close();

      s = await SqliteStore.open(path);
      const w = s.watch('/core/configmaps/default/', { resourceVersion: Number(seed.metadata.resourceVersion) });
      const seen: string[] = [];
      for await (const ev of w) {
        seen.push(`${ev.type} ${ev.object.metadata.name} prev=${ev.prevObject ? 'yes' : 'no'}`);
        if (seen.length === 3) break;
      }
      assert.deepEqual(seen, ['ADDED a prev=no', 'MODIFIED a prev=yes', 'DELETED a prev=yes']);
      await s.close();
    } finally {
      await cleanup();
    }
  });
});

describe('SqliteStore write batching', () => {
  it('commits 100 concurrent creates with duplicates and fails exactly the duplicates with KeyExists', async () => {
    const { dir, cleanup } = await tempDir();
    const s = await SqliteStore.open(join(dir, 'state.db'));
    try {
      const names = Array.from({ length: 100 }, (_, i) => `o${i % 70}`); // o0..o29 appear twice
      const results = await Promise.allSettled(names.map((n) => s.create(`/core/configmaps/default/${n}`, cm(n))));
      const failed = results.filter((r) => r.status === 'rejected');
      assert.equal(failed.length, 30);
      for (const f of failed) {
        const e = f.reason as unknown;
        assert.ok(e instanceof StorageError && e.code === 'KeyExists');
      }
      const ok = results.filter((r): r is PromiseFulfilledResult<KubeObject> => r.status === 'fulfilled');
      const revs = ok.map((r) => Number(r.value.metadata.resourceVersion));
      assert.equal(new Set(revs).size, 70, 'every successful create has its own revision');
      assert.equal(Math.max(...revs), await s.currentRevision());
      assert.equal((await s.list('/core/configmaps/default/')).items.length, 70);
      // The first occurrence wins, as if the calls had been committed one by one in call order.
      for (let i = 0; i < 30; i++) assert.equal(results[i]?.status, 'fulfilled');
    } finally {
      await s.close();
      await cleanup();
    }
  });

  it('delivers one watch event per committed write of a batch, in revision order', async () => {
    const s = await SqliteStore.open(':memory:');
    try {
      const w = s.watch('/core/configmaps/default/');
      await Promise.all(Array.from({ length: 50 }, (_, i) => s.create(`/core/configmaps/default/o${i}`, cm(`o${i}`))));
      const revs: number[] = [];
      for await (const ev of w) {
        revs.push(ev.revision);
        if (revs.length === 50) break;
      }
      assert.deepEqual(revs, [...revs].sort((x, y) => x - y));
      assert.equal(new Set(revs).size, 50);
    } finally {
      await s.close();
    }
  });
});
