/**
 * Element order of merged lists, as upstream strategic merge patch keeps it (see the
 * "preserve order in strategic merge patch" design): items named by the patch (or by a
 * `$setElementOrder/<field>` list) come in the patch's order, items only the server has keep their
 * live order, and the two are interleaved using the live list as the reference. Items are compared
 * by merge key for lists of objects and by value for lists of primitives.
 */
import { isPlainObject } from '../../api/object.js';
import { DIRECTIVE, SET_ELEMENT_ORDER_PREFIX, goPrint, mergeFailure, smpErrors } from './strategic-errors.js';

/** Whether the list holds objects (compared by merge key) or primitives (compared by value). */
export type ElementKind = 'map' | 'scalar';

/** The comparison value of an item: its merge-key value for objects, itself for primitives. */
function keyOf(item: unknown, mergeKey: string, kind: ElementKind): unknown {
  if (kind !== 'map') return item;
  return isPlainObject(item) ? item[mergeKey] : undefined;
}

/** Index of `item` in `list` by merge key (objects) or value (primitives); -1 when absent. */
export function indexIn(list: readonly unknown[], item: unknown, mergeKey: string, kind: ElementKind): number {
  const want = keyOf(item, mergeKey, kind);
  return list.findIndex((x) => keyOf(x, mergeKey, kind) === want);
}

/** Throws upstream's "does not contain declared merge key" unless every item is an object with the key. */
export function requireMergeKey(mergeKey: string, ...lists: readonly unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isPlainObject(item)) throw smpErrors.badArgType('map[string]interface {}', item);
      if (!(mergeKey in item)) throw smpErrors.noMergeKey(item, mergeKey);
    }
  }
}

/** Splits out the `{$patch: delete}` items (they sort last, as upstream's extractToDeleteItems). */
function splitDeletes(list: unknown[]): { keep: unknown[]; deletes: unknown[] } {
  const keep: unknown[] = [];
  const deletes: unknown[] = [];
  for (const v of list) (isPlainObject(v) && v[DIRECTIVE] === 'delete' ? deletes : keep).push(v);
  return { keep, deletes };
}

/** Stable sort of `toSort` by the position of each item in `order`. */
function sortByOrder(toSort: unknown[], order: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let list = toSort;
  let deletes: unknown[] = [];
  if (kind === 'map') {
    requireMergeKey(mergeKey, toSort, order as unknown[]);
    ({ keep: list, deletes } = splitDeletes(toSort));
  }
  const pos = new Map<unknown, number>();
  list.forEach((v) => pos.set(v, indexIn(order, v, mergeKey, kind)));
  const sorted = [...list].sort((a, b) => {
    const ia = pos.get(a) ?? -1;
    const ib = pos.get(b) ?? -1;
    return ia >= 0 && ib >= 0 ? ia - ib : 0;
  });
  return [...sorted, ...deletes];
}

/**
 * Interleaves server-only items (`left`) into patch items (`right`): each left item goes before
 * the first right item that comes after it in the live list. Relative orders of both are kept.
 */
function mergeSorted(left: unknown[], right: unknown[], serverOrder: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/**
 * The final order of a merged list: `patchItems` sorted by `patchOrder`, `serverOnly` sorted by
 * `serverOrder` (the live list), then interleaved (upstream normalizeElementOrder).
 */
export function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const p = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const s = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSorted(s, p, serverOrder, mergeKey, kind);
}

/** Splits `merged` into the items present in `by` and the others (server-only), keeping order. */
export function partitionByPresence(merged: unknown[], by: readonly unknown[], mergeKey: string, kind: ElementKind): { inPatch: unknown[]; serverOnly: unknown[] } {
  if (kind === 'map') requireMergeKey(mergeKey, merged);
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of merged) (indexIn(by, v, mergeKey, kind) >= 0 ? inPatch : serverOnly).push(v);
  return { inPatch, serverOnly };
}

/**
 * Checks that a `$setElementOrder` list is consistent with the patch list it orders: every
 * non-deleted patch item must appear in the order list, in the same relative order.
 */
export function validateSetElementOrder(patchList: readonly unknown[], order: readonly unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items: unknown[] = [...patchList];
  if (mergeKey) {
    for (const v of items) if (!isPlainObject(v)) throw smpErrors.badArgType('map[string]interface {}', v);
    items = splitDeletes(items).keep;
  }
  const same = (a: unknown, b: unknown): boolean => {
    if (!mergeKey) return a === b;
    if (!isPlainObject(a)) throw smpErrors.badArgType('map[string]interface {}', a);
    if (!isPlainObject(b)) throw smpErrors.badArgType('map[string]interface {}', b);
    if (!(mergeKey in a)) throw smpErrors.noMergeKey(a, mergeKey);
    if (!(mergeKey in b)) throw smpErrors.noMergeKey(b, mergeKey);
    return a[mergeKey] === b[mergeKey];
  };
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isPlainObject(item) && DIRECTIVE in item) {
      p++;
      continue;
    }
    if (same(item, order[o])) p++;
    o++;
  }
  if (p < items.length) {
    throw mergeFailure(`The order in patch list:\n${goPrint(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goPrint(order)}\n`);
  }
}
