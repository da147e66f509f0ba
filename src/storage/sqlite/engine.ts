/**
 * The sqlite LogEngine, kine-style: table `log` is the history (id = revision), table `current`
 * maps each live key to its newest revision so get and list-at-now are index lookups.
 *
 * Durability: WAL with synchronous=FULL by default, so an acknowledged write survives a power
 * loss as an etcd write does (etcd fsyncs before answering); batching keeps that cheap because
 * one fsync covers a whole batch. synchronous=NORMAL (option) survives process crashes only.
 */
import Database from 'libsql';
import type { LogChange, LogEngine, LogRow, KeyValue } from '../engine.js';
import type { KeyRange } from '../keys.js';

/** Options of the sqlite engine. */
export interface SqliteEngineOptions {
  /** fsync policy of WAL commits; default FULL */
  synchronous?: 'FULL' | 'NORMAL';
}

type Row = unknown[];
type Stmt = Database.Statement<unknown[]>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  prev_revision INTEGER NOT NULL DEFAULT 0,
  value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS log_key_id ON log (key, id);
CREATE TABLE IF NOT EXISTS current (key TEXT PRIMARY KEY, revision INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

/** A LogEngine on one sqlite file (one connection, the only writer). */
export class SqliteEngine implements LogEngine {
  private readonly db: Database.Database;
  private readonly s: Record<string, Stmt>;
  private open = true;

  constructor(path: string, opts: SqliteEngineOptions = {}) {
    this.db = new Database(path);
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec(`PRAGMA synchronous = ${opts.synchronous ?? 'FULL'}`);
    this.db.exec('PRAGMA busy_timeout = 5000'); // a backup tool holding a read lock must not fail writes at once
    this.db.exec('PRAGMA temp_store = MEMORY');
    this.db.exec('PRAGMA cache_size = -65536'); // 64 MiB page cache: list/get hot paths stay in memory
    this.db.exec(SCHEMA);
    const p = (sql: string): Stmt => {
      const st = this.db.prepare<unknown[]>(sql);
      return st.reader ? st.raw() : st; // raw (array) rows: no per-row object allocation
    };
    const at = `SELECT l.key, l.id, l.value FROM (SELECT key, MAX(id) AS id FROM log WHERE key >= ? AND key < ? AND id <= ? GROUP BY key) m JOIN log l ON l.id = m.id WHERE l.deleted = 0 ORDER BY l.key`;
    this.s = {
      get: p('SELECT c.revision, l.value FROM current c JOIN log l ON l.id = c.revision WHERE c.key = ?'),
      scanNow: p('SELECT c.key, c.revision, l.value FROM current c JOIN log l ON l.id = c.revision WHERE c.key >= ? AND c.key < ? ORDER BY c.key LIMIT ?'),
      scanAt: p(`${at} LIMIT ?`),
      countNow: p('SELECT COUNT(*) FROM current WHERE key >= ? AND key < ?'),
      countAt: p(`SELECT COUNT(*) FROM (${at})`),
      changes: p(
        'SELECT l.id, l.key, l.deleted, l.prev_revision, l.value, p.value FROM log l LEFT JOIN log p ON p.id = l.prev_revision AND l.prev_revision > 0 ' +
          'WHERE l.id > ? AND l.id <= ? AND l.key >= ? AND l.key < ? ORDER BY l.id',
      ),
      insert: p('INSERT INTO log (id, key, deleted, prev_revision, value) VALUES (?, ?, ?, ?, ?)'),
      upsertCurrent: p('INSERT INTO current (key, revision) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET revision = excluded.revision'),
      deleteCurrent: p('DELETE FROM current WHERE key = ?'),
      maxId: p('SELECT MAX(id) FROM log'),
      seq: p("SELECT seq FROM sqlite_sequence WHERE name = 'log'"),
      meta: p('SELECT value FROM meta WHERE name = ?'),
      setMeta: p('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
      // kine's compaction: drop superseded rows and tombstones at or below the revision.
      compact: p('DELETE FROM log WHERE id <= ?1 AND (deleted = 1 OR id < (SELECT MAX(m.id) FROM log m WHERE m.key = log.key AND m.id <= ?1))'),
      historyRows: p('SELECT COUNT(*) FROM log'),
    };
  }

  readRevision(): number {
    const max = num(this.s.maxId!.get());
    const seq = num(this.s.seq!.get());
    return Math.max(max, seq, this.readCompacted());
  }

  readCompacted(): number {
    return num(this.s.meta!.get('compacted'));
  }

  get(key: string): KeyValue | undefined {
    const r = this.s.get!.get(key) as Row | undefined;
    return r ? { key, revision: r[0] as number, value: r[1] as string } : undefined;
  }

  scan(range: KeyRange, atRevision: number | undefined, limit: number | undefined): KeyValue[] {
    const lim = limit ?? -1;
    const rows = (atRevision === undefined ? this.s.scanNow!.all(range.from, range.to, lim) : this.s.scanAt!.all(range.from, range.to, atRevision, lim)) as Row[];
    return rows.map((r) => ({ key: r[0] as string, revision: r[1] as number, value: r[2] as string }));
  }

  count(range: KeyRange, atRevision: number | undefined): number {
    return num(atRevision === undefined ? this.s.countNow!.get(range.from, range.to) : this.s.countAt!.get(range.from, range.to, atRevision));
  }

  changes(range: KeyRange, after: number, upTo: number): LogChange[] {
    const rows = this.s.changes!.all(after, upTo, range.from, range.to) as Row[];
    return rows.map((r) => {
      const c: LogChange = { revision: r[0] as number, key: r[1] as string, deleted: r[2] === 1, prevRevision: r[3] as number, value: r[4] as string };
      if (typeof r[5] === 'string') c.prevValue = r[5];
      return c;
    });
  }

  transaction(fn: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      fn();
      this.db.exec('COMMIT');
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw e;
    }
  }

  append(row: LogRow): void {
    this.s.insert!.run(row.revision, row.key, row.deleted ? 1 : 0, row.prevRevision, row.value);
    if (row.deleted) this.s.deleteCurrent!.run(row.key);
    else this.s.upsertCurrent!.run(row.key, row.revision);
  }

  compact(revision: number): void {
    this.transaction(() => {
      this.s.compact!.run(revision);
      this.s.setMeta!.run('compacted', revision);
    });
  }

  historyRows(): number {
    return num(this.s.historyRows!.get());
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.db.close();
  }
}

function num(r: unknown): number {
  const v = Array.isArray(r) ? (r[0] as unknown) : undefined;
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0;
}
