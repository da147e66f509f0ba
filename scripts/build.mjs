// Type-checks and emits dist/, then generates the OpenAPI definitions from kubernetes-types.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', '.'], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
if (existsSync('dist/scripts/gen-openapi.js')) {
  const g = spawnSync(process.execPath, ['dist/scripts/gen-openapi.js'], { stdio: 'inherit' });
  if (g.status !== 0) process.exit(g.status ?? 1);
}
