/**
 * The generic shape of every Kubernetes object as the API machinery handles it. Typed views of
 * individual kinds come from kubernetes-types; the machinery itself only needs metadata.
 */
import type { ObjectMeta as K8sObjectMeta, OwnerReference, ManagedFieldsEntry } from 'kubernetes-types/meta/v1.js';

/** kubernetes-types marks system fields readonly; the API machinery is what sets them. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type ObjectMeta = Mutable<K8sObjectMeta>;
export type { OwnerReference, ManagedFieldsEntry };

/** Any API object: apiVersion, kind, metadata and kind-specific fields (spec, status, data...). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A JSON value, as decoded from a request body. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Plain-object test used by merge and validation code. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep copy of a JSON-compatible value. */
export function deepCopy<T>(v: T): T {
  return structuredClone(v);
}

/** Deep equality of JSON-compatible values (key order insensitive). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => deepEqual(ao[k], bo[k]));
}
