/**
 * The /openapi/v3/<group-version> document, shaped like kube-apiserver's: one path per
 * collection/item/subresource with the REST operations, and components.schemas holding every
 * definition the kinds reference. Two readers matter:
 *  - kubectl's QueryParamVerifierV3: a patch operation whose x-kubernetes-group-version-kind is an
 *    OBJECT equal to the GVK and which has a `fieldValidation` parameter means "server-side field
 *    validation supported", so kubectl skips /openapi/v2 and client-side validation.
 *  - kubectl explain: finds the schema whose x-kubernetes-group-version-kind LIST holds the GVK
 *    and follows $refs into properties.
 */
import type { ResourceDef } from '../../api/resource.js';
import type { Definitions, Schema, SchemaGVK } from '../../api/schema/types.js';
import { deleteParams, listParams, params, writeParams, type Param } from './params.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const responseTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const patchTypes = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

type Operation = Record<string, unknown>;
type PathItem = Record<string, unknown>;

/** The definition name of a GVK in `defs`. */
function kindDef(defs: Definitions, gvk: SchemaGVK): string | undefined {
  let fallback: string | undefined;
  for (const [name, s] of Object.entries(defs)) {
    if (!s['x-kubernetes-group-version-kind']?.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) continue;
    // meta/v1 DeleteOptions/WatchEvent list every group; prefer the kind's own definition.
    if (!name.startsWith(`${META}.`)) return name;
    fallback = name;
  }
  return fallback;
}

function content(types: string[], schema: Schema): Record<string, { schema: Schema }> {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

function responses(codes: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [code, def] of Object.entries(codes)) {
    out[code] = def ? { description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK', content: content(responseTypes, ref(def)) } : { description: 'OK' };
  }
  out['401'] = { description: 'Unauthorized' };
  return out;
}

/** "apps/v1" → "AppsV1", "rbac.authorization.k8s.io" → "RbacAuthorizationV1", "" → "CoreV1" (operationId parts). */
function opPrefix(group: string, version: string): string {
  const g = group ? group.replace(/\.k8s\.io$/, '').split('.') : ['core'];
  return [...g, version].map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('');
}

interface OpSpec {
  action: 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
  id: string;
  description: string;
  gvk: SchemaGVK;
  params: Param[];
  body?: string; // definition name of the request body (put/post)
  patch?: boolean;
  responses: Record<string, string | undefined>;
}

function operation(o: OpSpec, tag: string): Operation {
  const op: Operation = {
    tags: [tag],
    description: o.description,
    operationId: o.id,
    parameters: o.params,
  };
  if (o.body) op.requestBody = { content: { '*/*': { schema: ref(o.body) } }, required: true };
  if (o.patch) op.requestBody = { content: content(patchTypes, ref(`${META}.Patch`)), required: true };
  op.responses = responses(o.responses);
  op['x-kubernetes-action'] = o.action;
  op['x-kubernetes-group-version-kind'] = { ...o.gvk };
  return op;
}

/**
 * A copy of a schema in kube-apiserver's v3 form: a $ref with siblings (a field's description)
 * becomes `allOf: [{$ref}]` beside them, since OpenAPI 3.0 ignores a $ref's siblings.
 */
function v3Form(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(v3Form);
  if (typeof x !== 'object' || x === null) return x;
  const o = x as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    // Values under these keys are data, not schemas.
    out[k] = k === 'enum' || k === 'default' || k === 'example' || k.startsWith('x-kubernetes-') ? v : v3Form(v);
  }
  if (typeof o.$ref === 'string' && Object.keys(o).length > 1) {
    delete out.$ref;
    out.allOf = [{ $ref: o.$ref }];
  }
  return out;
}

/** Adds `name` and every definition it references (transitively) to `out`. */
function collect(name: string, defs: Definitions, extra: Definitions, out: Definitions): void {
  if (out[name]) return;
  const s = extra[name] ?? defs[name];
  if (!s) return;
  out[name] = v3Form(s) as Schema;
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(visit);
    if (typeof x !== 'object' || x === null) return;
    for (const [k, v] of Object.entries(x)) {
      if (k === '$ref' && typeof v === 'string') collect(v.replace(/^#\/(components\/schemas|definitions)\//, ''), defs, extra, out);
      else if (k !== 'x-kubernetes-group-version-kind' && k !== 'enum' && k !== 'default' && k !== 'example') visit(v);
    }
  };
  visit(s);
}

/**
 * The OpenAPI 3.0 document of one group/version: paths for every resource in `resources` (all of
 * that group/version) and the schemas they reference. `extraSchemas` adds definitions not in
 * `defs` (custom resources' schemas).
 */
export function openapiV3Document(
  gv: { group: string; version: string },
  resources: ResourceDef[],
  defs: Definitions,
  extraSchemas?: Definitions | Record<string, unknown>,
): object {
  const extra = (extraSchemas ?? {}) as Definitions;
  const all: Definitions = { ...defs, ...extra };
  const { group, version } = gv;
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const tag = group ? `${group.replace(/\.k8s\.io$/, '').replace(/\./g, '')}_${version}` : `core_${version}`;
  const prefix = opPrefix(group, version);
  const paths: Record<string, PathItem> = {};
  const schemas: Definitions = {};
  const need = (n: string | undefined): void => {
    if (n) collect(n, defs, extra, schemas);
  };

  paths[`${base}/`] = {
    get: {
      tags: [tag],
      description: 'get available resources',
      operationId: `get${prefix}APIResources`,
      responses: responses({ '200': `${META}.APIResourceList` }),
    },
  };
  need(`${META}.APIResourceList`);
  for (const n of ['DeleteOptions', 'Status', 'Patch', 'WatchEvent']) need(`${META}.${n}`);

  for (const r of [...resources].sort((a, b) => a.resource.localeCompare(b.resource))) {
    if (r.group !== group || r.version !== version) continue;
    const gvk: SchemaGVK = { group, version, kind: r.kind };
    const kind = kindDef(all, gvk);
    const list = kindDef(all, { ...gvk, kind: `${r.kind}List` }) ?? kind;
    if (!kind) continue;
    need(kind);
    need(list);
    const verbs = new Set(r.verbs ?? ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    const ns = r.namespaced ? 'Namespaced' : '';
    const scopeParams = r.namespaced ? [params.namespace] : [];
    const collPath = r.namespaced ? `${base}/namespaces/{namespace}/${r.resource}` : `${base}/${r.resource}`;
    const itemPath = `${collPath}/{name}`;
    const name = params.name(r.kind);

    const coll: PathItem = { parameters: [...scopeParams, params.pretty] };
    if (verbs.has('list')) coll.get = operation({ action: 'list', id: `list${prefix}${ns}${r.kind}`, description: `list or watch objects of kind ${r.kind}`, gvk, params: listParams, responses: { '200': list } }, tag);
    if (verbs.has('create')) coll.post = operation({ action: 'post', id: `create${prefix}${ns}${r.kind}`, description: `create a ${r.kind}`, gvk, params: writeParams, body: kind, responses: { '200': kind, '201': kind, '202': kind } }, tag);
    if (verbs.has('deletecollection')) coll.delete = operation({ action: 'deletecollection', id: `deletecollection${prefix}${ns}${r.kind}`, description: `delete collection of ${r.kind}`, gvk, params: [...deleteParams, ...listParams.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks')], responses: { '200': `${META}.Status` } }, tag);
    if (coll.get || coll.post || coll.delete) paths[collPath] = coll;

    const item: PathItem = { parameters: [name, ...scopeParams, params.pretty] };
    if (verbs.has('get')) item.get = operation({ action: 'get', id: `read${prefix}${ns}${r.kind}`, description: `read the specified ${r.kind}`, gvk, params: [], responses: { '200': kind } }, tag);
    if (verbs.has('update')) item.put = operation({ action: 'put', id: `replace${prefix}${ns}${r.kind}`, description: `replace the specified ${r.kind}`, gvk, params: writeParams, body: kind, responses: { '200': kind, '201': kind } }, tag);
    if (verbs.has('patch')) item.patch = operation({ action: 'patch', id: `patch${prefix}${ns}${r.kind}`, description: `partially update the specified ${r.kind}`, gvk, params: [...writeParams, params.force], patch: true, responses: { '200': kind, '201': kind } }, tag);
    if (verbs.has('delete')) item.delete = operation({ action: 'delete', id: `delete${prefix}${ns}${r.kind}`, description: `delete a ${r.kind}`, gvk, params: deleteParams, responses: { '200': `${META}.Status`, '202': `${META}.Status` } }, tag);
    if (item.get || item.put || item.patch || item.delete) paths[itemPath] = item;

    if (r.namespaced && verbs.has('list')) {
      paths[`${base}/${r.resource}`] = {
        get: operation({ action: 'list', id: `list${prefix}${r.kind}ForAllNamespaces`, description: `list or watch objects of kind ${r.kind}`, gvk, params: listParams, responses: { '200': list } }, tag),
        parameters: [params.pretty],
      };
    }
    const sub = (suffix: string, subGvk: SchemaGVK, def: string, what: string, idPart: string): void => {
      paths[`${itemPath}/${suffix}`] = {
        parameters: [name, ...scopeParams, params.pretty],
        get: operation({ action: 'get', id: `read${prefix}${ns}${r.kind}${idPart}`, description: `read ${what} of the specified ${r.kind}`, gvk: subGvk, params: [], responses: { '200': def } }, tag),
        put: operation({ action: 'put', id: `replace${prefix}${ns}${r.kind}${idPart}`, description: `replace ${what} of the specified ${r.kind}`, gvk: subGvk, params: writeParams, body: def, responses: { '200': def, '201': def } }, tag),
        patch: operation({ action: 'patch', id: `patch${prefix}${ns}${r.kind}${idPart}`, description: `partially update ${what} of the specified ${r.kind}`, gvk: subGvk, params: [...writeParams, params.force], patch: true, responses: { '200': def, '201': def } }, tag),
      };
    };
    if (r.subresources?.status) sub('status', gvk, kind, 'status', 'Status');
    if (r.subresources?.scale && all[SCALE]) {
      need(SCALE);
      sub('scale', { group: 'autoscaling', version: 'v1', kind: 'Scale' }, SCALE, 'scale', 'Scale');
    }
  }

  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.30.0' },
    paths,
    components: {
      schemas: schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
    security: [{ BearerToken: [] }],
  };
}
