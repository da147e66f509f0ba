/**
 * JSON patch (RFC 6902) with fast-json-patch, with kube-apiserver's error statuses
 * (endpoints/handlers/patch.go, jsonPatcher.applyJSPatch):
 * - a body that is not a list of operation objects: 400 with the decoder's message;
 * - more than 10000 operations: 413;
 * - an operation that fails (missing path, failed `test`, bad index, unknown op): 422 Invalid with
 *   the generic "the server rejected our request..." message, as upstream hides the detail.
 * `kubectl rollout undo` and `kubectl patch --type json` send these.
 */
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { ApiError, errors } from '../../api/errors.js';
import { isPlainObject } from '../../api/object.js';
import { unprocessable } from './strategic-errors.js';

/** kube-apiserver's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** The RFC 6902 operations (fast-json-patch also knows an internal `_get`, which must not be reachable). */
const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Go's name of a JSON value's kind in "cannot unmarshal X into" messages. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/**
 * Applies the decoded JSON patch `ops` to `doc` and returns the new document; `doc` is not
 * modified. Throws ApiErrors with upstream's statuses.
 */
export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) {
    // A JSON null decodes into an empty jsonpatch.Patch upstream: nothing to do.
    if (ops === null) return structuredClone(doc);
    throw errors.badRequest(`json: cannot unmarshal ${jsonKind(ops)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of ops) {
    if (!isPlainObject(op) && op !== null) {
      throw errors.badRequest(`json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw errors.tooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  let current = structuredClone(doc);
  for (const op of ops) {
    // evanphx/json-patch rejects a null operation when applying it ("missing path"-style errors).
    if (!isPlainObject(op) || typeof op.op !== 'string' || !OPS.has(op.op) || typeof op.path !== 'string') throw unprocessable();
    try {
      current = fastJsonPatch.applyOperation(current, structuredClone(op) as unknown as Operation, true, true).newDocument;
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw unprocessable();
    }
  }
  return current;
}
