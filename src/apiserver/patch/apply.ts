/**
 * Server-side apply (application/apply-patch+yaml), as upstream's fieldmanager and
 * structured-merge-diff's Updater.Apply do it: the configuration is merged into the live object,
 * the applier's Apply entry becomes exactly the fields of the configuration, fields it applied
 * before and no longer applies are removed when nobody else owns them, and changing a field
 * another manager owns is a 409 conflict unless forced (force moves the ownership).
 * For the manager "kubectl", fields whose live value still equals the client-side apply
 * annotation are taken over without conflict, and that annotation is kept in sync.
 */
import { ApiError, errors } from '../../api/errors.js';
import type { StatusCause } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { deepEqual, isPlainObject } from '../../api/object.js';
import type { Definitions, Schema } from '../../api/schema/types.js';
import type { FieldNode } from './fieldpath.js';
import { addAll, difference, has, intersection, isEmpty, newSet, paths, pathString, removeAll } from './fieldpath.js';
import { compare, FieldSetError, toFieldSet } from './fieldset-walk.js';
import { merge, prune } from './fieldset-merge.js';
import type { Managers } from './managed-fields.js';
import { decodeOrEmpty, encodeManagedFields, excludeResetFields, managerKey, printManager, stripSystemFields, withoutManagedFields } from './managed-fields.js';
import { lastAppliedJSON, LAST_APPLIED } from './fieldset-lastapplied.js';

/** Options of serverSideApply, as the patch handler passes them. */
export interface ApplyOptions {
  manager: string;
  force: boolean;
  apiVersion: string;
  time: string;
  defs: Definitions;
  rootDef: string | undefined;
  /** the subresource applied to ('status'); the main resource when absent */
  subresource?: string;
}

/** One conflict: a field another manager owns that the apply would change. */
export interface ApplyConflict {
  managerKey: string;
  path: string[];
}

/** NewConflictError: 409 with one FieldManagerConflict cause per field, messages as upstream prints them. */
export function conflictError(conflicts: ApplyConflict[]): ApiError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.managerKey)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    message = `Apply failed with 1 conflict: conflict with ${printManager(c.managerKey)}: ${pathString(c.path)}`;
  } else {
    const byManager = new Map<string, string[][]>();
    for (const c of conflicts) {
      const list = byManager.get(c.managerKey) ?? [];
      list.push(c.path);
      byManager.set(c.managerKey, list);
    }
    const lines: string[] = [];
    for (const key of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${printManager(key)}:`);
      for (const p of byManager.get(key)!) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}

function typedError(e: unknown, what: string): never {
  if (e instanceof FieldSetError) throw new ApiError(500, 'InternalError', `${what}: ${e.message}`);
  throw e;
}

/**
 * The fields of the client-side apply annotation whose values still match the live object
 * (lastAppliedManager.allowedConflictsFromLastApplied); undefined when there is no usable annotation.
 */
function allowedFromLastApplied(live: KubeObject, root: Schema | undefined, opts: ApplyOptions): FieldNode | undefined {
  const raw = live.metadata.annotations?.[LAST_APPLIED];
  if (!raw) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isPlainObject(last) || last.apiVersion !== opts.apiVersion) return undefined;
  try {
    const set = toFieldSet(last, root, opts.defs);
    const c = compare(last, live, root, opts.defs);
    return difference(difference(set, c.changed), c.removed);
  } catch {
    return undefined;
  }
}

/** Conflicts of other managers' fields with what the apply changes, sorted by manager then path. */
function findConflicts(managers: Managers, self: string, changed: FieldNode): ApplyConflict[] {
  const out: ApplyConflict[] = [];
  for (const key of [...managers.keys()].sort()) {
    if (key === self) continue;
    const c = intersection(managers.get(key)!.set, changed);
    for (const p of paths(c)) out.push({ managerKey: key, path: p });
  }
  return out;
}

/**
 * Applies `applied` (a partial object) for `opts.manager` on top of `current` (undefined: the
 * object is created). Returns the merged object with metadata.managedFields set; throws a 409
 * ApiError on conflicts unless `opts.force`, a 400 for invalid configurations.
 */
export function serverSideApply(current: KubeObject | undefined, applied: KubeObject, opts: ApplyOptions): KubeObject {
  if (applied.metadata?.managedFields !== undefined && applied.metadata.managedFields !== null) {
    throw errors.badRequest('metadata.managedFields must be nil');
  }
  if (applied.apiVersion !== opts.apiVersion) {
    throw errors.badRequest(`Incorrect version specified in apply patch. Specified patch version: ${String(applied.apiVersion ?? '')}, expected: ${opts.apiVersion}`);
  }
  const root: Schema | undefined = opts.rootDef ? opts.defs[opts.rootDef] : undefined;
  const live: KubeObject = current ? withoutManagedFields(structuredClone(current)) : { metadata: {} };
  const managers = current ? decodeOrEmpty(current.metadata.managedFields) : new Map() as Managers;
  const sub = opts.subresource || undefined;
  const self = managerKey(opts.manager, 'Apply', opts.apiVersion, sub);
  const previous = managers.get(self);

  let configSet: FieldNode;
  let merged: KubeObject;
  try {
    configSet = toFieldSet(applied, root, opts.defs);
    merged = merge(current ? live : {}, applied, root, opts.defs) as KubeObject;
  } catch (e) {
    typedError(e, 'failed to create typed patch object');
  }
  stripSystemFields(configSet);
  excludeResetFields(configSet, opts.rootDef, sub);
  managers.set(self, { manager: opts.manager, operation: 'Apply', apiVersion: opts.apiVersion, subresource: sub, time: previous?.time, set: configSet });

  if (previous && !isEmpty(previous.set)) {
    const owned = newSet();
    for (const e of managers.values()) addAll(owned, e.set);
    try {
      prune(merged, previous.set, owned, root, opts.defs);
    } catch (e) {
      typedError(e, 'failed to prune fields');
    }
  }

  let changed: FieldNode;
  let removed: FieldNode;
  try {
    ({ changed, removed } = compare(live, merged, root, opts.defs));
  } catch (e) {
    typedError(e, 'failed to compare objects');
  }
  excludeResetFields(changed, opts.rootDef, sub);
  excludeResetFields(removed, opts.rootDef, sub);

  let conflicts = findConflicts(managers, self, changed);
  if (conflicts.length && !opts.force) {
    // Upgrade path from client-side apply: only for kubectl's own server-side apply.
    const allowed = opts.manager === 'kubectl' && current ? allowedFromLastApplied(live, root, opts) : undefined;
    if (allowed) conflicts = conflicts.filter((c) => !has(allowed, c.path));
    if (conflicts.length) throw conflictError(conflicts);
  }
  for (const [key, e] of managers) {
    if (key !== self) {
      removeAll(e.set, changed);
      removeAll(e.set, removed);
    }
    if (isEmpty(e.set)) managers.delete(key);
  }

  const objectChanged = !current || !deepEqual(live, merged);
  const entry = managers.get(self);
  if (entry && objectChanged) entry.time = opts.time;

  // lastAppliedUpdater: keep the client-side apply annotation in step with what kubectl applied.
  const anns = merged.metadata?.annotations;
  if (opts.manager === 'kubectl' && anns?.[LAST_APPLIED]) {
    merged.metadata.annotations = { ...anns, [LAST_APPLIED]: lastAppliedJSON(applied) };
  }

  merged.metadata ??= {};
  const encoded = encodeManagedFields(managers);
  if (encoded) merged.metadata.managedFields = encoded;
  else delete merged.metadata.managedFields;
  return merged;
}
