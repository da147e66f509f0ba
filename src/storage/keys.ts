/**
 * Key ranges and continue tokens shared by the backends. A list/watch argument ending in "/" is a
 * prefix; anything else names one exact key (upstream's watch of a single object).
 */
import { StorageError } from './store.js';

/** Half-open key interval [from, to) plus a matcher for in-memory filtering. */
export interface KeyRange {
  from: string;
  to: string;
  exact: boolean;
  match: (key: string) => boolean;
}

/**
 * The keys under a prefix ("/core/pods/default/" → ["/core/pods/default/", "/core/pods/default0"))
 * so that "/core/pods/default2/" is never matched, or one exact key.
 */
export function keyRange(prefixOrKey: string): KeyRange {
  if (prefixOrKey.endsWith('/')) {
    const to = prefixEnd(prefixOrKey);
    return { from: prefixOrKey, to, exact: false, match: (k) => k.startsWith(prefixOrKey) };
  }
  // "\u0000" is the smallest code unit, so [key, key+"\0") holds exactly the key.
  return { from: prefixOrKey, to: `${prefixOrKey}\u0000`, exact: true, match: (k) => k === prefixOrKey };
}

/** The smallest string greater than every string starting with prefix. */
export function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

/** What a continue token carries: the snapshot revision and the next key to read. */
export interface ContinuePosition {
  revision: number;
  /** absolute key to resume from (inclusive) */
  startKey: string;
}

/**
 * Encodes the position as upstream does (base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"<key
 * relative to the prefix>\u0000"}), so tokens look familiar to tools that inspect them.
 */
export function encodeContinue(prefix: string, revision: number, lastKey: string): string {
  const start = `${lastKey.slice(prefix.length)}\u0000`;
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: revision, start })).toString('base64url');
}

/** Decodes a token produced by encodeContinue for the same prefix. */
export function decodeContinue(prefix: string, token: string): ContinuePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidContinue(prefix, 'not base64 JSON');
  }
  const p = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (p.v !== 'meta.k8s.io/v1') throw invalidContinue(prefix, 'server does not recognize this encoded key');
  if (typeof p.rv !== 'number' || !Number.isInteger(p.rv) || p.rv <= 0) throw invalidContinue(prefix, 'incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof p.start !== 'string' || p.start.length === 0 || p.start.startsWith('/') || p.start.includes('/../')) {
    throw invalidContinue(prefix, 'encoded key is not a valid key');
  }
  return { revision: p.rv, startKey: prefix + p.start };
}

function invalidContinue(prefix: string, why: string): StorageError {
  // Upstream answers 400 "continue key is not valid"; the API server maps non-specific codes to 400.
  return new StorageError('Internal', prefix, `continue key is not valid: ${why}`);
}
