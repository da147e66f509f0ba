/**
 * JSON merge patch (RFC 7386), as kube-apiserver applies it with evanphx/json-patch's MergePatch:
 * objects merge recursively, `null` deletes a key, anything else (arrays included) replaces.
 * `kubectl label/annotate/scale` and `kubectl patch --type merge` send these; they are also the
 * only merging patch custom resources accept.
 */
import { errors } from '../../api/errors.js';
import { isPlainObject } from '../../api/object.js';

/** evanphx/json-patch's ErrBadJSONPatch, returned as a 400 for a patch that is not a JSON object. */
export const INVALID_MERGE_PATCH = 'Invalid JSON Patch';

/**
 * Applies merge patch `patch` to `target` and returns the result; `target` is not modified.
 * A patch that is not an object is refused with 400 as upstream does, except an array, which
 * replaces the document (and then fails to decode as an object, for the caller to report).
 */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (Array.isArray(patch)) return pruneNulls(structuredClone(patch));
  if (!isPlainObject(patch)) throw errors.badRequest(INVALID_MERGE_PATCH);
  const doc = isPlainObject(target) ? structuredClone(target) : {};
  mergeInto(doc, structuredClone(patch));
  return doc;
}

/** RFC 7386 MergePatch on owned values. */
function mergeInto(doc: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [k, pv] of Object.entries(patch)) {
    if (pv === null) {
      delete doc[k];
      continue;
    }
    const cur = doc[k];
    if (isPlainObject(cur)) {
      if (isPlainObject(pv)) mergeInto(cur, pv);
      // An object replaced by a non-object keeps the value as sent (evanphx merge()).
      else doc[k] = pv;
    } else {
      // Nothing (or a non-object) to merge into: the value is taken with its nulls pruned.
      doc[k] = pruneNulls(pv);
    }
  }
}

/** Drops null members of objects, recursively, also inside arrays (whose null items stay), as evanphx pruneNulls. */
function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneNulls);
  if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else v[k] = pruneNulls(x);
    }
  }
  return v;
}
