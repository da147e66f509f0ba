/**
 * The generic write path every resource goes through, in kube-apiserver's order:
 * decode → strict field checks → admission (mutating) → strategy defaults/prepare → validation →
 * admission (validating) → allocation hooks → storage. Nothing here knows any particular kind.
 */
import type { KubeObject } from '../api/object.js';
import { deepCopy } from '../api/object.js';
import { ApiError, errors } from '../api/errors.js';
import type { FieldError } from '../api/field.js';
import type { ResourceDef, RegistryContext, Strategy } from '../api/resource.js';
import { apiVersionOf } from '../api/resource.js';
import type { Definitions } from '../api/schema/types.js';
import { rootDefinitionFor } from '../api/schema/definitions.js';
import { unknownFields, typeErrors } from '../api/schema/validate.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../api/validation/meta.js';
import { updateManagedFields } from './patch/managed-fields.js';
import type { Store } from '../storage/store.js';
import { StorageError } from '../storage/store.js';
import type { AdmissionPlugin, AdmissionAttributes, AdmissionOperation } from './admission/types.js';
import { runAdmission } from './admission/types.js';
import type { UserInfo } from './authn/types.js';
import type { Authorizer } from './authz/types.js';
import type { AdmissionReads } from './admission/reads.js';
import { ResourceTable, storageKey, storagePrefix } from './resources.js';
import { carrySystemMeta, initSystemMeta, rfc3339 } from './object-meta.js';

export interface ApiDeps {
  store: Store;
  resources: ResourceTable;
  defs: Definitions;
  admission: AdmissionPlugin[];
  /** the request authorizer (RBAC); also asked by SubjectAccessReviews, RBAC escalation checks and impersonation */
  authorizer: Authorizer;
  /** in-memory mirrors of what admission reads on every create (namespaces, service accounts, limit ranges, quotas) */
  reads?: AdmissionReads;
  now: () => Date;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Per-request state of a resource operation. */
export interface OpContext {
  deps: ApiDeps;
  def: ResourceDef;
  namespace: string;
  user: UserInfo;
  dryRun: boolean;
  fieldManager: string;
  fieldValidation: FieldValidation;
  warnings: string[];
  /** the request's audit annotations (absent for in-process writes and unaudited requests' no-op) */
  addAuditAnnotation?: (key: string, value: string) => void;
}

export function gr(def: ResourceDef): { group: string; resource: string } {
  return { group: def.group, resource: def.resource };
}

/** Translates storage errors into API errors, once. */
export function translateStorageError(def: ResourceDef, name: string, e: unknown): never {
  if (e instanceof StorageError) {
    switch (e.code) {
      case 'NotFound':
        throw errors.notFound(gr(def), name);
      case 'KeyExists':
        throw errors.alreadyExists(gr(def), name);
      case 'Conflict':
        throw errors.conflict(gr(def), name, 'the object has been modified; please apply your changes to the latest version and try again');
      case 'PreconditionFailed':
        throw errors.conflict(gr(def), name, e.message);
      case 'Gone':
        throw errors.gone(e.message);
      case 'TooLarge':
        throw new ApiError(504, 'Timeout', `Too large resource version: ${e.message}`, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 });
      default:
        throw errors.badRequest(e.message);
    }
  }
  throw e;
}

/** The stored form of an object (converted to the storage version when the served one differs). */
export function toStorage(def: ResourceDef, obj: KubeObject): KubeObject {
  return def.conversion ? def.conversion.toStorage(obj) : obj;
}

/** The served form of a stored object, with apiVersion and kind set. */
export function toExternal(def: ResourceDef, stored: KubeObject): KubeObject {
  const obj = def.conversion ? def.conversion.fromStorage(stored) : stored;
  obj.apiVersion = apiVersionOf(def);
  obj.kind = def.kind;
  return obj;
}

export function rootDef(def: ResourceDef): string | undefined {
  return rootDefinitionFor(def.group, def.version, def.kind);
}

/**
 * fieldValidation=Strict|Warn: unknown and duplicate fields are errors or warnings, as the
 * upstream strict decoder reports them. Wrong JSON types are always a 400, as Go's decoder fails.
 */
export function checkFields(ctx: OpContext, obj: KubeObject): void {
  const root = rootDef(ctx.def);
  if (!root) return;
  const typeErrs = typeErrors(obj, ctx.deps.defs, root);
  if (typeErrs.length) {
    throw errors.badRequest(`${ctx.def.kind} in version "${ctx.def.version}" cannot be handled as a ${ctx.def.kind}: ${typeErrs.join(', ')}`);
  }
  if (ctx.fieldValidation === 'Ignore') return;
  const unknown = unknownFields(obj, ctx.deps.defs, root);
  if (!unknown.length) return;
  if (ctx.fieldValidation === 'Strict') {
    throw errors.badRequest(`${ctx.def.kind} in version "${ctx.def.version}" cannot be handled as a ${ctx.def.kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  }
  for (const f of unknown) ctx.warnings.push(`unknown field "${f}"`);
}

/** apiVersion/kind in a body must match the endpoint. */
export function checkTypeMeta(def: ResourceDef, obj: KubeObject): void {
  const want = apiVersionOf(def);
  if (obj.kind !== undefined && obj.kind !== def.kind) {
    throw errors.badRequest(`the object provided is unrecognized (must be of type ${def.kind}): ${String(obj.kind)} in version "${String(obj.apiVersion ?? '')}" cannot be handled as a ${def.kind}`);
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
    throw errors.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${want})`);
  }
}

function registryContext(ctx: OpContext): RegistryContext {
  return {
    dryRun: ctx.dryRun,
    list: async (group, resource) => {
      const def = ctx.deps.resources.preferred(group, resource);
      if (!def) return [];
      const r = await ctx.deps.store.list(storagePrefix(def));
      return r.items;
    },
  };
}

function admissionAttrs(ctx: OpContext, op: AdmissionOperation, name: string, subresource: string, obj?: KubeObject, old?: KubeObject): AdmissionAttributes {
  return {
    operation: op,
    def: ctx.def,
    namespace: ctx.namespace,
    name,
    subresource,
    object: obj,
    oldObject: old,
    user: ctx.user,
    dryRun: ctx.dryRun,
    warn: (m) => ctx.warnings.push(m),
    addAuditAnnotation: (k, v) => ctx.addAuditAnnotation?.(k, v),
    list: async (group, resource) => ctx.deps.reads?.list(group, resource) ?? registryContext(ctx).list(group, resource),
    get: async (group, resource, ns, n) => {
      const cached = ctx.deps.reads?.get(group, resource, ns, n);
      if (cached) return cached;
      const def = ctx.deps.resources.preferred(group, resource);
      if (!def) return undefined;
      return ctx.deps.store.get(storageKey(def, ns, n));
    },
  };
}

function invalid(def: ResourceDef, obj: KubeObject, errs: FieldError[]): ApiError {
  return errors.invalid(def.group, def.kind, obj.metadata.name ?? obj.metadata.generateName ?? '', errs);
}

async function allocate(ctx: OpContext, obj: KubeObject, old: KubeObject | undefined): Promise<void> {
  if (!ctx.def.strategy.beforeWrite) return;
  const errs = await ctx.def.strategy.beforeWrite(obj, old, registryContext(ctx));
  if (errs.length) throw invalid(ctx.def, obj, errs);
}

/** Creates an object; returns its served form. */
export async function createObject(ctx: OpContext, input: KubeObject, opts: { subresource?: string; checkFields?: boolean; skipManagedFields?: boolean } = {}): Promise<KubeObject> {
  const { def } = ctx;
  checkTypeMeta(def, input);
  if (opts.checkFields !== false) checkFields(ctx, input);
  const obj = deepCopy(input);
  obj.metadata ??= {};
  if (def.namespaced) {
    if (obj.metadata.namespace && obj.metadata.namespace !== ctx.namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = ctx.namespace;
  } else {
    delete obj.metadata.namespace;
  }
  obj.apiVersion = apiVersionOf(def);
  obj.kind = def.kind;
  const now = ctx.deps.now();
  initSystemMeta(def, obj, now);
  if (def.subresources?.status) delete obj.status;
  def.strategy.default?.(obj);
  def.strategy.prepareForCreate?.(obj);
  await runAdmission(ctx.deps.admission.filter((p) => p.admit !== undefined), admissionAttrs(ctx, 'CREATE', obj.metadata.name ?? '', opts.subresource ?? '', obj));
  const errs = [
    ...validateObjectMeta(obj.metadata, { namespaced: def.namespaced, nameRule: def.strategy.nameRule ?? 'subdomain' }),
    ...(def.strategy.validate?.(obj) ?? []),
  ];
  if (errs.length) throw invalid(def, obj, errs);
  await runAdmission(ctx.deps.admission.filter((p) => p.validate !== undefined), admissionAttrs(ctx, 'CREATE', obj.metadata.name ?? '', opts.subresource ?? '', obj));
  await allocate(ctx, obj, undefined);
  if (!opts.skipManagedFields) {
    updateManagedFields(undefined, obj, {
      manager: ctx.fieldManager,
      operation: 'Update',
      apiVersion: apiVersionOf(def),
      time: rfc3339(now),
      defs: ctx.deps.defs,
      rootDef: rootDef(def),
    });
  }
  const name = obj.metadata.name!;
  if (ctx.dryRun) {
    const existing = await ctx.deps.store.get(storageKey(def, ctx.namespace, name));
    if (existing) throw errors.alreadyExists(gr(def), name);
    return obj;
  }
  try {
    const stored = await ctx.deps.store.create(storageKey(def, ctx.namespace, name), toStorage(def, obj));
    return toExternal(def, stored);
  } catch (e) {
    translateStorageError(def, name, e);
  }
}

export interface UpdateOptions {
  subresource?: string; // '' | 'status' | 'approval' | 'finalize'
  /**
   * A subresource's own strategy hooks, as upstream gives such subresources their own REST
   * strategy (the CSR approval strategy); each hook given replaces the kind's hook of that name.
   */
  strategy?: Pick<Strategy, 'prepareForStatusUpdate' | 'validateUpdate'>;
  operation?: 'Update' | 'Apply';
  /** allow creating when absent (apply, PUT on kinds that allow create-on-update) */
  allowCreate?: boolean;
  /** skip managedFields bookkeeping (apply computes its own) */
  skipManagedFields?: boolean;
  /** the body was already checked for unknown fields */
  checkFields?: boolean;
}

export interface UpdateResult {
  object: KubeObject;
  created: boolean;
}

/**
 * Read-modify-write of one object: `transform` receives the served form of the current object
 * (undefined when absent and allowCreate) and returns the desired object; the pipeline applies
 * system metadata, status rules, defaults, validation, admission and allocation, then writes with
 * optimistic concurrency (re-running transform on a conflict).
 */
export async function updateObject(
  ctx: OpContext,
  name: string,
  transform: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>,
  opts: UpdateOptions = {},
): Promise<UpdateResult> {
  const { def, deps } = ctx;
  const key = storageKey(def, ctx.namespace, name);
  const sub = opts.subresource ?? '';
  const statusLike = sub === 'status' || sub === 'approval';
  const strategy: Strategy = opts.strategy ? { ...def.strategy, ...opts.strategy } : def.strategy;
  if (opts.allowCreate && !(await deps.store.get(key))) {
    // Absent: this is a create (apply of a new object, create-on-update kinds).
    try {
      const desired = await transform(undefined);
      desired.metadata ??= {};
      desired.metadata.name ??= name;
      return { object: await createObject(ctx, desired, { subresource: sub, checkFields: opts.checkFields, skipManagedFields: opts.skipManagedFields }), created: true };
    } catch (e) {
      // Lost a race with another creator: fall through to an update of what they created.
      if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
    }
  }
  const tryUpdate = async (storedCur: KubeObject | undefined): Promise<KubeObject> => {
    if (!storedCur) throw errors.notFound(gr(def), name);
    const cur = toExternal(def, deepCopy(storedCur));
    const desired = await transform(deepCopy(cur));
    checkTypeMeta(def, desired);
    if (opts.checkFields !== false) checkFields(ctx, desired);
    let obj = deepCopy(desired);
    obj.metadata ??= {};
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    obj.metadata.name = name;
    if (def.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== ctx.namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = ctx.namespace;
    }
    const rv = obj.metadata.resourceVersion;
    if (rv && rv !== cur.metadata.resourceVersion) {
      throw errors.conflict(gr(def), name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    if (sub === 'finalize') {
      // namespaces/finalize changes only spec.finalizers (the namespace controller's last step).
      const fin = deepCopy(cur);
      fin.spec = { ...((cur.spec) ?? {}), finalizers: (obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [] };
      obj = fin;
    } else if (statusLike) {
      // Status writes change only status (metav1.ResetObjectMetaForStatus + spec from the old object);
      // CSR approval writes are status writes narrowed further by their own strategy.
      const statusOnly = deepCopy(cur);
      statusOnly.status = obj.status;
      if (obj.metadata.managedFields) statusOnly.metadata.managedFields = obj.metadata.managedFields;
      strategy.prepareForStatusUpdate?.(statusOnly, obj, cur);
      obj = statusOnly;
    } else if (def.subresources?.status) {
      if (cur.status === undefined) delete obj.status;
      else obj.status = deepCopy(cur.status);
    }
    carrySystemMeta(def, obj, cur);
    def.strategy.default?.(obj);
    if (!statusLike) def.strategy.prepareForUpdate?.(obj, cur);
    await runAdmission(deps.admission.filter((p) => p.admit !== undefined), admissionAttrs(ctx, 'UPDATE', name, sub, obj, cur));
    const errs = [
      ...validateObjectMeta(obj.metadata, { namespaced: def.namespaced, nameRule: def.strategy.nameRule ?? 'subdomain' }),
      ...validateObjectMetaUpdate(obj.metadata, cur.metadata),
      ...(def.strategy.validate?.(obj) ?? []),
      ...(strategy.validateUpdate?.(obj, cur) ?? []),
    ];
    if (errs.length) throw invalid(def, obj, errs);
    await runAdmission(deps.admission.filter((p) => p.validate !== undefined), admissionAttrs(ctx, 'UPDATE', name, sub, obj, cur));
    await allocate(ctx, obj, cur);
    if (!opts.skipManagedFields) {
      updateManagedFields(cur, obj, {
        manager: ctx.fieldManager,
        operation: opts.operation ?? 'Update',
        apiVersion: apiVersionOf(def),
        subresource: sub || undefined,
        time: rfc3339(deps.now()),
        defs: deps.defs,
        rootDef: rootDef(def),
      });
    }
    delete obj.metadata.resourceVersion;
    return toStorage(def, obj);
  };

  if (ctx.dryRun) {
    const cur = await deps.store.get(key);
    const out = await tryUpdate(cur);
    out.metadata.resourceVersion = cur?.metadata.resourceVersion;
    return { object: toExternal(def, out), created: false };
  }
  let stored: KubeObject;
  try {
    stored = await deps.store.guaranteedUpdate(key, tryUpdate);
  } catch (e) {
    translateStorageError(def, name, e);
  }
  // An object being deleted whose last finalizer was just removed goes away now.
  const nsFinalizers = def.group === '' && def.resource === 'namespaces' ? ((stored.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
  if (stored.metadata.deletionTimestamp && !stored.metadata.finalizers?.length && !nsFinalizers.length) {
    try {
      const gone = await deps.store.delete(key, { uid: stored.metadata.uid, resourceVersion: stored.metadata.resourceVersion });
      return { object: toExternal(def, gone), created: false };
    } catch (e) {
      if (!(e instanceof StorageError)) throw e;
    }
  }
  return { object: toExternal(def, stored), created: false };
}
