/**
 * Paged, filtered range reads over one snapshot revision, as upstream's etcd3 store.GetList:
 * the first page fixes the revision, the continue token carries it with the next key, and when
 * a predicate filters the store keeps reading (with a growing batch) until the page holds
 * `limit` matches or the range is exhausted.
 */
import type { IKeyValue, IRangeResponse } from 'etcd3';
import type { KubeObject } from '../../api/object.js';
import { StorageError, type ListOptions, type ListResult } from '../store.js';
import { decodeContinue, encodeContinue } from '../keys.js';

/** Reads keys >= start (Store key) up to the prefix end; limit 0 = all; revision 0 = latest. */
export type RangeFn = (start: string, limit: number, revision: number) => Promise<IRangeResponse>;

/** Decodes one etcd key-value into its Store key and object. */
export type DecodeFn = (kv: IKeyValue) => { key: string; object: KubeObject };

/** upstream caps how far one filtered page may read ahead per request */
const MAX_BATCH = 10_000;

/** Lists prefix per ListOptions using range reads. */
export async function listPages(prefix: string, opts: ListOptions, range: RangeFn, decode: DecodeFn): Promise<ListResult> {
  const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
  let start = prefix;
  let revision = 0;
  if (opts.continueToken) {
    const c = decodeContinue(prefix, opts.continueToken);
    start = c.startKey;
    revision = c.revision;
  } else if (opts.exact && opts.resourceVersion !== undefined && opts.resourceVersion > 0) {
    revision = opts.resourceVersion;
  }

  const items: KubeObject[] = [];
  let batch = limit;
  let remainingItemCount: number | undefined;
  let lastReturned: string | undefined;
  for (;;) {
    const res = await range(start, batch, revision);
    if (revision === 0) {
      revision = Number(res.header.revision);
      // "not older than N" served from the latest state; a future N cannot be satisfied
      if (opts.resourceVersion !== undefined && opts.resourceVersion > revision) {
        throw new StorageError('TooLarge', prefix, `Too large resource version: ${opts.resourceVersion}, current: ${revision}`);
      }
    }
    let lastKey: string | undefined;
    for (let i = 0; i < res.kvs.length; i++) {
      const { key, object } = decode(res.kvs[i]!);
      lastKey = key;
      if (opts.predicate && !opts.predicate(object)) continue;
      items.push(object);
      if (limit > 0 && items.length === limit) {
        const moreInBatch = i < res.kvs.length - 1;
        if (moreInBatch || res.more) {
          lastReturned = key;
          // the exact count is only known when nothing was filtered
          if (!opts.predicate) remainingItemCount = Number(res.count) - (i + 1);
        }
        break;
      }
    }
    if (limit === 0 || items.length === limit || !res.more || lastKey === undefined) break;
    start = lastKey + '\x00';
    batch = Math.min(batch * 2, MAX_BATCH);
  }
  const result: ListResult = { items, resourceVersion: revision };
  if (lastReturned !== undefined) {
    // the token resumes just after the last returned key, at the same snapshot revision
    result.continueToken = encodeContinue(prefix, revision, lastReturned);
    if (remainingItemCount !== undefined) result.remainingItemCount = remainingItemCount;
  }
  return result;
}
