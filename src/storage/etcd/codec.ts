/**
 * Encoding between Store objects/keys and etcd key-values, and etcd error mapping.
 * Mirrors k8s.io/apiserver/pkg/storage/etcd3: the object is stored without resourceVersion and
 * gets it back from the key's mod_revision on every read.
 */
import type { KubeObject } from '../../api/object.js';
import { StorageError } from '../store.js';

/** The subset of etcd's mvccpb.KeyValue this backend reads. */
export interface EtcdKv {
  key: Buffer;
  value: Buffer;
  mod_revision: string;
  create_revision: string;
}

/** Serialises an object for etcd, dropping resourceVersion (it is the key's mod_revision). */
export function encodeObject(obj: KubeObject): Buffer {
  const { resourceVersion: _rv, ...meta } = obj.metadata;
  return Buffer.from(JSON.stringify({ ...obj, metadata: meta }));
}

/** Parses a stored value and stamps resourceVersion = revision. */
export function decodeObject(value: Buffer, revision: string | number, key: string): KubeObject {
  let obj: KubeObject;
  try {
    obj = JSON.parse(value.toString('utf8')) as KubeObject;
  } catch (err) {
    throw new StorageError('Internal', key, `cannot decode stored object: ${(err as Error).message}`);
  }
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(revision) };
  return obj;
}

/**
 * The first key after every key starting with `prefix` (etcd's range_end for a prefix read):
 * increment the last byte that is not 0xff and cut what follows.
 */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  // all 0xff: range to the end of the keyspace
  return Buffer.from([0]);
}

/** True when an etcd error says the requested revision was compacted. */
export function isCompactedError(err: unknown): boolean {
  return err instanceof Error && err.message.includes('required revision has been compacted');
}

/** True when an etcd error says the requested revision is newer than the store. */
export function isFutureRevisionError(err: unknown): boolean {
  return err instanceof Error && err.message.includes('required revision is a future revision');
}

/** Maps etcd client errors to typed StorageErrors (Gone/TooLarge keep their upstream wording). */
export function toStorageError(err: unknown, key: string, revision?: number): StorageError {
  if (err instanceof StorageError) return err;
  if (isCompactedError(err)) {
    return new StorageError(
      'Gone',
      key,
      revision === undefined
        ? 'The resourceVersion for the provided list is too old.'
        : `The resourceVersion for the provided list is too old: required revision ${revision} has been compacted`,
    );
  }
  if (isFutureRevisionError(err)) {
    return new StorageError('TooLarge', key, `Too large resource version: ${revision ?? ''}`);
  }
  return new StorageError('Internal', key, err instanceof Error ? err.message : String(err));
}
