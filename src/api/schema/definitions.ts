/**
 * Loads the OpenAPI definitions that scripts/gen-openapi.ts generates from kubernetes-types at
 * build time (dist/generated/k8s-definitions.json). The file is found from this module's own
 * location, which is src/api/schema/ under tsx and dist/src/api/schema/ when built, by walking up
 * to the repository root (the directory holding package.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Definitions } from './types.js';

const RELATIVE = join('dist', 'generated', 'k8s-definitions.json');

let cached: Definitions | undefined;
let kindIndex: Map<string, string> | undefined;

/** The path of the generated definitions file. */
export function definitionsPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, RELATIVE);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return join(process.cwd(), RELATIVE);
}

/** All built-in definitions by upstream name; read once, then shared (callers must not mutate). */
export function loadDefinitions(): Definitions {
  if (cached) return cached;
  const p = definitionsPath();
  if (!existsSync(p)) {
    throw new Error(`OpenAPI definitions not found at ${p}: run \`npm run build\` or \`npx tsx scripts/gen-openapi.ts\``);
  }
  cached = JSON.parse(readFileSync(p, 'utf8')) as Definitions;
  return cached;
}

/**
 * The definition name of a built-in kind, e.g. ('apps','v1','Deployment') →
 * 'io.k8s.api.apps.v1.Deployment'; undefined for kinds without one (custom resources).
 */
export function rootDefinitionFor(group: string, version: string, kind: string): string | undefined {
  const defs = loadDefinitions();
  if (!kindIndex) {
    kindIndex = new Map();
    for (const [name, s] of Object.entries(defs)) {
      for (const g of s['x-kubernetes-group-version-kind'] ?? []) {
        const key = `${g.group}/${g.version}/${g.kind}`;
        // meta/v1 DeleteOptions/WatchEvent are listed under every group; a kind's own definition wins.
        if (!kindIndex.has(key) || !name.startsWith('io.k8s.apimachinery.pkg.apis.meta.')) kindIndex.set(key, name);
      }
    }
  }
  return kindIndex.get(`${group}/${version}/${kind}`);
}
