/**
 * Strategic-merge and list-type metadata of built-in types: facts of the Kubernetes API taken from
 * the `patchStrategy`/`patchMergeKey` struct tags and `+listType`/`+listMapKey` markers of the
 * upstream Go types. Keyed by definition name, then field name. The OpenAPI generator folds these
 * into the definitions as x-kubernetes-patch-* / x-kubernetes-list-* extensions; strategic merge
 * patch and server-side apply read them from there.
 */

export interface FieldMergeInfo {
  /** x-kubernetes-patch-strategy: "merge", "retainKeys", "merge,retainKeys", "replace" */
  strategy?: string;
  /** x-kubernetes-patch-merge-key */
  mergeKey?: string;
  /** x-kubernetes-list-type */
  listType?: 'atomic' | 'set' | 'map';
  /** x-kubernetes-list-map-keys */
  listMapKeys?: string[];
  /** x-kubernetes-map-type */
  mapType?: 'atomic' | 'granular';
}

export const mergeKeys: Record<string, Record<string, FieldMergeInfo>> = {
  'io.k8s.api.core.v1.PodSpec': {
    containers: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  },
};
