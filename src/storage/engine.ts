/**
 * The synchronous storage engine under LogStore: a kine-style append-only log where every row is
 * one revision of one key. The memory and sqlite backends implement only this; all Store
 * semantics (preconditions, paging, watch, batching) live once in LogStore.
 */
import type { KeyRange } from './keys.js';

/** One revision of one key. value is the object's JSON with metadata.resourceVersion = revision. */
export interface LogRow {
  revision: number;
  key: string;
  /** a tombstone: value is the object as deleted (resourceVersion = deletion revision) */
  deleted: boolean;
  /** the revision of the key's previous row; 0 when this row created the key */
  prevRevision: number;
  value: string;
}

/** A row with its predecessor's value, as a watch replay needs it. */
export interface LogChange extends LogRow {
  prevValue?: string;
}

/** A live object in a scan. */
export interface KeyValue {
  key: string;
  revision: number;
  value: string;
}

/** The persistence a LogStore needs; every method is synchronous and runs on the event loop. */
export interface LogEngine {
  /** the newest revision ever assigned (survives restarts and compaction) */
  readRevision(): number;
  /** the persisted compacted revision (0 if never compacted) */
  readCompacted(): number;
  /** the live row of a key */
  get(key: string): KeyValue | undefined;
  /**
   * Live objects with keys in range, ordered by key, as of atRevision (undefined: current).
   * At most limit rows (undefined: all).
   */
  scan(range: KeyRange, atRevision: number | undefined, limit: number | undefined): KeyValue[];
  /** the number of live objects scan would return without a limit */
  count(range: KeyRange, atRevision: number | undefined): number;
  /** rows with revision in (after, upTo] and key in range, ascending revision */
  changes(range: KeyRange, after: number, upTo: number): LogChange[];
  /** runs fn atomically (all appends commit together or none do) */
  transaction(fn: () => void): void;
  /** appends a row and updates the current state of its key */
  append(row: LogRow): void;
  /** removes rows superseded at or below revision and tombstones at or below it; persists revision as compacted */
  compact(revision: number): void;
  /** number of stored log rows */
  historyRows(): number;
  close(): void;
}
