/**
 * Directive names and errors of strategic merge patch, as k8s.io/apimachinery/pkg/util/mergepatch
 * names them, with the HTTP statuses kube-apiserver's interpretStrategicMergePatchError gives them:
 * malformed directives are 400 BadRequest, lists of lists 422 Invalid (with the generic message
 * NewGenericServerResponse uses for 422), and every other merge failure a plain error that the API
 * server reports as a 500 carrying the raw message.
 */
import { ApiError, errors } from '../../api/errors.js';

export const DIRECTIVE = '$patch';
export const RETAIN_KEYS = '$retainKeys';
export const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';
export const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';

/** The generic message of a 422 built by NewGenericServerResponse (the patch error itself is not shown). */
export const UNPROCESSABLE_MESSAGE = 'the server rejected our request due to an error in our request';

/** A 422 as NewGenericServerResponse(422, ...) builds it: reason Invalid, generic message, empty details. */
export function unprocessable(): ApiError {
  return new ApiError(422, 'Invalid', UNPROCESSABLE_MESSAGE, {});
}

/** A merge failure that upstream returns as a plain error: a 500 whose message is the error text. */
export function mergeFailure(message: string): ApiError {
  return new ApiError(500, 'InternalError', message);
}

export const smpErrors = {
  badPatchFormatForPrimitiveList: (): ApiError => errors.badRequest('invalid patch format of primitive list'),
  badPatchFormatForRetainKeys: (): ApiError => errors.badRequest('invalid patch format of retainKeys'),
  badPatchFormatForSetElementOrderList: (): ApiError => errors.badRequest('invalid patch format of setElementOrder list'),
  noListOfLists: (): ApiError => unprocessable(),
  noMergeKey: (m: unknown, key: string): ApiError => mergeFailure(`map: ${goPrint(m)} does not contain declared merge key: ${key}`),
  badPatchType: (t: unknown, m: unknown): ApiError => mergeFailure(`unknown patch type: ${String(t)} in map: ${goPrint(m)}`),
  badArgType: (expected: string, actual: unknown): ApiError => mergeFailure(`expected a ${expected}, but received a ${goType(actual)}`),
};

/** Go's reflect type name of a decoded JSON value, as mergepatch.ErrBadArgType prints it. */
export function goType(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'object':
      return 'map[string]interface {}';
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    case 'boolean':
      return 'bool';
    default:
      return typeof v;
  }
}

/** Go's %v of a decoded JSON value: map[k:v ...] with sorted keys, [a b], <nil>. */
export function goPrint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goPrint(o[k])}`)
      .join(' ')}]`;
  }
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}
