/**
 * The write operations of a LogStore, applied inside one engine transaction. Each op checks its
 * own precondition against the state the transaction sees (so a batch behaves exactly as the
 * same ops committed one after another) and reports its own outcome: one op's KeyExists never
 * fails the others in the batch.
 */
import type { KubeObject } from '../api/object.js';
import { JsonChange } from './broadcaster.js';
import type { LogEngine } from './engine.js';
import { StorageError } from './store.js';
import type { DeletePreconditions } from './store.js';

/** Returned by an update whose compare-and-swap lost against a concurrent write: re-read and retry. */
export const RETRY = Symbol('retry');

/** A queued write and the promise callbacks of its caller. */
export type WriteOp =
  | { kind: 'create'; key: string; obj: KubeObject; settle: Settle }
  | { kind: 'update'; key: string; expectRevision: number; obj: KubeObject; settle: Settle }
  | { kind: 'delete'; key: string; preconditions?: DeletePreconditions; settle: Settle };

/** A write before its caller's callbacks are attached. */
export type WriteRequest = WriteOp extends infer T ? (T extends WriteOp ? Omit<T, 'settle'> : never) : never;

export interface Settle {
  resolve(v: KubeObject | typeof RETRY): void;
  reject(e: unknown): void;
}

export type OpResult = { ok: true; value: KubeObject | typeof RETRY } | { ok: false; error: unknown };

/** JSON of obj with metadata.resourceVersion set to revision (what the log stores). */
export function stamp(obj: KubeObject, revision: number): string {
  return JSON.stringify({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } });
}

/**
 * Applies one op. alloc() hands out the next revision and is only called when a row is written,
 * so failed preconditions never consume a revision.
 */
export function applyOp(engine: LogEngine, op: WriteOp, alloc: () => number, changes: JsonChange[]): OpResult {
  try {
    return { ok: true, value: apply(engine, op, alloc, changes) };
  } catch (error) {
    if (error instanceof StorageError) return { ok: false, error };
    throw error; // an engine failure aborts the whole transaction
  }
}

function apply(engine: LogEngine, op: WriteOp, alloc: () => number, changes: JsonChange[]): KubeObject | typeof RETRY {
  const cur = engine.get(op.key);
  switch (op.kind) {
    case 'create': {
      if (cur) throw new StorageError('KeyExists', op.key, `key ${op.key} already exists`);
      const revision = alloc();
      const value = stamp(op.obj, revision);
      engine.append({ revision, key: op.key, deleted: false, prevRevision: 0, value });
      changes.push(new JsonChange('ADDED', op.key, revision, value));
      return JSON.parse(value) as KubeObject;
    }
    case 'update': {
      if ((cur?.revision ?? 0) !== op.expectRevision) return RETRY;
      const revision = alloc();
      const value = stamp(op.obj, revision);
      engine.append({ revision, key: op.key, deleted: false, prevRevision: cur?.revision ?? 0, value });
      changes.push(new JsonChange(cur ? 'MODIFIED' : 'ADDED', op.key, revision, value, cur?.value));
      return JSON.parse(value) as KubeObject;
    }
    case 'delete': {
      if (!cur) throw new StorageError('NotFound', op.key, `key ${op.key} not found`);
      const obj = JSON.parse(cur.value) as KubeObject;
      const pre = op.preconditions;
      // Messages as upstream's storage.Preconditions.Check words them; empty means "no precondition".
      if (pre?.uid && pre.uid !== obj.metadata.uid) {
        throw new StorageError('PreconditionFailed', op.key, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== String(cur.revision)) {
        throw new StorageError('Conflict', op.key, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.revision}`);
      }
      const revision = alloc();
      obj.metadata.resourceVersion = String(revision);
      const value = JSON.stringify(obj);
      engine.append({ revision, key: op.key, deleted: true, prevRevision: cur.revision, value });
      changes.push(new JsonChange('DELETED', op.key, revision, value, cur.value));
      return obj;
    }
  }
}
