/**
 * Images without a registry: the process runtime runs host programs, so an image only matters
 * when the container has no `command`. Then a table maps well-known images to the host program
 * that plays their ENTRYPOINT/CMD. Kubernetes' rules apply (k8s.io/kubernetes
 * pkg/kubelet/kuberuntime "command overrides ENTRYPOINT, args override CMD"): with a command,
 * argv = command + args; with only args, argv = entrypoint + args; with neither, entrypoint + cmd.
 */
import { readFileSync } from 'node:fs';
import type { Container } from 'kubernetes-types/core/v1.js';

/** What an image runs by default. */
export interface ImageEntry {
  entrypoint: string[];
  cmd: string[];
}

/** The built-in table (host programs standing in for the images' defaults). */
export const defaultImages: Record<string, ImageEntry> = {
  busybox: { entrypoint: [], cmd: ['sh'] },
  alpine: { entrypoint: [], cmd: ['sh'] },
  debian: { entrypoint: [], cmd: ['bash'] },
  ubuntu: { entrypoint: [], cmd: ['bash'] },
  pause: { entrypoint: ['sleep'], cmd: ['infinity'] },
  nginx: { entrypoint: [], cmd: ['nginx', '-g', 'daemon off;'] },
  httpd: { entrypoint: [], cmd: ['httpd', '-DFOREGROUND'] },
  redis: { entrypoint: [], cmd: ['redis-server'] },
  python: { entrypoint: [], cmd: ['python3'] },
  node: { entrypoint: [], cmd: ['node'] },
  curl: { entrypoint: ['curl'], cmd: [] },
};

/** The short name of an image reference: `docker.io/library/python:3.11@sha256:…` → `python`. */
export function imageShortName(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const last = noDigest.split('/').at(-1) ?? noDigest;
  return (last.split(':')[0] ?? last).toLowerCase();
}

/** Loads extra entries from a JSON file: `{ "<image>": { "entrypoint": [...], "cmd": [...] } }` or `{ "<image>": ["prog", "arg"] }`. */
export function loadImageTable(file?: string): Record<string, ImageEntry> {
  const table = { ...defaultImages };
  if (!file) return table;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: expected a JSON object of image → command`);
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : undefined);
  for (const [name, v] of Object.entries(raw)) {
    const asList = strings(v);
    if (asList) {
      table[imageShortName(name)] = { entrypoint: [], cmd: asList };
      continue;
    }
    const o = (typeof v === 'object' && v !== null ? v : {}) as { entrypoint?: unknown; cmd?: unknown };
    const entrypoint = strings(o.entrypoint ?? []);
    const cmd = strings(o.cmd ?? []);
    if (!entrypoint || !cmd) throw new Error(`${file}: image ${name}: entrypoint and cmd must be string arrays`);
    table[imageShortName(name)] = { entrypoint, cmd };
  }
  return table;
}

/** The argv a container runs, or an ErrImagePull-style error message. */
export function resolveArgv(container: Container, table: Record<string, ImageEntry>): { argv: string[] } | { error: string } {
  const command = container.command ?? [];
  const args = container.args ?? [];
  if (command.length > 0) return { argv: [...command, ...args] };
  const image = container.image ?? '';
  const entry = table[imageShortName(image)];
  if (!entry) return { error: `image "${image}" has no command and is not a known image: set command, or use the cri runtime` };
  const argv = [...entry.entrypoint, ...(args.length > 0 ? args : entry.cmd)];
  if (argv.length === 0) return { error: `image "${image}" has no default command: set command` };
  return { argv };
}
