/**
 * Turns an etcd watch stream into Store WatchEvents. Like upstream's etcd3 watcher, a PUT whose
 * create_revision equals its mod_revision is ADDED, any other PUT is MODIFIED, and a DELETE
 * carries the last state (prev_kv) stamped with the deletion revision.
 */
import type { Etcd3, IKeyValue, IWatchResponse, Watcher } from 'etcd3';
import type { WatchEvent } from '../store.js';
import { StorageError } from '../store.js';
import { decodeObject } from './codec.js';

/** A decoded event with the Store key it happened to. */
export interface KeyedEvent {
  key: string;
  event: WatchEvent;
}

/** Callbacks of an etcd watch stream. */
export interface EtcdWatchHandlers {
  /** a batch of events, in revision order */
  onEvents(events: KeyedEvent[]): void;
  /** terminal failure; Gone when the start revision was compacted */
  onError(err: StorageError): void;
}

/** Converts one etcd event (put or delete, with prev_kv) for a key under `root`. */
export function toWatchEvent(
  root: string,
  type: 'Put' | 'Delete',
  kv: IKeyValue,
  prev: IKeyValue | undefined,
): KeyedEvent | undefined {
  const full = kv.key.toString('utf8');
  if (!full.startsWith(root)) return undefined;
  const key = full.slice(root.length);
  const revision = Number(kv.mod_revision);
  const prevObject = prev && prev.value.length > 0 ? decodeObject(prev.value, prev.mod_revision, key) : undefined;
  if (type === 'Delete') {
    // without prev_kv (its revision compacted) all we can say is which object went away
    const object = prev && prev.value.length > 0 ? decodeObject(prev.value, revision, key) : minimalObject(key, revision);
    return { key, event: { type: 'DELETED', object, prevObject, revision } };
  }
  const object = decodeObject(kv.value, revision, key);
  if (kv.create_revision === kv.mod_revision) return { key, event: { type: 'ADDED', object, revision } };
  return { key, event: { type: 'MODIFIED', object, prevObject, revision } };
}

function minimalObject(key: string, revision: number): WatchEvent['object'] {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return { metadata: { name, resourceVersion: String(revision) } };
}

/**
 * Opens an etcd watch on `etcdKey` (a prefix when isPrefix) delivering events with revision >=
 * startRevision. Resolves once etcd confirmed the watch; the returned function cancels it.
 */
export async function openEtcdWatch(
  client: Etcd3,
  root: string,
  etcdKey: string,
  isPrefix: boolean,
  startRevision: number,
  handlers: EtcdWatchHandlers,
): Promise<() => void> {
  let builder = client.watch().withPreviousKV().startRevision(String(startRevision));
  builder = isPrefix ? builder.prefix(etcdKey) : builder.key(etcdKey);
  const watcher: Watcher = builder.watcher();
  let failed = false;
  const fail = (err: StorageError): void => {
    if (failed) return;
    failed = true;
    handlers.onError(err);
  };
  const cancel = (): void => {
    watcher.removeAllListeners('data');
    void watcher.cancel().catch(() => undefined);
  };
  watcher.on('data', (res: IWatchResponse) => {
    if (failed) return;
    if (res.canceled || Number(res.compact_revision) > 0) {
      fail(compactedError(etcdKey, startRevision, res));
      return;
    }
    const out: KeyedEvent[] = [];
    for (const e of res.events) {
      const ev = toWatchEvent(root, e.type, e.kv, e.prev_kv);
      if (ev) out.push(ev);
    }
    if (out.length > 0) handlers.onEvents(out);
  });
  watcher.on('error', (err: Error) => {
    // etcd cancels a watch whose start revision was compacted (WatchResponse.compact_revision)
    fail(
      /compact/i.test(err.message) || err.message.includes('Watcher canceled')
        ? new StorageError('Gone', etcdKey, `too old resource version: ${startRevision - 1}`)
        : new StorageError('Internal', etcdKey, `etcd watch failed: ${err.message}`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    watcher.once('connected', () => resolve());
    watcher.once('error', (err: Error) => reject(err));
  }).catch(() => {
    // the error listener above already reported it
  });
  return cancel;
}

function compactedError(key: string, startRevision: number, res: IWatchResponse): StorageError {
  return new StorageError(
    'Gone',
    key,
    `too old resource version: ${startRevision - 1} (${res.compact_revision || 'compacted'})`,
  );
}
