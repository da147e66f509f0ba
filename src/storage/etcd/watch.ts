/**
 * Starting one Store watch: pick the start revision (explicit resourceVersion, the state after
 * synthetic initial ADDED events, or "now"), then attach to the shared hub, or to a dedicated
 * etcd watch when the hub's replay window does not reach back far enough.
 */
import type { Etcd3 } from 'etcd3';
import type { KubeObject } from '../../api/object.js';
import { StorageError, type ListResult, type WatchOptions } from '../store.js';
import { openEtcdWatch } from './events.js';
import type { WatchHub } from './hub.js';
import type { WatchQueue } from './queue.js';

/** What a watch needs from the store. */
export interface WatchContext {
  client: Etcd3;
  /** the etcd key prefix every Store key lives under */
  root: string;
  currentRevision(): Promise<number>;
  compactedRevision(): Promise<number>;
  /** the object at key and the revision of that read (one snapshot) */
  getWithRevision(key: string): Promise<{ object: KubeObject | undefined; revision: number }>;
  list(prefix: string): Promise<ListResult>;
  hub(): Promise<WatchHub>;
}

const DEFAULT_BOOKMARK_MS = 60_000;

/**
 * Feeds q with the events of `prefix` (an exact key when it does not end with "/"). `now` is the
 * newest revision known when watch() was called (0 if unknown): where a watch without
 * resourceVersion starts.
 */
export async function startWatch(
  ctx: WatchContext,
  q: WatchQueue,
  prefix: string,
  opts: WatchOptions,
  now: number,
): Promise<void> {
  const isPrefix = prefix.endsWith('/');
  const match = isPrefix ? (k: string) => k.startsWith(prefix) : (k: string) => k === prefix;
  const rv = opts.resourceVersion ?? 0;
  let from: number;
  if (rv > 0) {
    // the first event delivered is at rv+1; etcd can serve it unless rv+1 was compacted away
    const compacted = await ctx.compactedRevision();
    if (rv + 1 < compacted) {
      throw new StorageError('Gone', prefix, `too old resource version: ${rv} (${compacted})`);
    }
    from = rv;
  } else if (opts.initialEvents) {
    // upstream sendInitialEvents / RV=0 semantics: current state as ADDED, then changes after it
    let items: KubeObject[];
    if (isPrefix) {
      const l = await ctx.list(prefix);
      items = l.items;
      from = l.resourceVersion;
    } else {
      const r = await ctx.getWithRevision(prefix);
      items = r.object ? [r.object] : [];
      from = r.revision;
    }
    for (const object of items) q.push({ type: 'ADDED', object, revision: Number(object.metadata.resourceVersion) });
  } else {
    from = now > 0 ? now : await ctx.currentRevision();
  }
  q.lastRevision = Math.max(q.lastRevision, from);
  if (q.closed) return;

  let progress = (): number => q.lastRevision;
  const hub = await ctx.hub();
  if (q.closed) return;
  const unsubscribe = hub.subscribe(match, from, (ev) => q.push(ev), (err) => q.fail(err));
  if (unsubscribe) {
    q.onEnd(unsubscribe);
    // every event up to hub.lastRevision has been handed to this watcher already
    progress = () => Math.max(q.lastRevision, hub.lastRevision);
  } else {
    const cancel = await openEtcdWatch(ctx.client, ctx.root, ctx.root + prefix, isPrefix, from + 1, {
      onEvents: (events) => {
        for (const { event } of events) if (!q.push(event)) return;
      },
      onError: (err) => q.fail(err),
    });
    q.onEnd(cancel);
  }

  if (opts.bookmarks) {
    const timer = setInterval(() => {
      const revision = progress();
      q.push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(revision) } }, revision });
    }, opts.bookmarkIntervalMs ?? DEFAULT_BOOKMARK_MS);
    timer.unref();
    q.onEnd(() => clearInterval(timer));
  }
}
