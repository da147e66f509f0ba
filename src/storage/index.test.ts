import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from './index.js';
import { MemoryStore } from './memory/index.js';
import { SqliteStore } from './sqlite/index.js';

describe('openStore', () => {
  it('opens sqlite at <dataDir>/state.db for "sqlite"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeling-open-'));
    try {
      const s = await openStore('sqlite', { dataDir: join(dir, 'nested') });
      assert.ok(s instanceof SqliteStore);
      await s.close();
      assert.ok(existsSync(join(dir, 'nested', 'state.db')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('opens sqlite at an explicit path for "sqlite://<path>"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeling-open-'));
    try {
      const s = await openStore(`sqlite://${join(dir, 'x.db')}`, { dataDir: '/nonexistent' });
      await s.close();
      assert.ok(existsSync(join(dir, 'x.db')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('opens a MemoryStore for "memory" and "memory://"', async () => {
    for (const spec of ['memory', 'memory://']) {
      const s = await openStore(spec, { dataDir: '/nonexistent' });
      assert.ok(s instanceof MemoryStore);
      await s.close();
    }
  });

  it('rejects an unknown scheme with the accepted forms', async () => {
    await assert.rejects(openStore('redis://x', { dataDir: '/tmp' }), /unknown store "redis:\/\/x".*sqlite.*memory.*etcd:\/\/host:port/);
  });

  it('rejects an etcd spec without valid endpoints', async () => {
    await assert.rejects(openStore('etcd://', { dataDir: '/tmp' }), /no etcd endpoints/);
    await assert.rejects(openStore('etcd://http://x:2379', { dataDir: '/tmp' }), /not host:port/);
  });
});
