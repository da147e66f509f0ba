/**
 * Strategic merge patch applied to an object, as kube-apiserver applies it
 * (k8s.io/apimachinery/pkg/util/strategicpatch StrategicMergeMapPatch with MergeParallelList and
 * IgnoreUnmatchedNulls): kubectl computes the patch client side, the server merges it here.
 *
 * - maps merge key by key; `null` deletes a key;
 * - lists whose field has patch strategy `merge` merge: lists of objects by the merge key, lists of
 *   primitives as sets; every other list is replaced;
 * - directives: `$patch: replace|delete|merge` in maps, `{$patch: delete, <key>: v}` and
 *   `{$patch: replace}` in merged lists, `$retainKeys`, `$setElementOrder/<field>` and
 *   `$deleteFromPrimitiveList/<field>`. None of them survive into the result: values the patch
 *   adds are cleaned of directives too (upstream leaves some behind in replaced lists).
 */
import { isPlainObject } from '../../api/object.js';
import type { Definitions } from '../../api/schema/types.js';
import {
  DELETE_FROM_PRIMITIVE_LIST_PREFIX,
  DIRECTIVE,
  RETAIN_KEYS,
  SET_ELEMENT_ORDER_PREFIX,
  goPrint,
  mergeFailure,
  smpErrors,
} from './strategic-errors.js';
import type { ElementKind } from './strategic-order.js';
import { normalizeElementOrder, partitionByPresence, validateSetElementOrder } from './strategic-order.js';
import type { FieldPatchMeta, SchemaCursor } from './strategic-schema.js';
import { lookupField, rootCursor } from './strategic-schema.js';

type JsonObject = Record<string, unknown>;

/** Marks a value the patch removes entirely (a new map carrying `$patch: delete`). */
const DROP = Symbol('drop');

/**
 * Applies strategic merge patch `patch` to `original`, walking the schema from definition
 * `rootDef` of `defs`. Returns a new object; neither argument is modified.
 */
export function strategicMergePatch(original: JsonObject, patch: JsonObject, defs: Definitions, rootDef: string | undefined): JsonObject {
  return mergeMap(structuredClone(original), structuredClone(patch), rootCursor(defs, rootDef));
}

/** Merges `patch` into `original` (both owned by the caller and mutated). */
function mergeMap(original: JsonObject, patch: JsonObject, cur: SchemaCursor): JsonObject {
  if (DIRECTIVE in patch) {
    const directive = patch[DIRECTIVE];
    const rest = { ...patch };
    delete rest[DIRECTIVE];
    // `$patch: replace` uses the patch map as is; `$patch: delete` empties the map.
    if (directive === 'replace') return mergeMap({}, rest, cur);
    if (directive === 'delete') return {};
    if (directive !== 'merge') throw smpErrors.badPatchType(directive, patch);
    patch = rest;
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, cur);

  // Parallel deletion lists first: kubectl never names an item both there and in the list itself.
  for (const [k, pv] of Object.entries(patch)) {
    if (!k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) continue;
    delete patch[k];
    const key = directiveTarget(k, DELETE_FROM_PRIMITIVE_LIST_PREFIX, smpErrors.badPatchFormatForPrimitiveList);
    if (pv === null) delete original[key];
    const ov = original[key];
    if (Array.isArray(ov) && Array.isArray(pv)) original[key] = ov.filter((x) => !pv.includes(x));
  }

  for (const [k, pv] of Object.entries(patch)) {
    if (pv === null) {
      delete original[k];
      continue;
    }
    const meta = lookupField(cur, k);
    const ov = original[k];
    let next: unknown;
    if (isPlainObject(ov) && isPlainObject(pv)) {
      next = meta.strategy === 'replace' ? fresh(pv, meta) : mergeMap(ov, pv, meta.value);
    } else if (Array.isArray(ov) && Array.isArray(pv)) {
      next = meta.strategy === 'merge' ? mergeList(ov, pv, meta) : freshList(pv, meta.items);
    } else {
      // Absent, null or of another type: the patch value is taken as is.
      next = fresh(pv, meta);
    }
    if (next === DROP) delete original[k];
    else original[k] = next;
  }
  return original;
}

/** A value the patch introduces: nulls dropped from maps, directives applied against nothing. */
function fresh(pv: unknown, meta: FieldPatchMeta): unknown {
  if (isPlainObject(pv)) return pv[DIRECTIVE] === 'delete' ? DROP : mergeMap({}, pv, meta.value);
  if (Array.isArray(pv)) return freshList(pv, meta.items);
  return pv;
}

/** A list the patch introduces or replaces: directive items (`$patch: ...` markers) are dropped. */
function freshList(list: unknown[], items: SchemaCursor): unknown[] {
  const out: unknown[] = [];
  for (const v of list) {
    if (isPlainObject(v)) {
      if (DIRECTIVE in v) continue;
      out.push(mergeMap({}, v, items));
    } else if (Array.isArray(v)) {
      out.push(freshList(v, { defs: items.defs, schema: undefined }));
    } else {
      out.push(v);
    }
  }
  return out;
}

/** The field a `$setElementOrder/<f>` or `$deleteFromPrimitiveList/<f>` key refers to. */
function directiveTarget(key: string, prefix: string, bad: () => Error): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) throw bad();
  return key.slice(slash + 1);
}

/**
 * `$retainKeys`: keys of the live map missing from the list are cleared (how `kubectl apply`
 * switches a Deployment from RollingUpdate to Recreate, or a volume from one source to another).
 * Every key the patch sets must be listed.
 */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!(RETAIN_KEYS in patch)) return;
  const keep = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(keep)) throw smpErrors.badPatchFormatForRetainKeys();
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!keep.includes(k)) throw smpErrors.badPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.includes(k)) delete original[k];
}

/**
 * `$setElementOrder/<field>`: merges the field's patch list (if any) and orders the result as the
 * directive lists it, with server-only items placed by their live position. The field is then
 * done: it is removed from the patch.
 */
function applySetElementOrder(original: JsonObject, patch: JsonObject, cur: SchemaCursor): void {
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    delete patch[k];
    if (!Array.isArray(order)) throw smpErrors.badArgType('[]interface {}', order);
    const key = directiveTarget(k, SET_ELEMENT_ORDER_PREFIX, smpErrors.badPatchFormatForSetElementOrderList);
    const ov = original[key];
    const pv = patch[key];
    if (ov !== undefined && !Array.isArray(ov)) throw smpErrors.badArgType('[]interface {}', ov);
    // A null patch list deletes the field; the main loop handles it.
    if (pv === null) continue;
    if (pv !== undefined && !Array.isArray(pv)) throw smpErrors.badArgType('[]interface {}', pv);
    const meta = lookupField(cur, key);
    validateSetElementOrder(pv ?? [], order, meta.mergeKey);
    let merged: unknown[];
    let liveOrder = ov ?? [];
    if (ov && pv && meta.strategy === 'merge') ({ list: merged, liveView: liveOrder } = mergeListWithView(ov, pv, meta));
    else if (pv) merged = freshList(pv, meta.items);
    else if (ov) merged = ov;
    else continue;
    delete patch[key];
    const both = [...(ov ?? []), ...(pv ?? [])];
    if (both.length === 0) {
      original[key] = merged;
      continue;
    }
    const kind = elementKind(both);
    const { inPatch, serverOnly } = partitionByPresence(merged, order, meta.mergeKey, kind);
    original[key] = normalizeElementOrder(inPatch, serverOnly, order, liveOrder, meta.mergeKey, kind);
  }
}

/** Upstream's sliceElementType: all items share one JSON type, and lists of lists are refused. */
function elementKind(items: readonly unknown[]): ElementKind {
  let seen: string | undefined;
  for (const v of items) {
    if (Array.isArray(v)) throw smpErrors.noListOfLists();
    if (v === null) continue;
    const t = isPlainObject(v) ? 'map' : typeof v;
    if (seen !== undefined && seen !== t) throw mergeFailure(`list element types are not identical: ${goPrint(items)}`);
    seen = t;
  }
  return seen === 'map' ? 'map' : 'scalar';
}

/** Merges two lists of a field with strategy `merge` (upstream mergeSlice). */
function mergeList(original: unknown[], patch: unknown[], meta: FieldPatchMeta): unknown[] {
  return mergeListWithView(original, patch, meta).list;
}

/**
 * mergeList, plus the live list as upstream's caller sees it afterwards. Upstream deletes items
 * from and appends new ones to the live slice in place, so a `$setElementOrder` processed with the
 * same list orders server-only items against [live items left, new items...] cut to the live
 * length. Reproducing that keeps kubectl apply's container order identical to kube-apiserver's.
 */
function mergeListWithView(original: unknown[], patch: unknown[], meta: FieldPatchMeta): { list: unknown[]; liveView: unknown[] } {
  if (original.length === 0 && patch.length === 0) return { list: original, liveView: original };
  const kind = elementKind([...original, ...patch]);
  const { mergeKey } = meta;
  let base = original;
  let items = patch;
  let merged: unknown[];
  let liveView = original;
  if (kind === 'scalar') {
    // Primitive lists with strategy merge are sets (finalizers, podCIDRs): union, no duplicates.
    merged = [...new Set([...original, ...patch])];
  } else {
    if (!mergeKey) throw mergeFailure('cannot merge lists without merge key for map');
    const special = applyListDirectives(original, patch, mergeKey);
    if (special.replace) {
      base = freshList(special.items, meta.items);
      items = [];
    } else {
      ({ remaining: base, items } = special);
    }
    merged = [...base];
    const appended: unknown[] = [];
    for (const item of items) {
      const obj = item as JsonObject;
      if (!(mergeKey in obj)) throw smpErrors.noMergeKey(obj, mergeKey);
      const at = findByKey(merged, mergeKey, obj[mergeKey]);
      // An item with a known key merges into the live item; a new key is appended.
      if (at >= 0) {
        merged[at] = mergeMap(merged[at] as JsonObject, obj, meta.items);
      } else {
        const added = mergeMap({}, obj, meta.items);
        merged.push(added);
        appended.push(added);
      }
    }
    liveView = [...special.remaining, ...(special.replace ? [] : appended)].slice(0, original.length);
  }
  const { inPatch, serverOnly } = partitionByPresence(merged, items, mergeKey, kind);
  return { list: normalizeElementOrder(inPatch, serverOnly, items, base, mergeKey, kind), liveView };
}

/**
 * The special items of a merged list of objects: `{$patch: delete, <key>: v}` removes the live
 * items with that key; `{$patch: replace}` makes the rest of the patch list the new list.
 */
function applyListDirectives(original: unknown[], patch: unknown[], mergeKey: string): { remaining: unknown[]; items: unknown[]; replace: boolean } {
  let remaining = original;
  const items: unknown[] = [];
  let replace = false;
  for (const v of patch) {
    const obj = v as JsonObject;
    if (!(DIRECTIVE in obj)) {
      items.push(v);
      continue;
    }
    const directive = obj[DIRECTIVE];
    if (directive === 'delete') {
      if (!(mergeKey in obj)) throw smpErrors.noMergeKey(obj, mergeKey);
      remaining = remaining.filter((x) => !(isPlainObject(x) && x[mergeKey] === obj[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw mergeFailure('merging lists cannot yet be specified in the patch');
    } else {
      throw smpErrors.badPatchType(directive, obj);
    }
  }
  return { remaining, items, replace };
}

/** Index of the live item whose merge key equals `value`; live items must be objects. */
function findByKey(list: unknown[], mergeKey: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (!isPlainObject(x)) throw mergeFailure(`value for key ${i} is not a map`);
    if (x[mergeKey] === value) return i;
  }
  return -1;
}
