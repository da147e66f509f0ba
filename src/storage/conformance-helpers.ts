/**
 * Helpers shared by the storage conformance suite: fixtures, deadlines and watch readers. No
 * sleeps: every wait is a race against a deadline so a broken backend fails fast and clearly.
 */
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { StorageError } from './store.js';
import type { Store, StorageErrorCode, Watch, WatchEvent } from './store.js';

/** Makes a fresh store and a function that closes it and removes its data. */
export type StoreFactory = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/** Tunables so slow backends (etcd) and small test buffers can share the same suite. */
export interface ConformanceOptions {
  /** the backend's per-watcher buffer size (the slow-watcher test writes more than this); default 10 000 */
  watchBufferSize?: number;
  /** how many times the Lease is renewed in the history-growth test; default 1 000 */
  leaseRenewals?: number;
  /** deadline for any single wait; default 10 s */
  timeoutMs?: number;
}

export const NS = '/core/configmaps/default/';

/** A ConfigMap-shaped fixture. */
export function cm(name: string, data: Record<string, string> = { k: 'v' }, namespace = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, uid: `uid-${namespace}-${name}`, labels: {} }, data };
}

/** The storage key of a fixture in namespace default (or another namespace). */
export function key(name: string, namespace = 'default'): string {
  return `/core/configmaps/${namespace}/${name}`;
}

/** The revision an object carries. */
export function rvOf(o: KubeObject | undefined): number {
  assert.ok(o, 'expected an object');
  const rv = o.metadata.resourceVersion;
  assert.ok(rv && /^\d+$/.test(rv), `resourceVersion must be a decimal string, got ${String(rv)}`);
  return Number(rv);
}

/** Resolves with p, or rejects when it takes longer than ms. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts that p rejects with a StorageError of the given code. */
export async function rejectsWith(p: Promise<unknown>, code: StorageErrorCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof StorageError || (e instanceof Error && e.name === 'StorageError'), `expected StorageError, got ${String(e)}`);
    assert.equal((e as StorageError).code, code);
    return true;
  });
}

/** Reads events from one watch; a single iterator is kept so nothing is lost between calls. */
export class WatchReader {
  private readonly it: AsyncIterator<WatchEvent>;

  constructor(
    readonly watch: Watch,
    private readonly timeoutMs: number,
  ) {
    this.it = watch[Symbol.asyncIterator]();
  }

  /** The next event, optionally skipping bookmarks; fails on timeout or end of stream. */
  async next(skipBookmarks = true): Promise<WatchEvent> {
    for (;;) {
      const r = await within(this.it.next(), this.timeoutMs, 'a watch event');
      assert.ok(!r.done, 'watch ended unexpectedly');
      if (skipBookmarks && r.value.type === 'BOOKMARK') continue;
      return r.value;
    }
  }

  /** The next n non-bookmark events. */
  async take(n: number): Promise<WatchEvent[]> {
    const out: WatchEvent[] = [];
    while (out.length < n) out.push(await this.next());
    return out;
  }

  /** Resolves when the iterator ends (done: true), failing on timeout. */
  async end(): Promise<void> {
    for (;;) {
      const r = await within(this.it.next(), this.timeoutMs, 'the watch to end');
      if (r.done) return;
    }
  }

  /** The raw iterator step (lets a test assert that next() rejects). */
  step(): Promise<IteratorResult<WatchEvent>> {
    return this.it.next();
  }
}

/** Runs fn with a fresh store and always cleans up. */
export async function withStore(make: StoreFactory, fn: (s: Store) => Promise<void>): Promise<void> {
  const { store, cleanup } = await make();
  try {
    await fn(store);
  } finally {
    await cleanup();
  }
}

/** Adds n to data.count of the object at key (a read-modify-write used by concurrency tests). */
export function increment(store: Store, k: string): Promise<KubeObject> {
  return store.guaranteedUpdate(k, (cur) => {
    assert.ok(cur);
    const data = (cur.data ?? {}) as Record<string, string>;
    return { ...cur, data: { ...data, count: String(Number(data.count ?? '0') + 1) } };
  });
}
