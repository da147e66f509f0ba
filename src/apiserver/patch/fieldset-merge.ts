/**
 * structured-merge-diff's Merge (an apply configuration merged into a live object) and prune
 * (removal of the fields an applier stopped applying), over plain JSON and fieldset-schema.ts.
 */
import { isPlainObject } from '../../api/object.js';
import type { Definitions, Schema } from '../../api/schema/types.js';
import type { FieldNode } from './fieldpath.js';
import { fieldPE, pathString } from './fieldpath.js';
import type { NodeInfo } from './fieldset-schema.js';
import { fieldSchema, isNamedField, nodeInfo } from './fieldset-schema.js';
import type { Ctx } from './fieldset-walk.js';
import { FieldSetError, hasKids, itemPE, where } from './fieldset-walk.js';

type Obj = Record<string, unknown>;

/**
 * Merges an apply configuration into a live object: struct fields and map entries recursively,
 * associative lists item by item (keeping the live order, with the configuration's order for
 * shared items), atomic values replaced. Returns fresh containers wherever both sides contribute;
 * explicit nulls are dropped (they decode to absent fields).
 */
export function merge(l: unknown, r: unknown, schema: Schema | undefined, defs: Definitions): unknown {
  return mergeValue(l, r, schema, { defs, path: [] });
}

/** A copy without explicit nulls in maps. */
export function cleanCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cleanCopy);
  if (isPlainObject(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = cleanCopy(x);
    return out;
  }
  return v;
}

function mergeValue(l: unknown, r: unknown, schema: Schema | undefined, ctx: Ctx): unknown {
  if (r === undefined) return l;
  if (l === undefined || l === null || r === null) return cleanCopy(r);
  const info = nodeInfo(ctx.defs, schema);
  if (Array.isArray(r) && Array.isArray(l)) {
    if (info.listRel === 'atomic' || (l.length === 0 && r.length === 0)) return cleanCopy(r);
    return mergeItems(info, l, r, ctx);
  }
  if (isPlainObject(r) && isPlainObject(l)) {
    if (info.atomicMap) return cleanCopy(r);
    const out: Obj = {};
    for (const k of Object.keys(l)) {
      const pe = fieldPE(k);
      ctx.path.push(pe);
      const v = mergeValue(l[k], r[k], fieldSchema(info, k), ctx);
      ctx.path.pop();
      if (v !== undefined && v !== null) out[k] = v;
    }
    for (const k of Object.keys(r)) {
      if (k in l) continue;
      const v = r[k];
      if (v !== undefined && v !== null) out[k] = cleanCopy(v);
    }
    return out;
  }
  return cleanCopy(r);
}

/** Associative list merge, in structured-merge-diff's order (live order; shared items follow the config). */
function mergeItems(info: NodeInfo, l: unknown[], r: unknown[], ctx: Ctx): unknown[] {
  const rPEs = r.map((item, i) => itemPE(info, item, where(ctx, i)));
  const rMap = new Map<string, unknown>();
  rPEs.forEach((pe, i) => {
    if (rMap.has(pe)) throw new FieldSetError(`${pathString(ctx.path)}: duplicate entries for key ${pathString([pe])}`);
    rMap.set(pe, r[i]);
  });
  const lPEs: string[] = [];
  const lMap = new Map<string, unknown>();
  l.forEach((item, i) => {
    const pe = itemPE(info, item, where(ctx, i));
    if (lMap.has(pe)) return; // live duplicates: the first one wins
    lMap.set(pe, item);
    lPEs.push(pe);
  });
  const shared = rPEs.filter((pe) => lMap.has(pe));
  let sharedIdx = 0;
  let nextShared: string | undefined = shared[sharedIdx];
  const emitted = new Set<string>();
  const out: unknown[] = [];
  const emit = (pe: string, lv: unknown, rv: unknown): void => {
    ctx.path.push(pe);
    const v = mergeValue(lv, rv, info.items, ctx);
    ctx.path.pop();
    if (v !== undefined && v !== null) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < lPEs.length || ri < rPEs.length) {
    if (li < lPEs.length && ri < rPEs.length) {
      const pe = lPEs[li]!;
      if (pe === rPEs[ri]) {
        emitted.add(pe);
        emit(pe, lMap.get(pe), rMap.get(pe));
        li++;
        ri++;
        nextShared = shared[++sharedIdx];
        continue;
      }
      if (rMap.has(pe) && nextShared !== undefined && nextShared !== pe) {
        li++;
        continue;
      }
    }
    if (li < lPEs.length) {
      const pe = lPEs[li]!;
      if (!rMap.has(pe)) {
        emit(pe, lMap.get(pe), undefined);
        li++;
        continue;
      } else if (emitted.has(pe)) {
        li++;
      }
    }
    if (ri < rPEs.length) {
      const pe = rPEs[ri]!;
      emitted.add(pe);
      emit(pe, lMap.get(pe), rMap.get(pe));
      ri++;
      if (nextShared === pe) nextShared = shared[++sharedIdx];
    }
  }
  return out;
}

// ---- Prune ----

/**
 * Removes from `merged` (in place) the fields the applier owned before (`last`) that nobody owns
 * now (`owned`, all managers including the applier's new set): structured-merge-diff's prune with
 * EnsureNamedFieldsAreMembers (a struct field counts as owned when anything under it is).
 */
export function prune(merged: unknown, last: FieldNode, owned: FieldNode, schema: Schema | undefined, defs: Definitions): void {
  pruneNode(merged, last, owned, schema, { defs, path: [] });
}

function pruneNode(v: unknown, last: FieldNode, owned: FieldNode | undefined, schema: Schema | undefined, ctx: Ctx): void {
  if (!last.children) return;
  const info = nodeInfo(ctx.defs, schema);
  const gone = (pe: string, named: boolean): boolean => {
    const lc = last.children!.get(pe)!;
    const oc = owned?.children?.get(pe);
    const lastHas = lc.member || (named && hasKids(lc));
    const ownedHas = !!oc && (oc.member || (named && hasKids(oc)));
    return lastHas && !ownedHas;
  };
  if (isPlainObject(v)) {
    if (info.atomicMap) return;
    for (const [pe, lc] of last.children) {
      if (!pe.startsWith('f:')) continue;
      const k = pe.slice(2);
      if (!(k in v)) continue;
      if (gone(pe, isNamedField(info, k))) delete v[k];
      else if (hasKids(lc)) {
        ctx.path.push(pe);
        pruneNode(v[k], lc, owned?.children?.get(pe), fieldSchema(info, k), ctx);
        ctx.path.pop();
      }
    }
    return;
  }
  if (Array.isArray(v) && info.listRel !== 'atomic') {
    const keep: boolean[] = v.map(() => true);
    v.forEach((item, i) => {
      let pe: string;
      try {
        pe = itemPE(info, item, where(ctx, i));
      } catch {
        return;
      }
      const lc = last.children!.get(pe);
      if (!lc) return;
      if (gone(pe, false)) keep[i] = false;
      else if (hasKids(lc)) {
        ctx.path.push(pe);
        pruneNode(item, lc, owned?.children?.get(pe), info.items, ctx);
        ctx.path.pop();
      }
    });
    for (let i = v.length - 1; i >= 0; i--) if (!keep[i]) v.splice(i, 1);
  }
}
