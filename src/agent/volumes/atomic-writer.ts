/**
 * Kubelet's AtomicWriter (pkg/volume/util/atomic_writer.go) for configMap, secret, downwardAPI and
 * projected volumes: the payload is written into a fresh hidden `..<timestamp>` directory, the
 * `..data` symlink is swapped to it with a rename (atomic), and each top-level user-visible name
 * is a symlink through `..data`. A reader therefore sees either the old or the new set of files,
 * never a mix, and a live update becomes visible in a running container's bind mount.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';

/** One file of a volume payload. */
export interface PayloadFile {
  data: Buffer;
  /** file mode, e.g. 0o644 */
  mode: number;
}

/** Relative path → file. */
export type Payload = Map<string, PayloadFile>;

const dataDirName = '..data';
const tmpLinkName = '..data_tmp';

/** Rejects absolute paths, `..` elements and names starting with `..` (validatePath). */
export function validatePayloadPath(p: string): void {
  if (p === '' || p.startsWith('/')) throw new Error(`invalid path ${JSON.stringify(p)}: must be relative`);
  const parts = p.split('/');
  if (parts.some((x) => x === '..' || x === '')) throw new Error(`invalid path ${JSON.stringify(p)}: must not contain '..'`);
  if (p.startsWith('..')) throw new Error(`invalid path ${JSON.stringify(p)}: must not start with '..'`);
}

function timestampName(now: number): string {
  const d = new Date(now);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `..${d.getUTCFullYear()}_${pad(d.getUTCMonth() + 1)}_${pad(d.getUTCDate())}_${pad(d.getUTCHours())}_${pad(d.getUTCMinutes())}_${pad(d.getUTCSeconds())}.`;
}

/** True when the directory already holds exactly this payload (contents and modes). */
function sameAsCurrent(dir: string, payload: Payload): boolean {
  const files: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else files.push(r);
    }
  };
  walk(dir, '');
  if (files.length !== payload.size) return false;
  for (const f of files) {
    const want = payload.get(f);
    if (!want) return false;
    const full = join(dir, f);
    if ((statSync(full).mode & 0o7777) !== want.mode) return false;
    if (!readFileSync(full).equals(want.data)) return false;
  }
  return true;
}

/**
 * Writes `payload` into `target` atomically; returns false when nothing changed. `now` names the
 * new timestamped directory (injected clock).
 */
export function writePayload(target: string, payload: Payload, now: number): boolean {
  for (const p of payload.keys()) validatePayloadPath(p);
  mkdirSync(target, { recursive: true });
  const dataLink = join(target, dataDirName);
  let oldDir: string | undefined;
  if (existsSync(dataLink)) {
    oldDir = readlinkSync(dataLink);
    if (sameAsCurrent(join(target, oldDir), payload)) return false;
  }
  const tsDir = mkdtempSync(join(target, timestampName(now)));
  chmodSync(tsDir, 0o755);
  for (const [rel, f] of payload) {
    const full = join(tsDir, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, f.data);
    chmodSync(full, f.mode);
  }
  const tsName = tsDir.slice(target.length + 1);
  const tmpLink = join(target, tmpLinkName);
  rmSync(tmpLink, { force: true });
  symlinkSync(tsName, tmpLink);
  renameSync(tmpLink, dataLink);
  // User-visible names: one symlink per top-level entry of the payload.
  const visible = new Set([...payload.keys()].map((p) => normalize(p).split(sep)[0] ?? p));
  for (const name of visible) {
    const link = join(target, name);
    let exists = false;
    try {
      lstatSync(link);
      exists = true;
    } catch {
      // absent
    }
    if (!exists) symlinkSync(join(dataDirName, name), link);
  }
  for (const name of readdirSync(target)) {
    if (name.startsWith('..') || visible.has(name)) continue;
    rmSync(join(target, name), { recursive: true, force: true });
  }
  if (oldDir && oldDir !== tsName) rmSync(join(target, oldDir), { recursive: true, force: true });
  return true;
}
