/**
 * Walks of structured-merge-diff's typed values, over plain JSON plus the schema view of
 * fieldset-schema.ts: ToFieldSet (the fields an object sets) and Compare (which fields changed
 * between two objects). Merge and prune live in fieldset-merge.ts.
 */
import { deepEqual, isPlainObject } from '../../api/object.js';
import type { Definitions, Schema } from '../../api/schema/types.js';
import type { FieldNode } from './fieldpath.js';
import { child, fieldPE, insert, keyPE, newSet, pathString, valuePE } from './fieldpath.js';
import type { NodeInfo } from './fieldset-schema.js';
import { fieldSchema, isNamedField, nodeInfo } from './fieldset-schema.js';

/** A value that cannot be mapped onto field paths (an associative list item without keys, duplicates). */
export class FieldSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldSetError';
  }
}

type Obj = Record<string, unknown>;

/** Whether a node has any child. */
export function hasKids(n: FieldNode | undefined): boolean {
  return !!n?.children && n.children.size > 0;
}

/** The path element of a list item of an associative list (listItemToPathElement). */
export function itemPE(info: NodeInfo, item: unknown, where: () => string): string {
  if (info.listRel === 'set') {
    if (isPlainObject(item)) throw new FieldSetError(`${where()}: associative list without keys has an element that's a map type`);
    if (Array.isArray(item)) throw new FieldSetError(`${where()}: not supported: associative list with lists as elements`);
    if (item === null) throw new FieldSetError(`${where()}: associative list without keys has an element that's an explicit null`);
    return valuePE(item);
  }
  if (item === null) throw new FieldSetError(`${where()}: associative list with keys may not have a null element`);
  if (!isPlainObject(item)) throw new FieldSetError(`${where()}: associative list with keys may not have non-map elements`);
  const fields: Array<[string, unknown]> = [];
  for (const k of info.keys) {
    const v = item[k];
    if (v !== undefined) fields.push([k, v]);
    else if (info.keyDefaults?.[k] !== undefined) fields.push([k, info.keyDefaults[k]]);
  }
  if (fields.length === 0) {
    throw new FieldSetError(`${where()}: associative list with keys has an element that omits all key fields ${JSON.stringify(info.keys)} (and doesn't have default values for any key fields)`);
  }
  return keyPE(fields);
}

/** Walk context: the definitions and the path so far (for error messages only). */
export interface Ctx {
  defs: Definitions;
  path: string[];
}

/** The error location of list item `i` at the current path. */
export function where(ctx: Ctx, i: number): () => string {
  return () => `${pathString(ctx.path)}: element ${i}`;
}

/** Drops an empty child node that a walk created but did not fill. */
function settle(parent: FieldNode, pe: string, c: FieldNode): void {
  if (!c.member && !hasKids(c)) parent.children?.delete(pe);
}

// ---- ToFieldSet ----

/** The set of fields an object (an apply configuration) specifies, as ToFieldSet computes it. */
export function toFieldSet(v: unknown, schema: Schema | undefined, defs: Definitions): FieldNode {
  const root = newSet();
  tfs(root, v, schema, { defs, path: [] });
  return root;
}

function tfs(node: FieldNode, v: unknown, schema: Schema | undefined, ctx: Ctx): void {
  if (Array.isArray(v)) {
    const info = nodeInfo(ctx.defs, schema);
    if (info.listRel === 'atomic') {
      node.member = true;
      return;
    }
    const pes = v.map((item, i) => itemPE(info, item, where(ctx, i)));
    const seen = new Set<string>();
    const dups = new Set<string>();
    for (const pe of pes) {
      if (seen.has(pe)) dups.add(pe);
      seen.add(pe);
    }
    // Duplicated items are owned as a whole (the item path only), like upstream.
    for (const pe of dups) child(node, pe).member = true;
    v.forEach((item, i) => {
      const pe = pes[i]!;
      if (dups.has(pe)) return;
      const c = child(node, pe);
      ctx.path.push(pe);
      tfs(c, item, info.items, ctx);
      ctx.path.pop();
      c.member = true;
    });
    return;
  }
  if (isPlainObject(v)) {
    const info = nodeInfo(ctx.defs, schema);
    if (info.atomicMap) {
      node.member = true;
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      const pe = fieldPE(k);
      const c = child(node, pe);
      ctx.path.push(pe);
      tfs(c, x, fieldSchema(info, k), ctx);
      ctx.path.pop();
      if (x === null || (isPlainObject(x) && Object.keys(x).length === 0) || !isNamedField(info, k)) c.member = true;
      settle(node, pe, c);
    }
    return;
  }
  node.member = true;
}

// ---- Compare ----

/** What changed between two objects: `changed` = Added ∪ Modified, `removed` = Removed. */
export interface Comparison {
  changed: FieldNode;
  removed: FieldNode;
}

/** Compare of structured-merge-diff: leaves that differ, and containers that appeared or vanished. */
export function compare(l: unknown, r: unknown, schema: Schema | undefined, defs: Definitions): Comparison {
  const ctx: CmpCtx = { defs, path: [], changed: newSet(), removed: newSet() };
  cmp(l, r, schema, ctx);
  return { changed: ctx.changed, removed: ctx.removed };
}

/** Compare state: results are inserted by path, so nothing is allocated for unchanged fields. */
interface CmpCtx extends Ctx {
  changed: FieldNode;
  removed: FieldNode;
}

type Kind = 'map' | 'list' | 'scalar' | 'null';

function kindOf(v: unknown): Kind | undefined {
  if (v === undefined) return undefined;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  return 'scalar';
}

function leaf(l: unknown, r: unknown, ctx: CmpCtx): void {
  if (l === undefined) insert(ctx.changed, ctx.path);
  else if (r === undefined) insert(ctx.removed, ctx.path);
  else if (!deepEqual(l, r)) insert(ctx.changed, ctx.path);
}

function cmp(l: unknown, r: unknown, schema: Schema | undefined, ctx: CmpCtx): void {
  const kl = kindOf(l);
  const kr = kindOf(r);
  const k = kr === undefined || kr === 'null' ? (kl ?? kr) : kr;
  const mismatch = kl !== undefined && kr !== undefined && kl !== kr && kl !== 'null' && kr !== 'null';
  if (mismatch || k === 'scalar' || k === 'null' || k === undefined) {
    leaf(l, r, ctx);
    return;
  }
  const info = nodeInfo(ctx.defs, schema);
  if (k === 'list') {
    const la = Array.isArray(l) ? l : [];
    const ra = Array.isArray(r) ? r : [];
    if (info.listRel === 'atomic' || (la.length === 0 && ra.length === 0)) {
      leaf(l, r, ctx);
      return;
    }
    cmpItems(info, la, ra, ctx);
  } else {
    const lm = isPlainObject(l) ? l : {};
    const rm = isPlainObject(r) ? r : {};
    if (info.atomicMap || (isEmptyObj(lm) && isEmptyObj(rm))) {
      leaf(l, r, ctx);
      return;
    }
    for (const key in lm) cmpField(info, key, lm[key], rm[key], ctx);
    for (const key in rm) if (!(key in lm)) cmpField(info, key, undefined, rm[key], ctx);
  }
  if (l === undefined) insert(ctx.changed, ctx.path);
  else if (r === undefined) insert(ctx.removed, ctx.path);
}

function isEmptyObj(o: Obj): boolean {
  for (const k in o) if (o[k] !== undefined) return false;
  return true;
}

function cmpField(info: NodeInfo, key: string, lv: unknown, rv: unknown, ctx: CmpCtx): void {
  if (lv === undefined && rv === undefined) return;
  ctx.path.push(fieldPE(key));
  cmp(lv, rv, fieldSchema(info, key), ctx);
  ctx.path.pop();
}

function groupItems(info: NodeInfo, list: unknown[], ctx: Ctx, order: string[], seen: Map<string, unknown[]> | undefined): Map<string, unknown[]> {
  const m = new Map<string, unknown[]>();
  list.forEach((item, i) => {
    const pe = itemPE(info, item, where(ctx, i));
    const g = m.get(pe);
    if (g) g.push(item);
    else {
      m.set(pe, [item]);
      if (!seen?.has(pe)) order.push(pe);
    }
  });
  return m;
}

function cmpItems(info: NodeInfo, la: unknown[], ra: unknown[], ctx: CmpCtx): void {
  const order: string[] = [];
  const lg = groupItems(info, la, ctx, order, undefined);
  const rg = groupItems(info, ra, ctx, order, lg);
  for (const pe of order) {
    const L = lg.get(pe) ?? [];
    const R = rg.get(pe) ?? [];
    ctx.path.push(pe);
    if (L.length <= 1 && R.length <= 1) {
      cmp(L[0], R[0], info.items, ctx);
    } else if (L.length >= 2 && R.length >= 2) {
      if (!deepEqual(L, R)) insert(ctx.changed, ctx.path);
    } else if (L.length >= 2) {
      if (R.length) cmp(undefined, R[0], info.items, ctx);
      insert(ctx.removed, ctx.path);
    } else {
      if (L.length) cmp(L[0], undefined, info.items, ctx);
      insert(ctx.changed, ctx.path);
    }
    ctx.path.pop();
  }
}
