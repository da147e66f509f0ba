/**
 * Turns a CustomResourceDefinition into the ResourceDefs the generic machinery serves, the way
 * apiextensions-apiserver's crdHandler builds a serving info per version: a strategy that prunes,
 * defaults and validates against the version's structural schema, the status/scale subresources,
 * and the table columns from additionalPrinterColumns.
 */
import type { KubeObject } from '../../api/object.js';
import type { ResourceDef, ScaleSpec, Strategy, TableColumn } from '../../api/resource.js';
import { age, nameColumn } from '../../api/registry/printers.js';
import { applyDefaults, prune, validateValue, type JSONSchemaProps } from './schema.js';
import { evalJsonPath } from './jsonpath.js';
import { namesOf } from './status.js';

export { crdStatusFor, namesOf } from './status.js';
export { crdSchemaDefinitions, crdDefinitionName } from './openapi.js';

/** apiextensions.k8s.io/v1 CustomResourceDefinitionVersion, as far as serving needs it. */
interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: { status?: object; scale?: { specReplicasPath?: string; statusReplicasPath?: string; labelSelectorPath?: string } };
  additionalPrinterColumns?: { name: string; type: string; format?: string; description?: string; priority?: number; jsonPath: string }[];
}

interface PrinterColumn {
  name: string;
  type: TableColumn['type'];
  format?: string;
  description: string;
  priority: number;
  jsonPath: string;
}

const creationDoc =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/**
 * serveDefaultColumnsIfEmpty: a version without additionalPrinterColumns shows NAME, AGE; one that
 * declares columns shows NAME then exactly those (add a `.metadata.creationTimestamp` date column
 * to keep AGE), as kube-apiserver does.
 */
function printerColumns(v: CrdVersion): PrinterColumn[] {
  const cols = v.additionalPrinterColumns ?? [];
  if (!cols.length) return [{ name: 'Age', type: 'date', description: creationDoc, priority: 0, jsonPath: '.metadata.creationTimestamp' }];
  const types = new Set(['string', 'integer', 'number', 'boolean', 'date']);
  return cols.map((c) => ({
    name: c.name,
    type: (types.has(c.type) ? c.type : 'string') as TableColumn['type'],
    ...(c.format ? { format: c.format } : {}),
    description: c.description ?? '',
    priority: c.priority ?? 0,
    jsonPath: c.jsonPath,
  }));
}

/** cellForJSONValue / the string printer of tableconvertor.go: the first result, typed by the column. */
export function cellFor(type: TableColumn['type'], values: unknown[], now: number = Date.now()): unknown {
  if (!values.length) return null;
  const v = values[0];
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : JSON.stringify(v);
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? age(v, now) : null;
  }
  return null;
}

function scaleOf(v: CrdVersion): ScaleSpec | undefined {
  const s = v.subresources?.scale;
  if (!s?.specReplicasPath || !s.statusReplicasPath) return undefined;
  return { specReplicasPath: s.specReplicasPath, statusReplicasPath: s.statusReplicasPath, ...(s.labelSelectorPath ? { labelSelectorPath: s.labelSelectorPath } : {}) };
}

/** Schema of each custom-resource strategy, so strict field validation can find pruned fields. */
const schemaOfStrategy = new WeakMap<Strategy, JSONSchemaProps>();

/**
 * Fields a write would prune from a custom resource: what fieldValidation=Strict rejects and Warn
 * warns about for custom resources (upstream reports pruned fields as unknown fields).
 * undefined when `def` is not a custom resource with a schema.
 */
export function customResourceUnknownFields(def: ResourceDef, obj: unknown): string[] | undefined {
  const schema = schemaOfStrategy.get(def.strategy);
  if (!schema) return undefined;
  return prune(structuredClone(obj), schema);
}

/** The strategy of one served version: prune, default, validate, print. */
export function crStrategy(v: CrdVersion): Strategy {
  const schema = v.schema?.openAPIV3Schema;
  const cols = printerColumns(v);
  const strategy: Strategy = {
    default(obj) {
      if (!schema) return;
      // Upstream prunes while decoding, then applies defaults (structural defaulting).
      prune(obj, schema);
      applyDefaults(obj, schema);
    },
    validate(obj) {
      return schema ? validateValue(obj, schema) : [];
    },
    tracksGeneration: true,
    columns: [nameColumn, ...cols.map(({ jsonPath: _jp, ...c }) => c)],
    row(obj: KubeObject) {
      const now = Date.now();
      return [obj.metadata.name ?? '', ...cols.map((c) => cellFor(c.type, safeEval(obj, c.jsonPath), now))];
    },
  };
  if (schema) schemaOfStrategy.set(strategy, schema);
  return strategy;
}

function safeEval(obj: unknown, path: string): unknown[] {
  try {
    return evalJsonPath(obj, path);
  } catch {
    return [];
  }
}

/**
 * One ResourceDef per served version. The storage version (or the first served one) is
 * preferred; other versions convert to it by rewriting apiVersion (conversion strategy None).
 */
export function crdToResourceDefs(crd: KubeObject): ResourceDef[] {
  const spec = (crd.spec ?? {}) as { group?: string; scope?: string; versions?: CrdVersion[] };
  const group = spec.group;
  if (!group) throw new Error('spec.group is required');
  const names = namesOf(crd);
  if (!names.plural || !names.kind) throw new Error('spec.names.plural and spec.names.kind are required');
  const versions = (spec.versions ?? []).filter((v) => v.name && v.served !== false);
  const storage = (spec.versions ?? []).find((v) => v.storage)?.name ?? versions[0]?.name;
  const preferred = versions.some((v) => v.name === storage) ? storage : versions[0]?.name;
  return versions.map((v): ResourceDef => {
    const hasStatus = v.subresources?.status !== undefined && v.subresources.status !== null;
    const scale = scaleOf(v);
    const def: ResourceDef = {
      group,
      version: v.name,
      kind: names.kind,
      resource: names.plural,
      singular: names.singular,
      namespaced: spec.scope !== 'Cluster',
      strategy: crStrategy(v),
      preferred: v.name === preferred,
    };
    if (names.shortNames) def.shortNames = names.shortNames;
    if (names.categories) def.categories = names.categories;
    if (hasStatus || scale) def.subresources = { ...(hasStatus ? { status: true } : {}), ...(scale ? { scale } : {}) };
    if (storage && v.name !== storage) {
      const setVersion = (to: string) => (o: KubeObject): KubeObject => ({ ...o, apiVersion: `${group}/${to}` });
      def.conversion = { storageGroup: group, storageVersion: storage, storageResource: names.plural, toStorage: setVersion(storage), fromStorage: setVersion(v.name) };
    }
    return def;
  });
}
