/**
 * The storage seam. Every backend (sqlite, etcd, memory) implements Store and passes the shared
 * conformance suite (conformance.ts). Semantics follow k8s.io/apiserver/pkg/storage.Interface:
 * one monotonic revision for the whole cluster; objects carry it as metadata.resourceVersion.
 *
 * Keys look like "/<group|core>/<resource>/<namespace>/<name>" (cluster-scoped: no namespace
 * segment). A list or watch takes a key prefix ending in "/".
 */
import type { KubeObject } from '../api/object.js';

export type StorageErrorCode =
  | 'NotFound' // key absent
  | 'KeyExists' // create of an existing key
  | 'Conflict' // resourceVersion precondition failed (stale update)
  | 'PreconditionFailed' // uid precondition on delete failed
  | 'Gone' // requested revision compacted (list/watch/continue)
  | 'TooLarge' // revision in the future for an exact read
  | 'Internal';

/** Typed storage error; the API server translates it into a Status once. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export interface ListOptions {
  /**
   * undefined: most recent (consistent read). 0: any revision (may be served from cache). N > 0
   * with exact=false: at least as new as N (upstream NotOlderThan); exact=true: exactly at N
   * (Gone when N is compacted).
   */
  resourceVersion?: number;
  exact?: boolean;
  /** page size; 0/undefined = all */
  limit?: number;
  /** opaque token from a previous page (encodes revision and start key) */
  continueToken?: string;
  /** server-side filter (label/field selectors); pages still hold up to `limit` matching items */
  predicate?: (obj: KubeObject) => boolean;
}

export interface ListResult {
  items: KubeObject[];
  /** the revision the list was read at */
  resourceVersion: number;
  /** set when more items remain */
  continueToken?: string;
  /** exact count of remaining items when known and no predicate was applied */
  remainingItemCount?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  /** for DELETED: the object as it was, with resourceVersion = the deletion revision. For BOOKMARK: only metadata.resourceVersion. */
  object: KubeObject;
  /** the previous state (MODIFIED and DELETED), so callers can compute selector transitions */
  prevObject?: KubeObject;
  /** the revision of this event */
  revision: number;
}

export interface WatchOptions {
  /** deliver events with revision > resourceVersion. 0 or undefined: start at "now" (after synthetic ADDED of current state when initialEvents). */
  resourceVersion?: number;
  /** when true and resourceVersion is 0/undefined, first send ADDED for every existing object */
  initialEvents?: boolean;
  /** emit BOOKMARK events periodically (every bookmarkIntervalMs, default 60 s) */
  bookmarks?: boolean;
  bookmarkIntervalMs?: number;
}

/** A live watch. Iterate events; the iterator ends when stop() is called or the watcher is dropped. */
export interface Watch extends AsyncIterable<WatchEvent> {
  stop(): void;
  /** resolves when the watch ended; reason 'stopped' | 'dropped' (slow consumer) | 'closed' (store closed) */
  readonly done: Promise<'stopped' | 'dropped' | 'closed'>;
}

export interface DeletePreconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface UpdateOptions {
  /** fail with Conflict unless the current object has this resourceVersion */
  expectedResourceVersion?: string;
  /** when the key is absent, call tryUpdate with undefined instead of failing NotFound (create-on-update) */
  allowCreate?: boolean;
}

export interface Store {
  /** the newest revision in the store */
  currentRevision(): Promise<number>;
  /** the object at key (resourceVersion set), or undefined */
  get(key: string): Promise<KubeObject | undefined>;
  /** objects under a prefix, ordered by key */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** create-if-absent; returns the stored object with resourceVersion set. KeyExists if present. */
  create(key: string, obj: KubeObject): Promise<KubeObject>;
  /**
   * read-modify-write: calls tryUpdate with the current object (a private copy) and writes its
   * result only if nothing changed in between, retrying on a concurrent write. When tryUpdate
   * returns the same value (deep-equal), nothing is written and the current object is returned.
   */
  guaranteedUpdate(
    key: string,
    tryUpdate: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>,
    opts?: UpdateOptions,
  ): Promise<KubeObject>;
  /** delete with optional preconditions; returns the deleted object with the deletion revision as resourceVersion. */
  delete(key: string, preconditions?: DeletePreconditions): Promise<KubeObject>;
  /** watch a prefix (or one exact key when it does not end with "/") */
  watch(prefix: string, opts?: WatchOptions): Watch;
  /** drop history at or below revision; later reads/watches of older revisions get Gone */
  compact(revision: number): Promise<void>;
  /** the oldest revision still readable */
  compactedRevision(): Promise<number>;
  /** ends every watch with 'closed' and releases the backend; idempotent */
  close(): Promise<void>;
  /** optional introspection, used by the conformance suite to check compaction reclaims history */
  stats?(): Promise<StoreStats>;
}

/** Backend bookkeeping exposed for tests and metrics. */
export interface StoreStats {
  /** stored history entries (current objects plus superseded versions and tombstones) */
  historyRows: number;
}
