/**
 * Patch metadata lookup for strategic merge patch: the OpenAPI counterpart of upstream's
 * PatchMetaFromStruct, which reads the `patchStrategy`/`patchMergeKey` struct tags of the Go type
 * being patched. Here the same facts come from x-kubernetes-patch-strategy/-merge-key on the
 * property schemas (folded in from merge-keys.ts). Fields the schema does not know (unknown fields,
 * x-kubernetes-preserve-unknown-fields subtrees) carry no metadata: maps merge, lists replace.
 */
import type { Definitions, Schema } from '../../api/schema/types.js';
import { deref } from '../../api/schema/types.js';

/** Where a merge stands in the schema: the resolved schema of the JSON object being merged. */
export interface SchemaCursor {
  defs: Definitions;
  schema: Schema | undefined;
}

/** What strategic merge needs to know about one field. */
export interface FieldPatchMeta {
  /** The resolved schema of the field's value when it is an object. */
  value: SchemaCursor;
  /** The resolved schema of the elements when the field is a list. */
  items: SchemaCursor;
  /** The patch strategy other than retainKeys: 'merge', 'replace' or '' (upstream's default: replace lists, merge maps). */
  strategy: string;
  /** Whether the field is declared with the retainKeys strategy (Deployment spec.strategy, volumes). */
  retainKeys: boolean;
  /** x-kubernetes-patch-merge-key, for lists of objects merged by key. */
  mergeKey: string;
}

/** The patch metadata of `key` in the object schema the cursor points at. */
export function lookupField(cur: SchemaCursor, key: string): FieldPatchMeta {
  const { defs, schema } = cur;
  let prop: Schema | undefined = schema?.properties?.[key];
  // map[string]T fields (additionalProperties): every key shares the value schema, as upstream's
  // lookup on a Go map returns its element type.
  if (!prop && schema && typeof schema.additionalProperties === 'object') prop = schema.additionalProperties;
  const strategies = (prop?.['x-kubernetes-patch-strategy'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const resolved = deref(defs, prop);
  // A list whose declared schema is its element type (upstream's pointer-to-struct fields) uses it for items.
  const items = resolved?.type === 'array' || resolved?.items ? deref(defs, resolved.items) : resolved;
  return {
    value: { defs, schema: resolved },
    items: { defs, schema: items },
    strategy: strategies.find((s) => s !== 'retainKeys') ?? '',
    retainKeys: strategies.includes('retainKeys'),
    mergeKey: prop?.['x-kubernetes-patch-merge-key'] ?? '',
  };
}

/** The cursor of a root definition (undefined name or definition: no metadata anywhere). */
export function rootCursor(defs: Definitions, rootDef: string | undefined): SchemaCursor {
  return { defs, schema: rootDef ? deref(defs, defs[rootDef]) : undefined };
}
