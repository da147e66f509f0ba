/**
 * ControllerRevision helpers shared by the DaemonSet and StatefulSet controllers (upstream
 * pkg/controller/history and the controllers' getPatch/ApplyRevision): a revision stores the
 * pod template as the patch `{"spec":{"template":{…,"$patch":"replace"}}}` serialised with sorted
 * keys (as Go's json.Marshal of a map does), revisions are equal when their data is, and names
 * are `<owner>-<hash>` with the hash encoded in the safe alphabet of rand.SafeEncodeString.
 */
import type { KubeObject } from '../../api/object.js';
import { controllerRefOf } from './workload-helpers-ds-sts.js';

/** apps/v1 ControllerRevision as the controllers read and write it. */
export interface ControllerRevision extends KubeObject {
  data?: unknown;
  revision?: number;
}

/** The ControllerRevision resource. */
export const CONTROLLER_REVISIONS = { group: 'apps', version: 'v1', resource: 'controllerrevisions' } as const;

/** JSON with object keys sorted at every level (Go's encoding of map[string]interface{}). */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x === undefined ? null : x)).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/** FNV-1 (hash/fnv New32, used by history.HashControllerRevision). */
export function fnv1(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h;
}

/** FNV-1a (hash/fnv New32a, used by controller.ComputeHash). */
export function fnv1a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h = (h ^ b) >>> 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: each byte mapped into an alphabet without vowels (no accidental words). */
export function safeEncode(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += SAFE_ALPHABET[b % SAFE_ALPHABET.length];
  return out;
}

/** The revision data of a workload: its pod template as a replacing strategic-merge patch. */
export function templatePatch(workload: KubeObject): unknown {
  const spec = (workload.spec ?? {}) as { template?: Record<string, unknown> };
  return { spec: { template: { ...(spec.template ?? {}), $patch: 'replace' } } };
}

/** history.HashControllerRevision: FNV-1 of the data plus the collision count, safe-encoded. */
export function hashRevisionData(data: unknown, collisionCount: number | undefined): string {
  let h = fnv1(Buffer.from(canonicalJson(data), 'utf8'));
  if (collisionCount !== undefined) h = fnv1(Buffer.from(String(collisionCount), 'utf8'), h);
  return safeEncode(String(h));
}

/** controller.ComputeHash (DaemonSet): FNV-1a of the template plus the little-endian collision count. */
export function computeTemplateHash(template: unknown, collisionCount: number | undefined): string {
  let h = fnv1a(Buffer.from(canonicalJson(template), 'utf8'));
  if (collisionCount !== undefined) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(collisionCount >>> 0);
    h = fnv1a(b, h);
  }
  return safeEncode(String(h));
}

/** history.ControllerRevisionName: `<prefix>-<hash>`, the prefix cut to 223 characters. */
export function revisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/** history.EqualRevision: same data (compared canonically). */
export function equalRevisionData(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** history.SortControllerRevisions: by revision number, then creation time, then name. */
export function sortRevisions(revs: ControllerRevision[]): ControllerRevision[] {
  return [...revs].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0) || String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

/** The highest revision number among `revs` (0 when none). */
export function maxRevision(revs: ControllerRevision[]): number {
  return revs.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
}

/** The pod template a revision recorded (ApplyRevision with a `$patch: replace` template). */
export function templateOfRevision(rev: ControllerRevision): Record<string, unknown> {
  const t = { ...(((rev.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template) ?? {}) };
  delete t.$patch;
  return t;
}

/** Revisions controlled by `owner` (by controller reference uid). */
export function ownedRevisions(owner: KubeObject, revs: KubeObject[]): ControllerRevision[] {
  return revs.filter((r) => controllerRefOf(r)?.uid === owner.metadata.uid);
}

/**
 * Which old revisions to delete to honour revisionHistoryLimit: up to `maxDelete` of them, the
 * oldest first, never one a live pod still runs (`live` tells the ones in use).
 */
export function revisionsToPrune(old: ControllerRevision[], live: (r: ControllerRevision) => boolean, maxDelete: number): ControllerRevision[] {
  if (maxDelete <= 0) return [];
  return sortRevisions(old).filter((r) => !live(r)).slice(0, maxDelete);
}
