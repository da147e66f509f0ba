/**
 * The default backend: one embedded sqlite file. Concurrent writes are batched into one
 * transaction per event-loop turn (see LogStore), per-call errors are preserved, and the revision
 * counter survives restarts (AUTOINCREMENT never reuses an id, even after compaction).
 */
import { LogStore } from '../logstore.js';
import type { LogStoreOptions } from '../logstore.js';
import { SqliteEngine } from './engine.js';
import type { SqliteEngineOptions } from './engine.js';

export { SqliteEngine } from './engine.js';
export type { SqliteEngineOptions } from './engine.js';

/** Options of SqliteStore.open. */
export type SqliteStoreOptions = Omit<LogStoreOptions, 'batchWrites'> & SqliteEngineOptions & { batchWrites?: boolean };

/** A Store on a sqlite file (kine-style log). */
export class SqliteStore extends LogStore {
  private constructor(engine: SqliteEngine, opts: LogStoreOptions) {
    super(engine, opts);
  }

  /** Opens (creating if needed) the database at path; ':memory:' works for tests. */
  static open(path: string, opts: SqliteStoreOptions = {}): Promise<SqliteStore> {
    const engine = new SqliteEngine(path, { synchronous: opts.synchronous });
    return Promise.resolve(new SqliteStore(engine, { ...opts, batchWrites: opts.batchWrites ?? true }));
  }
}
