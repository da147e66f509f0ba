/**
 * The structural view of OpenAPI definitions that server-side apply needs, as kube-openapi's
 * schemaconv derives it for structured-merge-diff: every node is a scalar, a map (a struct with
 * declared fields, or a map of values; granular unless `x-kubernetes-map-type: atomic`) or a list
 * (`x-kubernetes-list-type` atomic/set/map; without one, a `merge` patch strategy makes a
 * keyed list on the patch merge key, or a set; anything else is atomic). A node without a schema
 * (custom resources, preserve-unknown-fields) is "deduced": granular maps and atomic lists.
 */
import type { Definitions, Schema } from '../../api/schema/types.js';
import { deref } from '../../api/schema/types.js';

/** What a schema node says about list and map handling, resolved once per schema object. */
export interface NodeInfo {
  /** declared struct fields, when the node is a struct */
  props: Record<string, Schema> | undefined;
  /** schema of map values (additionalProperties) */
  elem: Schema | undefined;
  /** schema of list items */
  items: Schema | undefined;
  atomicMap: boolean;
  listRel: 'atomic' | 'set' | 'map';
  keys: string[];
  /** defaults of key fields, used when an item omits one (getAssociativeKeyDefault) */
  keyDefaults: Record<string, unknown> | undefined;
  /** the definition name, when the node is a $ref */
  refName: string | undefined;
}

/** The node of no schema: a granular map of deduced values, atomic lists. */
export const DEDUCED: NodeInfo = {
  props: undefined, elem: undefined, items: undefined, atomicMap: false, listRel: 'atomic', keys: [], keyDefaults: undefined, refName: undefined,
};

/**
 * Types marked `+structType=atomic` (or `+mapType=atomic`) upstream: owned and replaced whole.
 * The generated definitions carry map-type only on fields, so the type-level markers live here.
 */
const ATOMIC_TYPES = new Set([
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
  'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference',
  'io.k8s.api.core.v1.LocalObjectReference',
  'io.k8s.api.core.v1.ObjectReference',
  'io.k8s.api.core.v1.TypedLocalObjectReference',
  'io.k8s.api.core.v1.TypedObjectReference',
  'io.k8s.api.core.v1.SecretReference',
  'io.k8s.api.core.v1.NodeSelector',
  'io.k8s.api.core.v1.NodeSelectorTerm',
  'io.k8s.api.core.v1.TopologySelectorTerm',
  'io.k8s.api.core.v1.ConfigMapKeySelector',
  'io.k8s.api.core.v1.SecretKeySelector',
  'io.k8s.api.core.v1.ObjectFieldSelector',
  'io.k8s.api.core.v1.ResourceFieldSelector',
]);

/** Key fields with an OpenAPI default upstream (the generated definitions carry no defaults). */
const KEY_DEFAULTS: Record<string, Record<string, unknown>> = {
  'io.k8s.api.core.v1.ContainerPort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.ServicePort': { protocol: 'TCP' },
};

const cache = new WeakMap<Schema, NodeInfo>();

function refNameOf(s: Schema | undefined): string | undefined {
  return s?.$ref?.replace(/^#\/(components\/schemas|definitions)\//, '') ?? (s?.allOf?.length === 1 ? refNameOf(s.allOf[0]) : undefined);
}

/** The resolved node info of a schema (cached per schema object; definitions are immutable). */
export function nodeInfo(defs: Definitions, schema: Schema | undefined): NodeInfo {
  if (!schema) return DEDUCED;
  const hit = cache.get(schema);
  if (hit) return hit;
  const s = deref(defs, schema) ?? {};
  const refName = refNameOf(schema);
  const ext = (k: 'x-kubernetes-list-type' | 'x-kubernetes-map-type' | 'x-kubernetes-patch-strategy' | 'x-kubernetes-patch-merge-key') =>
    (schema[k] ?? s[k]);
  const open = s['x-kubernetes-preserve-unknown-fields'] === true && !s.properties;
  const props = open ? undefined : s.properties;
  const elem = !open && typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  let listRel: NodeInfo['listRel'] = 'atomic';
  let keys: string[] = [];
  const lt = ext('x-kubernetes-list-type');
  if (lt === 'atomic' || lt === 'set') listRel = lt;
  else if (lt === 'map') {
    listRel = 'map';
    keys = [...((schema['x-kubernetes-list-map-keys'] ?? s['x-kubernetes-list-map-keys']) ?? [])];
  } else if (!lt) {
    const strategy = ext('x-kubernetes-patch-strategy');
    if (strategy === 'merge' || strategy === 'merge,retainKeys') {
      const mk = ext('x-kubernetes-patch-merge-key');
      listRel = mk ? 'map' : 'set';
      if (mk) keys = [mk];
    }
  }
  if (listRel === 'map' && keys.length === 0) listRel = 'set';
  const items = s.items;
  const itemRef = refNameOf(items);
  const info: NodeInfo = {
    props,
    elem,
    items,
    atomicMap: ext('x-kubernetes-map-type') === 'atomic' || (refName !== undefined && ATOMIC_TYPES.has(refName)),
    listRel,
    keys,
    keyDefaults: itemRef ? KEY_DEFAULTS[itemRef] : undefined,
    refName,
  };
  cache.set(schema, info);
  return info;
}

/** The schema of a map entry or struct field (undefined: deduced). */
export function fieldSchema(info: NodeInfo, key: string): Schema | undefined {
  if (info.props) return info.props[key];
  return info.elem;
}

/** Whether `key` is a declared struct field (structured-merge-diff's named fields). */
export function isNamedField(info: NodeInfo, key: string): boolean {
  return info.props !== undefined && Object.prototype.hasOwnProperty.call(info.props, key);
}

/**
 * Fields of Go struct types that encode even in a zero value: value-typed (non-pointer) structs
 * serialise as `{}` and non-omitempty pointers/slices as `null`. Upstream compares a create against
 * the zero object of the kind, so these nodes count as already present (no "." of their own).
 * 'S' = nested struct, 'N' = null.
 */
const ZERO_FIELDS: Record<string, Record<string, 'S' | 'N'>> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { creationTimestamp: 'N' },
  'io.k8s.api.apps.v1.DeploymentSpec': { selector: 'N', template: 'S', strategy: 'S' },
  'io.k8s.api.apps.v1.StatefulSetSpec': { selector: 'N', template: 'S', updateStrategy: 'S' },
  'io.k8s.api.apps.v1.DaemonSetSpec': { selector: 'N', template: 'S', updateStrategy: 'S' },
  'io.k8s.api.apps.v1.ReplicaSetSpec': { selector: 'N', template: 'S' },
  'io.k8s.api.core.v1.PodTemplateSpec': { metadata: 'S', spec: 'S' },
  'io.k8s.api.core.v1.PodTemplate': { template: 'S' },
  'io.k8s.api.core.v1.PodSpec': { containers: 'N' },
  'io.k8s.api.batch.v1.JobSpec': { template: 'S' },
  'io.k8s.api.batch.v1.CronJobSpec': { jobTemplate: 'S' },
  'io.k8s.api.batch.v1.JobTemplateSpec': { metadata: 'S', spec: 'S' },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': { resources: 'S' },
  'io.k8s.api.core.v1.ServiceStatus': { loadBalancer: 'S' },
  'io.k8s.api.rbac.v1.RoleBinding': { roleRef: 'S' },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': { roleRef: 'S' },
  'io.k8s.api.networking.v1.NetworkPolicySpec': { podSelector: 'S' },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': { scaleTargetRef: 'S' },
  'io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec': { scaleTargetRef: 'S' },
  'io.k8s.api.core.v1.Event': { involvedObject: 'S', source: 'S' },
};

const zeroCache = new WeakMap<Definitions, Map<string, Record<string, unknown>>>();

/**
 * The JSON of the zero value of a built-in kind as upstream's empty object encodes, e.g. a
 * Deployment: {metadata:{creationTimestamp:null}, spec:{selector:null, template:{...}, strategy:{}}, status:{}}.
 * Custom resources (no definition) start from {}. The result is shared: callers must not mutate it.
 */
export function zeroObject(defs: Definitions, rootDef: string | undefined): Record<string, unknown> {
  if (!rootDef) return {};
  let perDefs = zeroCache.get(defs);
  if (!perDefs) {
    perDefs = new Map();
    zeroCache.set(defs, perDefs);
  }
  let z = perDefs.get(rootDef);
  if (!z) {
    z = {};
    const root = defs[rootDef];
    const props = root?.properties ?? {};
    for (const top of ['metadata', 'spec', 'status']) {
      const ps = props[top];
      if (ps && refNameOf(ps)) z[top] = zeroOf(defs, refNameOf(ps)!, 0);
    }
    for (const [k, how] of Object.entries(ZERO_FIELDS[rootDef] ?? {})) {
      const ps = props[k];
      z[k] = how === 'N' || !ps ? null : zeroOf(defs, refNameOf(ps) ?? '', 0);
    }
    perDefs.set(rootDef, z);
  }
  return z;
}

function zeroOf(defs: Definitions, name: string, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (depth > 8) return out;
  const fields = ZERO_FIELDS[name];
  if (!fields) return out;
  const props = defs[name]?.properties ?? {};
  for (const [k, how] of Object.entries(fields)) {
    const ref = refNameOf(props[k]);
    out[k] = how === 'N' || !ref ? null : zeroOf(defs, ref, depth + 1);
  }
  return out;
}
