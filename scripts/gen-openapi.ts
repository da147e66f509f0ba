/**
 * Generates the OpenAPI definitions of every built-in kind from the kubernetes-types package,
 * instead of hand-writing them: the .d.ts interfaces carry the upstream field names, JSDoc
 * descriptions, optional/required markers, and literal apiVersion/kind types that identify
 * top-level kinds. Merge metadata (x-kubernetes-patch-*, list-type...) comes from merge-keys.ts.
 *
 * Usage: tsx scripts/gen-openapi.ts [outdir]   (default outdir: dist/generated, from the repo root)
 * Writes <outdir>/k8s-definitions.json keyed by upstream definition names.
 */
import ts from 'typescript';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeKeys } from '../src/api/schema/merge-keys.js';
import type { Definitions, Schema, SchemaGVK } from '../src/api/schema/types.js';

/** kubernetes-types folder → API group, where it is not simply "<folder>.k8s.io". */
const groupOfFolder: Record<string, string> = {
  core: '',
  apps: 'apps',
  batch: 'batch',
  autoscaling: 'autoscaling',
  policy: 'policy',
  rbac: 'rbac.authorization.k8s.io',
  apiserverinternal: 'internal.apiserver.k8s.io',
  flowcontrol: 'flowcontrol.apiserver.k8s.io',
};

/** Definition-name prefix of each kubernetes-types module (path without .d.ts). */
export function prefixOfModule(mod: string): string {
  if (mod === 'api/resource') return 'io.k8s.apimachinery.pkg.api.resource';
  if (mod === 'runtime') return 'io.k8s.apimachinery.pkg.runtime';
  if (mod === 'version') return 'io.k8s.apimachinery.pkg.version';
  const [folder, version] = mod.split('/') as [string, string];
  if (folder === 'meta') return `io.k8s.apimachinery.pkg.apis.meta.${version}`;
  if (folder === 'apiextensions') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}`;
  return `io.k8s.api.${folder}.${version}`;
}

/** API group served by a kubernetes-types folder. */
export function groupOfModule(folder: string): string {
  return groupOfFolder[folder] ?? `${folder}.k8s.io`;
}

/**
 * TS only says `number`; upstream declares these fields int64 (Go int64 in the API types).
 * Everything else numeric is int32 unless listed as a float below.
 */
const int64Fields = new Set([
  'generation', 'observedGeneration', 'deletionGracePeriodSeconds', 'gracePeriodSeconds', 'activeDeadlineSeconds',
  'terminationGracePeriodSeconds', 'runAsUser', 'runAsGroup', 'fsGroup', 'supplementalGroups', 'tolerationSeconds',
  'startingDeadlineSeconds', 'expirationSeconds', 'revision', 'remainingItemCount', 'maxLength', 'minLength',
  'maxItems', 'minItems', 'maxProperties', 'minProperties',
]);
const doubleFields = new Set(['maximum', 'minimum', 'multipleOf']);

const intOrStringName = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** The JSDoc text attached to a node, without the comment markers. */
function docOf(node: ts.Node, src: ts.SourceFile): string | undefined {
  const ranges = ts.getLeadingCommentRanges(src.text, node.getFullStart()) ?? [];
  const last = ranges.filter((r) => src.text.startsWith('/**', r.pos)).pop();
  if (!last) return undefined;
  const raw = src.text.slice(last.pos + 3, last.end - 2);
  const lines = raw.split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
  const text = lines.join('\n').trim();
  return text || undefined;
}

interface ModuleCtx {
  mod: string; // e.g. "apps/v1"
  src: ts.SourceFile;
  /** local name → definition name of imported types */
  imports: Map<string, string>;
  prefix: string;
}

function numberSchema(fieldName: string): Schema {
  if (doubleFields.has(fieldName)) return { type: 'number', format: 'double' };
  return { type: 'integer', format: int64Fields.has(fieldName) ? 'int64' : 'int32' };
}

/** Converts one TS type node to a schema. */
function convert(t: ts.TypeNode, ctx: ModuleCtx, fieldName: string): Schema {
  switch (t.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: 'string' };
    case ts.SyntaxKind.NumberKeyword:
      return numberSchema(fieldName);
    case ts.SyntaxKind.BooleanKeyword:
      return { type: 'boolean' };
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
      return {};
  }
  if (ts.isLiteralTypeNode(t)) return { type: ts.isStringLiteral(t.literal) ? 'string' : 'boolean' };
  if (ts.isParenthesizedTypeNode(t)) return convert(t.type, ctx, fieldName);
  if (ts.isArrayTypeNode(t)) return { type: 'array', items: convert(t.elementType, ctx, fieldName) };
  if (ts.isUnionTypeNode(t)) {
    const kinds = new Set(t.types.map((x) => x.kind));
    // `number | string` is how kubernetes-types spells intstr.IntOrString.
    if (kinds.has(ts.SyntaxKind.NumberKeyword) && kinds.has(ts.SyntaxKind.StringKeyword)) return ref(intOrStringName);
    if (t.types.every((x) => ts.isLiteralTypeNode(x) && ts.isStringLiteral(x.literal))) {
      return { type: 'string', enum: t.types.map((x) => ((x as ts.LiteralTypeNode).literal as ts.StringLiteral).text) };
    }
    return {};
  }
  if (ts.isTypeLiteralNode(t)) {
    const idx = t.members.find(ts.isIndexSignatureDeclaration);
    if (idx) return { type: 'object', additionalProperties: convert(idx.type, ctx, fieldName) };
    return { type: 'object' };
  }
  if (ts.isTypeReferenceNode(t)) {
    const name = t.typeName.getText(ctx.src);
    if ((name === 'Array' || name === 'ReadonlyArray') && t.typeArguments?.[0]) {
      return { type: 'array', items: convert(t.typeArguments[0], ctx, fieldName) };
    }
    if (name === 'Record' && t.typeArguments?.[1]) {
      return { type: 'object', additionalProperties: convert(t.typeArguments[1], ctx, fieldName) };
    }
    return ref(ctx.imports.get(name) ?? `${ctx.prefix}.${name}`);
  }
  return {};
}

/** Schema of a type alias (Time, Quantity, JSONSchemaPropsOrBool...). */
function aliasSchema(name: string, decl: ts.TypeAliasDeclaration, ctx: ModuleCtx): Schema {
  const description = docOf(decl, ctx.src);
  const base: Schema = description ? { description } : {};
  if (name === 'Time' || name === 'MicroTime') return { ...base, type: 'string', format: 'date-time' };
  if (name === 'Quantity') return { ...base, type: 'string', 'x-kubernetes-int-or-string': true };
  const s = convert(decl.type, ctx, name);
  // Unions of schemas (JSONSchemaPropsOrArray...) are any JSON value, as upstream documents them.
  if (s.$ref || (!s.type && !s.properties)) return { ...base, 'x-kubernetes-preserve-unknown-fields': true };
  return { ...base, ...s };
}

/** Schema of an interface, plus the GVK its literal apiVersion/kind declare. */
function interfaceSchema(name: string, decl: ts.InterfaceDeclaration, ctx: ModuleCtx, defName: string): Schema {
  const description = docOf(decl, ctx.src);
  const props = decl.members.filter(ts.isPropertySignature);
  const s: Schema = { type: 'object' };
  if (description) s.description = description;
  if (props.length === 0) {
    // RawExtension, FieldsV1: arbitrary embedded JSON objects. JSON: any JSON value.
    if (name === 'JSON') delete s.type;
    s['x-kubernetes-preserve-unknown-fields'] = true;
    return s;
  }
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  let apiVersion: string | undefined;
  let kind: string | undefined;
  const merge = mergeKeys[defName] ?? {};
  for (const p of props) {
    const field = p.name.getText(ctx.src).replace(/^["']|["']$/g, '');
    if (!p.type) continue;
    const ps = convert(p.type, ctx, field);
    const pdoc = docOf(p, ctx.src);
    if (pdoc) ps.description = pdoc;
    const lit = ts.isLiteralTypeNode(p.type) && ts.isStringLiteral(p.type.literal) ? p.type.literal.text : undefined;
    if (field === 'apiVersion' && lit) apiVersion = lit;
    if (field === 'kind' && lit) kind = lit;
    if (ps.enum && (field === 'apiVersion' || field === 'kind')) delete ps.enum;
    const m = merge[field];
    if (m?.strategy) ps['x-kubernetes-patch-strategy'] = m.strategy;
    if (m?.mergeKey) ps['x-kubernetes-patch-merge-key'] = m.mergeKey;
    if (m?.listType) ps['x-kubernetes-list-type'] = m.listType;
    if (m?.listMapKeys) ps['x-kubernetes-list-map-keys'] = [...m.listMapKeys];
    if (m?.mapType) ps['x-kubernetes-map-type'] = m.mapType;
    properties[field] = ps;
    if (!p.questionToken) required.push(field);
  }
  s.properties = properties;
  if (required.length) s.required = required.sort();
  if (apiVersion && kind) {
    const [g, v] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
    s['x-kubernetes-group-version-kind'] = [{ group: g, version: v, kind }];
  }
  return s;
}

function listModules(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.d.ts')) out.push(relative(root, p).replace(/\\/g, '/').replace(/\.d\.ts$/, ''));
    }
  };
  walk(root);
  return out;
}

/** Reads kubernetes-types under `typesRoot` and returns all definitions. */
export function generateDefinitions(typesRoot: string): Definitions {
  const defs: Definitions = {};
  const groupVersions = new Set<string>();
  for (const mod of listModules(typesRoot)) {
    const file = join(typesRoot, `${mod}.d.ts`);
    const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const ctx: ModuleCtx = { mod, src, imports: new Map(), prefix: prefixOfModule(mod) };
    for (const st of src.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const target = join(dirname(mod), st.moduleSpecifier.text).replace(/\\/g, '/');
      const bindings = st.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) {
          ctx.imports.set(el.name.text, `${prefixOfModule(target)}.${(el.propertyName ?? el.name).text}`);
        }
      }
    }
    for (const st of src.statements) {
      if (ts.isInterfaceDeclaration(st)) {
        const name = `${ctx.prefix}.${st.name.text}`;
        defs[name] = interfaceSchema(st.name.text, st, ctx, name);
        for (const g of defs[name]?.['x-kubernetes-group-version-kind'] ?? []) groupVersions.add(`${g.group}/${g.version}`);
      } else if (ts.isTypeAliasDeclaration(st)) {
        defs[`${ctx.prefix}.${st.name.text}`] = aliasSchema(st.name.text, st, ctx);
      }
    }
  }
  defs[intOrStringName] = {
    description:
      'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
    type: 'string',
    format: 'int-or-string',
    'x-kubernetes-int-or-string': true,
  };
  addMetaKinds(defs, groupVersions);
  return sortKeys(defs);
}

/**
 * Status, DeleteOptions and WatchEvent have no literal apiVersion in kubernetes-types; upstream
 * lists Status under v1 and DeleteOptions/WatchEvent under every group version.
 */
function addMetaKinds(defs: Definitions, groupVersions: Set<string>): void {
  const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';
  const gvs = [...groupVersions].sort().map((gv) => gv.split('/') as [string, string]);
  const status = defs[`${meta}.Status`];
  if (status) status['x-kubernetes-group-version-kind'] = [{ group: '', version: 'v1', kind: 'Status' }];
  for (const kind of ['DeleteOptions', 'WatchEvent']) {
    const d = defs[`${meta}.${kind}`];
    if (d) d['x-kubernetes-group-version-kind'] = gvs.map(([group, version]): SchemaGVK => ({ group, version, kind }));
  }
}

function sortKeys(defs: Definitions): Definitions {
  const out: Definitions = {};
  for (const k of Object.keys(defs).sort()) out[k] = defs[k]!;
  return out;
}

/** The directory holding package.json, walking up from `from`. */
export function repoRoot(from: string): string {
  let dir = from;
  for (let i = 0; i < 10; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'node_modules'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

function main(): void {
  const root = repoRoot(dirname(fileURLToPath(import.meta.url)));
  const outdir = resolve(process.argv[2] ?? join(root, 'dist/generated'));
  const defs = generateDefinitions(join(root, 'node_modules/kubernetes-types'));
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, 'k8s-definitions.json'), JSON.stringify(defs));
  console.log(`gen-openapi: ${Object.keys(defs).length} definitions → ${join(outdir, 'k8s-definitions.json')}`);
}

// Run only when executed as a script (tests import generateDefinitions).
if (process.argv[1] && resolve(process.argv[1]).replace(/\.ts$/, '.js') === fileURLToPath(import.meta.url).replace(/\.ts$/, '.js')) main();
