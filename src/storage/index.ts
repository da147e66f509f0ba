/**
 * Backend selection for `kubeling up --store`: sqlite (default, embedded), memory (tests) or
 * an external etcd cluster. Callers only ever see the Store interface.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MemoryStore } from './memory/index.js';
import { SqliteStore } from './sqlite/index.js';
import type { Store } from './store.js';

export { StorageError } from './store.js';
export type * from './store.js';
export { MemoryStore } from './memory/index.js';
export { SqliteStore } from './sqlite/index.js';
export { startCompactor } from './compactor.js';
export type { CompactorOptions } from './compactor.js';

const ACCEPTED = `accepted forms: "sqlite" (<data-dir>/state.db), "sqlite://<path>", "memory" or "memory://", "etcd://host:port[,host:port...]"`;

/** Opens the store named by spec; relative sqlite paths resolve against the working directory. */
export async function openStore(spec: string, opts: { dataDir: string }): Promise<Store> {
  const s = spec.trim();
  if (s === 'sqlite' || s === 'sqlite://' || s === '') {
    await mkdir(opts.dataDir, { recursive: true });
    return SqliteStore.open(join(opts.dataDir, 'state.db'));
  }
  if (s.startsWith('sqlite://')) {
    const path = resolve(s.slice('sqlite://'.length));
    await mkdir(join(path, '..'), { recursive: true });
    return SqliteStore.open(path);
  }
  if (s === 'memory' || s === 'memory://') return new MemoryStore();
  if (s.startsWith('etcd://')) {
    const endpoints = s
      .slice('etcd://'.length)
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e.length > 0);
    if (endpoints.length === 0) throw new Error(`--store ${spec}: no etcd endpoints given; ${ACCEPTED}`);
    const bad = endpoints.find((e) => !/^[^\s/:]+:\d+$/.test(e) && !/^\[[0-9a-fA-F:]+\]:\d+$/.test(e));
    if (bad) throw new Error(`--store ${spec}: etcd endpoint "${bad}" is not host:port; ${ACCEPTED}`);
    // Dynamic import through a variable: the etcd client is only loaded when asked for, and
    // this module does not depend on the etcd backend at compile time.
    const etcdModule = './etcd/index.js';
    const mod = (await import(etcdModule)) as { EtcdStore: { connect(e: string[]): Promise<Store> } };
    return mod.EtcdStore.connect(endpoints);
  }
  throw new Error(`unknown store "${spec}"; ${ACCEPTED}`);
}
