/**
 * PATCH bodies: picks the patch type from the Content-Type, decodes the body and applies a JSON
 * patch, JSON merge patch or strategic merge patch to the current object (server-side apply is
 * apply.ts). Checks and messages follow kube-apiserver's endpoints/handlers/patch.go: the media
 * type is checked first (custom resources accept no strategic merge patch), then the body must be
 * valid JSON, then the patch is applied, then the result must decode as an object.
 */
import { ApiError, errors } from '../../api/errors.js';
import { field } from '../../api/field.js';
import type { KubeObject } from '../../api/object.js';
import { isPlainObject } from '../../api/object.js';
import type { Definitions } from '../../api/schema/types.js';
import { applyJsonPatch } from './json.js';
import { jsonMergePatch } from './merge.js';
import { strategicMergePatch } from './strategic.js';

export { applyJsonPatch } from './json.js';
export { jsonMergePatch } from './merge.js';
export { strategicMergePatch } from './strategic.js';

/** The four patch types of the Kubernetes API. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const contentTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** The patch type of a Content-Type header (parameters such as `; charset=utf-8` ignored). */
export function patchTypeFromContentType(ct: string): PatchType | undefined {
  const base = ct.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return contentTypes[base];
}

/** The patch types a resource without a schema (a custom resource) accepts, as upstream lists them. */
export const UNSTRUCTURED_PATCH_MEDIA_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

/** Inputs of applyPatch besides the object and the body. */
export interface PatchOptions {
  /** All OpenAPI definitions, for strategic merge metadata. */
  defs: Definitions;
  /** The definition of the patched kind; undefined for custom resources. */
  rootDef: string | undefined;
}

/**
 * Applies a JSON, merge or strategic merge patch `body` to `current` and returns the new object
 * (`current` is not modified). Server-side apply ('apply') is handled by the caller before.
 * Throws ApiErrors with upstream's statuses and messages.
 */
export function applyPatch(type: PatchType, current: KubeObject, body: string, opts: PatchOptions): KubeObject {
  if (type === 'apply') throw errors.internal('server-side apply patches are applied by serverSideApply, not applyPatch');
  if (type === 'strategic' && opts.rootDef === undefined) {
    // Custom resources have no Go struct to read patch strategies from: upstream refuses the type.
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${UNSTRUCTURED_PATCH_MEDIA_TYPES.join(', ')}`);
  }
  const patch = decodePatch(body);
  let result: unknown;
  switch (type) {
    case 'json':
      result = applyJsonPatch(current, patch);
      break;
    case 'merge':
      result = jsonMergePatch(current, patch);
      break;
    case 'strategic':
      if (!isPlainObject(patch)) {
        // `null` decodes into an empty patch map upstream; anything else cannot.
        if (patch !== null) throw errors.badRequest(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch} into Go value of type map[string]interface {}`);
        result = structuredClone(current);
      } else {
        result = strategicMergePatch(current, patch, opts.defs, opts.rootDef);
      }
      break;
  }
  return asObject(result, current.kind ?? 'Object', patch);
}

/** validateAndTranscodePatch: a non-apply patch body must be valid JSON. */
function decodePatch(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw errors.badRequest('invalid JSON patch');
  }
}

/**
 * The patched document must decode into the kind: an object whose metadata (if any) is an
 * object. Otherwise upstream answers 422 with a `patch` field error carrying the decoder's message.
 */
function asObject(result: unknown, kind: string, patch: unknown): KubeObject {
  let detail: string | undefined;
  if (!isPlainObject(result)) {
    detail = `json: cannot unmarshal ${Array.isArray(result) ? 'array' : result === null ? 'null' : typeof result} into Go value of type map[string]interface {}`;
  } else if (result.metadata !== undefined && result.metadata !== null && !isPlainObject(result.metadata)) {
    detail = `json: cannot unmarshal ${Array.isArray(result.metadata) ? 'array' : typeof result.metadata} into Go struct field ${kind}.metadata of type v1.ObjectMeta`;
  }
  if (detail !== undefined || !isPlainObject(result)) {
    throw errors.invalid('', '', '', [field.invalid('patch', JSON.stringify(patch), detail ?? 'invalid object')]);
  }
  // A patch that removed metadata leaves an empty ObjectMeta, as decoding does upstream; the
  // pipeline then reports the missing name.
  if (!isPlainObject(result.metadata)) result.metadata = {};
  return result as KubeObject;
}
