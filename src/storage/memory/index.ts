/**
 * The in-memory backend (tests, `--store memory://`): the same log model as sqlite, kept in
 * arrays. Values are stored as JSON text so every read hands out a private copy, as a real
 * backend's decode does.
 */
import type { LogChange, LogEngine, LogRow, KeyValue } from '../engine.js';
import type { KeyRange } from '../keys.js';
import { LogStore } from '../logstore.js';
import type { LogStoreOptions } from '../logstore.js';

/** The log, indexed by key (sorted) and by revision. */
export class MemoryEngine implements LogEngine {
  /** every stored row, ascending revision */
  private log: LogRow[] = [];
  /** rows of each key, ascending revision */
  private readonly byKey = new Map<string, LogRow[]>();
  /** keys that have rows, sorted (code-unit order, as the sqlite BINARY collation for ASCII keys) */
  private keys: string[] = [];
  private revision = 0;
  private compacted = 0;

  readRevision(): number {
    return this.revision;
  }

  readCompacted(): number {
    return this.compacted;
  }

  get(key: string): KeyValue | undefined {
    const rows = this.byKey.get(key);
    const last = rows?.[rows.length - 1];
    return last && !last.deleted ? { key, revision: last.revision, value: last.value } : undefined;
  }

  scan(range: KeyRange, atRevision: number | undefined, limit: number | undefined): KeyValue[] {
    const out: KeyValue[] = [];
    for (let i = lowerBound(this.keys, range.from); i < this.keys.length; i++) {
      if (limit !== undefined && out.length >= limit) break;
      const key = this.keys[i]!;
      if (key >= range.to) break;
      const row = rowAt(this.byKey.get(key)!, atRevision);
      if (row && !row.deleted) out.push({ key, revision: row.revision, value: row.value });
    }
    return out;
  }

  count(range: KeyRange, atRevision: number | undefined): number {
    let n = 0;
    for (let i = lowerBound(this.keys, range.from); i < this.keys.length; i++) {
      const key = this.keys[i]!;
      if (key >= range.to) break;
      const row = rowAt(this.byKey.get(key)!, atRevision);
      if (row && !row.deleted) n++;
    }
    return n;
  }

  changes(range: KeyRange, after: number, upTo: number): LogChange[] {
    const out: LogChange[] = [];
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid]!.revision <= after) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.log.length; i++) {
      const row = this.log[i]!;
      if (row.revision > upTo) break;
      if (row.key < range.from || row.key >= range.to) continue;
      const prev = row.prevRevision ? rowAt(this.byKey.get(row.key)!, row.prevRevision) : undefined;
      out.push(prev && prev.revision === row.prevRevision ? { ...row, prevValue: prev.value } : { ...row });
    }
    return out;
  }

  transaction(fn: () => void): void {
    // Appends are applied as they happen; LogStore only throws out of fn on engine bugs.
    fn();
  }

  append(row: LogRow): void {
    this.log.push(row);
    this.revision = Math.max(this.revision, row.revision);
    let rows = this.byKey.get(row.key);
    if (!rows) {
      rows = [];
      this.byKey.set(row.key, rows);
      this.keys.splice(lowerBound(this.keys, row.key), 0, row.key);
    }
    rows.push(row);
  }

  compact(revision: number): void {
    const drop = new Set<LogRow>();
    for (const [key, rows] of this.byKey) {
      // Keep the newest row at or below the revision (unless it is a tombstone) and everything above.
      let newest = -1;
      for (let i = 0; i < rows.length && rows[i]!.revision <= revision; i++) newest = i;
      if (newest < 0) continue;
      const keepFrom = rows[newest]!.deleted ? newest + 1 : newest;
      for (let i = 0; i < keepFrom; i++) drop.add(rows[i]!);
      if (keepFrom > 0) {
        const kept = rows.slice(keepFrom);
        if (kept.length) this.byKey.set(key, kept);
        else this.byKey.delete(key);
      }
    }
    if (drop.size) {
      this.log = this.log.filter((r) => !drop.has(r));
      this.keys = this.keys.filter((k) => this.byKey.has(k));
    }
    this.compacted = Math.max(this.compacted, revision);
  }

  historyRows(): number {
    return this.log.length;
  }

  close(): void {}
}

/** The newest row at or below revision (undefined revision: the newest row). */
function rowAt(rows: LogRow[], revision: number | undefined): LogRow | undefined {
  if (revision === undefined) return rows[rows.length - 1];
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.revision <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? rows[lo - 1] : undefined;
}

function lowerBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A Store kept entirely in memory, with full history, compaction and snapshot semantics. */
export class MemoryStore extends LogStore {
  constructor(opts: Omit<LogStoreOptions, 'batchWrites'> = {}) {
    super(new MemoryEngine(), { ...opts, batchWrites: false });
  }
}
