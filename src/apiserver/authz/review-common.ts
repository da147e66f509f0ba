/**
 * What the review APIs (SubjectAccessReview and friends, TokenReview, SelfSubjectReview) share:
 * they are create-only, never stored (upstream's rest.Creater storages without a registry store),
 * so each has a ResourceDef for discovery and routing plus a create handler that decodes the
 * body exactly as the generic create path does (JSON, YAML or protobuf), checks its type meta
 * and fields, answers 201 with the filled-in object and persists nothing.
 */
import type { KubeObject } from '../../api/object.js';
import type { ResourceDef } from '../../api/resource.js';
import { errors } from '../../api/errors.js';
import { GoLiteral } from '../../api/field.js';
import { readBody } from '../http.js';
import { decodeBody } from '../negotiate.js';
import { checkFields, checkTypeMeta } from '../pipeline.js';
import type { RequestCtx } from '../handlers/context.js';
import { opContext } from '../handlers/context.js';
import { respondObject } from '../handlers/read.js';

/** A create handler, the shape ApiServer.registerCreate takes. */
export type ReviewHandler = (rc: RequestCtx) => Promise<void>;

/** One review API: its ResourceDef (served under the "reviews" source) and its create handler. */
export interface ReviewApi {
  def: ResourceDef;
  handler: ReviewHandler;
}

/** A create-only ResourceDef: discovery lists verbs ["create"], so other verbs answer 405 as upstream. */
export function reviewDef(group: string, version: string, kind: string, resource: string, namespaced: boolean): ResourceDef {
  return { group, version, kind, resource, singular: kind.toLowerCase(), namespaced, verbs: ['create'], strategy: {} };
}

/**
 * Reads the request body as a review object. Like the generic create handler it decodes by
 * Content-Type (kubectl ≥ 1.32 sends protobuf), rejects a foreign kind or apiVersion, reports
 * wrongly typed fields (400) and unknown ones (warning, or 400 with fieldValidation=Strict), and
 * reconciles metadata.namespace with the request (EnsureObjectNamespaceMatchesRequestNamespace):
 * filled in when empty, cleared for cluster-scoped resources, 400 when it differs.
 */
export async function readReview(rc: RequestCtx): Promise<KubeObject> {
  const body = await readBody(rc.req);
  const obj = decodeBody(rc.req.headers['content-type'], body, "couldn't decode the request body") as KubeObject;
  checkTypeMeta(rc.def, obj);
  const meta: unknown = obj.metadata;
  if (meta !== undefined && meta !== null && (typeof meta !== 'object' || Array.isArray(meta))) {
    throw errors.badRequest(`${rc.def.kind} in version "${rc.def.version}" cannot be handled as a ${rc.def.kind}: json: cannot unmarshal ${Array.isArray(meta) ? 'array' : typeof meta} into Go struct field ${rc.def.kind}.metadata of type v1.ObjectMeta`);
  }
  obj.metadata = meta ?? {};
  const ctx = opContext(rc);
  checkFields(ctx, obj);
  const requestNs = rc.def.namespaced ? rc.info.namespace : '';
  const objNs = obj.metadata.namespace ?? '';
  if (objNs !== requestNs) {
    if (objNs === '') obj.metadata.namespace = requestNs;
    else if (requestNs === '') delete obj.metadata.namespace;
    else throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.apiVersion = rc.def.group ? `${rc.def.group}/${rc.def.version}` : rc.def.version;
  obj.kind = rc.def.kind;
  return obj;
}

/** Answers a review: 201 Created with the object, in the form the client asked for. */
export function respondReview(rc: RequestCtx, obj: KubeObject): void {
  respondObject(rc, 201, obj);
}

/** Whether an ObjectMeta is empty once `ignore` fields (and managedFields) are left out, as upstream's DeepEqual with ObjectMeta{}. */
export function metaIsEmpty(meta: KubeObject['metadata'], ignore: string[] = []): boolean {
  for (const [k, v] of Object.entries(meta)) {
    if (k === 'managedFields' || ignore.includes(k)) continue;
    if (v === undefined || v === null || v === '' || v === 0) continue;
    if (typeof v === 'object' && Object.keys(v).length === 0) continue;
    return false;
  }
  return true;
}

/** Go's %#v of a string map, as it appears inside a printed struct. */
function goStringMap(m: unknown): string {
  if (!m || typeof m !== 'object') return 'map[string]string(nil)';
  const entries = Object.entries(m as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return `map[string]string{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(String(v))}`).join(', ')}}`;
}

/**
 * The bad value of a "metadata: Invalid value: ...: must be empty" error: upstream prints the
 * ObjectMeta with %#v. The fields a client can send are rendered; the rest as their zero values.
 */
export function goObjectMeta(meta: KubeObject['metadata']): GoLiteral {
  const m = meta as Record<string, unknown>;
  const s = (k: string): string => JSON.stringify(typeof m[k] === 'string' ? m[k] : '');
  const fin = Array.isArray(m.finalizers) ? `[]string{${(m.finalizers as unknown[]).map((f) => JSON.stringify(String(f))).join(', ')}}` : '[]string(nil)';
  return new GoLiteral(
    `v1.ObjectMeta{Name:${s('name')}, GenerateName:${s('generateName')}, Namespace:${s('namespace')}, SelfLink:"", UID:${s('uid')}, ResourceVersion:${s('resourceVersion')}, Generation:${typeof m.generation === 'number' ? m.generation : 0}, ` +
      `CreationTimestamp:time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC), DeletionTimestamp:<nil>, DeletionGracePeriodSeconds:(*int64)(nil), Labels:${goStringMap(m.labels)}, Annotations:${goStringMap(m.annotations)}, ` +
      `OwnerReferences:[]v1.OwnerReference(nil), Finalizers:${fin}, ManagedFields:[]v1.ManagedFieldsEntry(nil)}`,
  );
}
