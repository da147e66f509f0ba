/**
 * Field sets as structured-merge-diff keeps them (sigs.k8s.io/structured-merge-diff fieldpath),
 * stored as a tree keyed by serialized path elements, which is also the FieldsV1 wire format of
 * metadata.managedFields: `f:<field>`, `k:<json of the list-map keys>`, `v:<json of a set value>`,
 * `i:<index>`. A node is a *member* when the path ending there is in the set; a member node that
 * also has children is written with a `".": {}` entry.
 */

/** One node of a field set; the root is never a member. */
export interface FieldNode {
  member: boolean;
  children: Map<string, FieldNode> | undefined;
}

/** An empty field set. */
export function newSet(): FieldNode {
  return { member: false, children: undefined };
}

/** The child node for a path element, created when absent. */
export function child(n: FieldNode, pe: string): FieldNode {
  n.children ??= new Map();
  let c = n.children.get(pe);
  if (!c) {
    c = { member: false, children: undefined };
    n.children.set(pe, c);
  }
  return c;
}

/** Adds a path (a list of serialized path elements) to the set. */
export function insert(set: FieldNode, path: readonly string[]): void {
  let n = set;
  for (const pe of path) n = child(n, pe);
  if (path.length) n.member = true;
}

/** Whether the exact path is a member of the set. */
export function has(set: FieldNode, path: readonly string[]): boolean {
  let n: FieldNode | undefined = set;
  for (const pe of path) {
    n = n.children?.get(pe);
    if (!n) return false;
  }
  return path.length > 0 && n.member;
}

/** True when no path is a member. */
export function isEmpty(set: FieldNode): boolean {
  if (set.member) return false;
  if (!set.children) return true;
  for (const c of set.children.values()) if (!isEmpty(c)) return false;
  return true;
}

/** Deep copy of a set. */
export function copySet(n: FieldNode): FieldNode {
  const out: FieldNode = { member: n.member, children: undefined };
  if (n.children) {
    out.children = new Map();
    for (const [k, c] of n.children) out.children.set(k, copySet(c));
  }
  return out;
}

/** a ∪ b, as a new set. */
export function union(a: FieldNode, b: FieldNode): FieldNode {
  const out = copySet(a);
  addAll(out, b);
  return out;
}

/** Adds every member of `b` into `into` (in place). */
export function addAll(into: FieldNode, b: FieldNode): void {
  if (b.member) into.member = true;
  if (!b.children) return;
  for (const [k, c] of b.children) addAll(child(into, k), c);
}

/** a ∩ b, as a new set (empty branches dropped). */
export function intersection(a: FieldNode, b: FieldNode): FieldNode {
  const out: FieldNode = { member: a.member && b.member, children: undefined };
  if (a.children && b.children) {
    for (const [k, ac] of a.children) {
      const bc = b.children.get(k);
      if (!bc) continue;
      const c = intersection(ac, bc);
      if (c.member || c.children) {
        out.children ??= new Map();
        out.children.set(k, c);
      }
    }
  }
  return out;
}

/** a − b (member-wise, not recursive: a member of b removes only that exact path), as a new set. */
export function difference(a: FieldNode, b: FieldNode): FieldNode {
  const out: FieldNode = { member: a.member && !b.member, children: undefined };
  if (a.children) {
    for (const [k, ac] of a.children) {
      const bc = b.children?.get(k);
      const c = bc ? difference(ac, bc) : copySet(ac);
      if (c.member || (c.children && c.children.size)) {
        out.children ??= new Map();
        out.children.set(k, c);
      }
    }
  }
  return out;
}

/** Removes every member of `b` from `a` in place and drops branches left empty. */
export function removeAll(a: FieldNode, b: FieldNode): void {
  if (b.member) a.member = false;
  if (!a.children || !b.children) return;
  for (const [k, bc] of b.children) {
    const ac = a.children.get(k);
    if (!ac) continue;
    removeAll(ac, bc);
    if (!ac.member && (!ac.children || ac.children.size === 0)) a.children.delete(k);
  }
}

/** Every member path, in the canonical (sorted) order. */
export function paths(set: FieldNode): string[][] {
  const out: string[][] = [];
  const walk = (n: FieldNode, prefix: string[]): void => {
    if (!n.children) return;
    for (const k of sortedKeys(n.children)) {
      const c = n.children.get(k)!;
      const p = [...prefix, k];
      if (c.member) out.push(p);
      walk(c, p);
    }
  };
  walk(set, []);
  return out;
}

// ---- path elements ----

/** `f:<name>` */
export function fieldPE(name: string): string {
  return `f:${name}`;
}

/** `k:{"name":"web"}`: the key fields sorted by name, as structured-merge-diff's FieldList.Sort. */
export function keyPE(fields: Array<[string, unknown]>): string {
  const sorted = fields.length > 1 ? [...fields].sort((a, b) => cmpStr(a[0], b[0])) : fields;
  return `k:{${sorted.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

/** `v:<json>` for an element of a set-list. */
export function valuePE(v: unknown): string {
  return `v:${JSON.stringify(v)}`;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const rank: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

function valueRank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === 'object') return 4;
  return 5;
}

/** value.Compare of structured-merge-diff: numbers < strings < bools < lists < maps < null. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return (a as number) - (b as number);
    case 1:
      return cmpStr(a as string, b as string);
    case 2:
      return Number(a) - Number(b);
    case 3: {
      const la = a as unknown[];
      const lb = b as unknown[];
      for (let i = 0; i < Math.min(la.length, lb.length); i++) {
        const c = compareValues(la[i], lb[i]);
        if (c) return c;
      }
      return la.length - lb.length;
    }
    case 4: {
      const ka = Object.keys(a as object).sort();
      const kb = Object.keys(b as object).sort();
      for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
        const c = cmpStr(ka[i]!, kb[i]!) || compareValues((a as Record<string, unknown>)[ka[i]!], (b as Record<string, unknown>)[kb[i]!]);
        if (c) return c;
      }
      return ka.length - kb.length;
    }
  }
  return 0;
}

function parsePE(pe: string): unknown {
  try {
    return JSON.parse(pe.slice(2)) as unknown;
  } catch {
    return pe.slice(2);
  }
}

/** PathElement.Compare: fields, then keys, then values, then indexes; each by content. */
export function comparePE(a: string, b: string): number {
  const ta = rank[a[0] ?? ''] ?? 4;
  const tb = rank[b[0] ?? ''] ?? 4;
  if (ta !== tb) return ta - tb;
  if (ta === 0) return cmpStr(a, b);
  if (ta === 3) return Number(a.slice(2)) - Number(b.slice(2));
  const va = parsePE(a);
  const vb = parsePE(b);
  if (ta === 1 && va && vb && typeof va === 'object' && typeof vb === 'object') {
    // FieldList.Compare: pairwise by name then value, then by length.
    const ea = Object.entries(va);
    const eb = Object.entries(vb);
    for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
      const c = cmpStr(ea[i]![0], eb[i]![0]) || compareValues(ea[i]![1], eb[i]![1]);
      if (c) return c;
    }
    return ea.length - eb.length;
  }
  return compareValues(va, vb);
}

function sortedKeys(m: Map<string, FieldNode>): string[] {
  const keys = [...m.keys()];
  if (keys.length > 1) keys.sort(comparePE);
  return keys;
}

/** The human form of a path, as fieldpath.Path.String prints it: `.spec.containers[name="web"].image`. */
export function pathString(path: readonly string[]): string {
  let s = '';
  for (const pe of path) {
    const t = pe[0];
    if (t === 'f') s += `.${pe.slice(2)}`;
    else if (t === 'i') s += `[${pe.slice(2)}]`;
    else if (t === 'v') s += `[=${valueString(parsePE(pe))}]`;
    else if (t === 'k') {
      const v = parsePE(pe);
      const parts = v && typeof v === 'object' ? Object.entries(v).map(([k, x]) => `${k}=${valueString(x)}`) : [];
      s += `[${parts.join(',')}]`;
    } else s += pe;
  }
  return s;
}

/** value.ToString: strings quoted, everything else in its JSON-like form. */
function valueString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(v);
}

// ---- FieldsV1 ----

/** Encodes a set as a FieldsV1 object: children in canonical order, "." first for members with children. */
export function toFieldsV1(set: FieldNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!set.children) return out;
  for (const k of sortedKeys(set.children)) {
    const c = set.children.get(k)!;
    const hasKids = !!c.children && c.children.size > 0;
    if (!c.member && !hasKids) continue;
    if (!hasKids) {
      out[k] = {};
      continue;
    }
    const inner = toFieldsV1(c);
    out[k] = c.member ? { '.': {}, ...inner } : inner;
  }
  return out;
}

/** Decodes FieldsV1; throws on a malformed document (callers fall back like upstream does). */
export function fromFieldsV1(v: unknown): FieldNode {
  const root = newSet();
  if (v === undefined || v === null) return root;
  decodeInto(root, v, 0);
  return root;
}

function decodeInto(n: FieldNode, v: unknown, depth: number): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || depth > 100) throw new Error('FieldsV1: expected an object');
  for (const [k, c] of Object.entries(v as Record<string, unknown>)) {
    if (k === '.') {
      n.member = true;
      continue;
    }
    if (k.length < 2 || k[1] !== ':' || !(k[0]! in rank)) throw new Error(`FieldsV1: invalid path element ${k}`);
    const cn = child(n, k);
    if (typeof c === 'object' && c !== null && Object.keys(c).length === 0) cn.member = true;
    else decodeInto(cn, c, depth + 1);
  }
}
