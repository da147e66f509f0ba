/**
 * metadata.managedFields bookkeeping for non-apply writes, as upstream's fieldmanager does it
 * (k8s.io/apimachinery/pkg/util/managedfields/internal): the writer's entry gains every field the
 * write changed, every other entry loses those fields and the removed ones, empty entries are
 * dropped, at most 10 Update entries are kept (older ones merge into "ancient-changes"), and
 * entries are sorted Apply first, then by time.
 */
import type { KubeObject, ManagedFieldsEntry } from '../../api/object.js';
import { deepEqual, isPlainObject } from '../../api/object.js';
import type { Definitions, Schema } from '../../api/schema/types.js';
import type { FieldNode } from './fieldpath.js';
import { addAll, copySet, fromFieldsV1, insert, isEmpty, newSet, removeAll, toFieldsV1, union } from './fieldpath.js';
import { zeroObject } from './fieldset-schema.js';
import { compare, FieldSetError } from './fieldset-walk.js';

/** One decoded managedFields entry. */
export interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldNode;
}

/** Entries by manager identifier (see managerKey). */
export type Managers = Map<string, ManagerEntry>;

/**
 * BuildManagerIdentifier: the JSON of the entry without fields and time, and without apiVersion
 * for appliers (an applier stays the same manager whatever version it applies with).
 */
export function managerKey(manager: string, operation: 'Apply' | 'Update', apiVersion: string, subresource?: string): string {
  const id: Record<string, string> = {};
  if (manager) id.manager = manager;
  id.operation = operation;
  if (operation === 'Update' && apiVersion) id.apiVersion = apiVersion;
  if (subresource) id.subresource = subresource;
  return JSON.stringify(id);
}

/** How upstream names a manager in conflict messages: `"kubectl" using apps/v1`, `"x" with subresource "status"`. */
export function printManager(key: string): string {
  let id: { manager?: string; operation?: string; apiVersion?: string; subresource?: string };
  try {
    id = JSON.parse(key) as typeof id;
  } catch {
    return JSON.stringify(key);
  }
  let s = JSON.stringify(id.manager ?? '');
  if (id.subresource) s += ` with subresource ${JSON.stringify(id.subresource)}`;
  if (id.operation === 'Update') s += ` using ${id.apiVersion ?? ''}`;
  return s;
}

/** DecodeManagedFields; throws on entries upstream rejects (bad operation, no apiVersion, fieldsType). */
export function decodeManagedFields(entries: unknown): Managers {
  const out: Managers = new Map();
  if (entries === undefined || entries === null) return out;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((raw: unknown, i) => {
    if (!isPlainObject(raw)) throw new Error(`invalid managed fields entry ${i}`);
    const e = raw as ManagedFieldsEntry;
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new Error('apiVersion must not be empty');
    if (!e.fieldsType) throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType "${e.fieldsType}" in managed fields entry ${i}`);
    const key = managerKey(e.manager ?? '', e.operation, e.apiVersion, e.subresource);
    out.set(key, {
      manager: e.manager ?? '',
      operation: e.operation,
      apiVersion: e.apiVersion,
      subresource: e.subresource || undefined,
      time: e.time,
      set: fromFieldsV1(e.fieldsV1),
    });
  });
  return out;
}

/** Decodes, or yields no managers when the stored entries are unreadable (emptyManagedFieldsOnErr). */
export function decodeOrEmpty(entries: unknown): Managers {
  try {
    return decodeManagedFields(entries);
  } catch {
    return new Map();
  }
}

function seconds(t: string | undefined): number {
  if (!t) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** encodeManagedFields + sortEncodedManagedFields; undefined when there are no managers. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] | undefined {
  if (managers.size === 0) return undefined;
  const list = [...managers.values()];
  list.sort(
    (p, q) =>
      cmpStr(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmpStr(p.manager, q.manager) ||
      cmpStr(p.apiVersion, q.apiVersion) ||
      cmpStr(p.subresource ?? '', q.subresource ?? ''),
  );
  return list.map((e) => {
    const out: Record<string, unknown> = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
    if (e.time) out.time = e.time;
    out.fieldsType = 'FieldsV1';
    out.fieldsV1 = toFieldsV1(e.set);
    if (e.subresource) out.subresource = e.subresource;
    return out;
  });
}

/** The fields the stripMeta manager never records (system metadata and type meta). */
const STRIP: FieldNode = (() => {
  const s = newSet();
  for (const p of ['apiVersion', 'kind', 'metadata']) insert(s, [`f:${p}`]);
  for (const p of ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion']) {
    insert(s, ['f:metadata', `f:${p}`]);
  }
  return s;
})();

/** Removes the stripped system fields from a manager's set (in place). */
export function stripSystemFields(set: FieldNode): void {
  removeAll(set, STRIP);
}

/**
 * Reset fields (the strategies' GetResetFields): status is not owned through the main resource of
 * a built-in kind, and only status is owned through the status subresource. Custom resources
 * carry no such knowledge here; the pipeline already keeps status out of their main-resource
 * writes when they have a status subresource.
 */
export function excludeResetFields(set: FieldNode, rootDef: string | undefined, subresource: string | undefined): void {
  if (!set.children) return;
  if (subresource === 'status') {
    for (const k of [...set.children.keys()]) if (k !== 'f:status') set.children.delete(k);
  } else if (rootDef && !subresource) {
    set.children.delete('f:status');
  }
}

/** The object without metadata.managedFields, for comparisons (shallow; inputs are not mutated). */
export function withoutManagedFields(obj: KubeObject): KubeObject {
  if (!obj.metadata || obj.metadata.managedFields === undefined) return obj;
  const { managedFields: _ignored, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** isResetManagedFields: `[]` or `[{}]` asks to drop all tracking. */
function isReset(mf: unknown): boolean {
  if (!Array.isArray(mf)) return false;
  if (mf.length === 0) return true;
  return mf.length === 1 && deepEqual(mf[0], {});
}

const MAX_UPDATE_MANAGERS = 10;

/** capUpdateManagers: merges the oldest Update entries into per-version "ancient-changes" buckets. */
export function capUpdateManagers(managers: Managers): void {
  const updaters = [...managers.entries()].filter(([, e]) => e.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort(([ka, a], [kb, b]) => seconds(a.time) - seconds(b.time) || cmpStr(ka, kb));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const [key, e] = updaters[i]!;
    const version = e.apiVersion;
    const bucket = managerKey('ancient-changes', 'Update', version);
    const first = firstOfVersion.get(version);
    if (first === undefined) {
      firstOfVersion.set(version, key);
      continue;
    }
    if (!managers.has(bucket)) {
      const f = managers.get(first)!;
      managers.delete(first);
      managers.set(bucket, { ...f, manager: 'ancient-changes', subresource: undefined });
    }
    const b = managers.get(bucket)!;
    managers.set(bucket, { ...b, set: union(e.set, b.set), time: e.time });
    managers.delete(key);
    length--;
  }
}

/** Options of updateManagedFields, as the pipeline passes them. */
export interface UpdateManagedFieldsOptions {
  manager: string;
  operation: 'Update' | 'Apply';
  apiVersion: string;
  subresource?: string;
  time: string;
  defs: Definitions;
  rootDef: string | undefined;
}

/** The managers a write starts from (decodeLiveOrNew). */
function startingManagers(old: KubeObject | undefined, obj: KubeObject, subresource: string | undefined): Managers {
  // Subresource writes may not set managedFields; the live object's are used.
  if (subresource) return decodeOrEmpty(old?.metadata.managedFields);
  const requested = obj.metadata.managedFields;
  if (isReset(requested)) return new Map();
  try {
    const m = decodeManagedFields(requested);
    if (m.size) return m;
  } catch {
    // Unreadable managedFields in the request: fall back to the live object's, like upstream.
  }
  return decodeOrEmpty(old?.metadata.managedFields);
}

/**
 * Updates obj.metadata.managedFields for a create (old undefined) or update by `opts.manager`.
 * On a create the manager owns every field it set (compared with the kind's zero value).
 */
export function updateManagedFields(old: KubeObject | undefined, obj: KubeObject, opts: UpdateManagedFieldsOptions): void {
  obj.metadata ??= {};
  const managers = startingManagers(old, obj, opts.subresource);
  const root: Schema | undefined = opts.rootDef ? opts.defs[opts.rootDef] : undefined;
  const before = old ? withoutManagedFields(old) : zeroObject(opts.defs, opts.rootDef);
  let changed: FieldNode;
  let removed: FieldNode;
  try {
    ({ changed, removed } = compare(before, withoutManagedFields(obj), root, opts.defs));
  } catch (e) {
    if (!(e instanceof FieldSetError)) throw e;
    // UpdateNoErrors: keep the live object's managedFields when the object cannot be tracked.
    if (old?.metadata.managedFields) obj.metadata.managedFields = old.metadata.managedFields;
    else delete obj.metadata.managedFields;
    return;
  }
  excludeResetFields(changed, opts.rootDef, opts.subresource);
  excludeResetFields(removed, opts.rootDef, opts.subresource);
  for (const [key, e] of managers) {
    removeAll(e.set, changed);
    removeAll(e.set, removed);
    if (isEmpty(e.set)) managers.delete(key);
  }
  const gained = copySet(changed);
  stripSystemFields(gained);
  if (!isEmpty(gained)) {
    const key = managerKey(opts.manager, opts.operation, opts.apiVersion, opts.subresource);
    const prev = managers.get(key);
    const set = prev ? prev.set : newSet();
    addAll(set, gained);
    managers.set(key, {
      manager: opts.manager,
      operation: opts.operation,
      apiVersion: opts.apiVersion,
      subresource: opts.subresource || undefined,
      time: opts.time,
      set,
    });
  }
  capUpdateManagers(managers);
  const encoded = encodeManagedFields(managers);
  if (encoded) obj.metadata.managedFields = encoded;
  else delete obj.metadata.managedFields;
}
