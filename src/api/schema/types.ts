/**
 * The OpenAPI schema model shared by /openapi, strict field validation, strategic merge patch and
 * server-side apply. Definitions are keyed by upstream names ("io.k8s.api.apps.v1.Deployment",
 * "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta") and are generated at build time from the
 * kubernetes-types package (scripts/gen-openapi.ts), with merge metadata from merge-keys.ts.
 */

export interface SchemaGVK {
  group: string;
  version: string;
  kind: string;
}

/** An OpenAPI v3 schema object, restricted to what Kubernetes definitions use. */
export interface Schema {
  $ref?: string; // "#/components/schemas/<name>"
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string; // int32, int64, date-time, byte, int-or-string ...
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  allOf?: Schema[];
  'x-kubernetes-group-version-kind'?: SchemaGVK[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string; // "merge", "retainKeys", "merge,retainKeys", "replace"
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [ext: `x-${string}`]: unknown;
}

/** All definitions by name. */
export type Definitions = Record<string, Schema>;

/** Follows a $ref (one level, repeated) to the named schema. */
export function deref(defs: Definitions, s: Schema | undefined): Schema | undefined {
  let cur = s;
  for (let i = 0; cur?.$ref && i < 32; i++) {
    cur = defs[cur.$ref.replace(/^#\/(components\/schemas|definitions)\//, '')];
  }
  if (cur?.allOf && cur.allOf.length === 1 && !cur.type && !cur.properties) return deref(defs, cur.allOf[0]);
  return cur;
}

/** The definition name of a kind, e.g. findKind(defs, {group:'apps',version:'v1',kind:'Deployment'}). */
export function findKind(defs: Definitions, gvk: SchemaGVK): string | undefined {
  for (const [name, s] of Object.entries(defs)) {
    const list = s['x-kubernetes-group-version-kind'];
    if (list?.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) return name;
  }
  return undefined;
}
