/**
 * Pure helpers of pkg/controller/deployment/util: the pod-template hash, template equality
 * ignoring the hash label, revision and replica annotations, maxSurge/maxUnavailable resolution,
 * and the orderings ReplicaSets are sorted by.
 */
import type { KubeObject } from '../../api/object.js';
import type { DeploymentSpec, DeploymentStatus, ReplicaSetSpec, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';

/** A Deployment as the controller reads it. */
export interface DeploymentObj extends KubeObject {
  spec?: DeploymentSpec;
  status?: DeploymentStatus;
}

/** A ReplicaSet as the controller reads it. */
export interface ReplicaSetObj extends KubeObject {
  spec?: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
/** Upstream caps revision-history at this many characters. */
const MAX_REV_HISTORY_CHARS = 2000;
/** Annotations never copied from a Deployment onto its ReplicaSets (annotationsToSkip). */
const SKIPPED = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, 'deprecated.deployment.rollback.to']);

/**
 * JSON with object keys sorted and null fields dropped, so templates equal as Go structs
 * serialise identically (kubectl sends `metadata.creationTimestamp: null` in templates, e.g. on
 * `rollout undo`; a zero time and an absent one are the same to upstream's Semantic.DeepEqual).
 */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined && o[k] !== null).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** 32-bit FNV-1a, the hash upstream's ComputeHash uses. */
function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: maps digits onto letters that cannot spell words. */
function safeEncode(s: string): string {
  return [...s].map((c) => ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length]).join('');
}

/**
 * ComputeHash: a stable hash of the pod template (and collisionCount, which changes the hash
 * when a ReplicaSet of that name already exists with another template).
 */
export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let s = canonical(template ?? {});
  if (collisionCount !== undefined && collisionCount !== null) s += String(collisionCount);
  return safeEncode(String(fnv32a(s)));
}

function withoutHash(t: PodTemplateSpec | undefined): unknown {
  const c = structuredClone(t ?? {}) as { metadata?: { labels?: Record<string, string> } };
  if (c.metadata?.labels) {
    delete c.metadata.labels[POD_TEMPLATE_HASH];
    if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
  }
  return c;
}

/** EqualIgnoreHash: templates equal apart from the pod-template-hash label. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonical(withoutHash(a)) === canonical(withoutHash(b));
}

/** Revision of a ReplicaSet (0 when unset or unparsable). */
export function revisionOf(o: KubeObject): number {
  const v = Number.parseInt(o.metadata.annotations?.[REVISION] ?? '', 10);
  return Number.isNaN(v) ? 0 : v;
}

/** MaxRevision of a set of ReplicaSets. */
export function maxRevision(rss: KubeObject[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

/** An int-or-percent scaled against `total` (GetScaledValueFromIntOrPercent). */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const pct = Number.parseInt(v.replace(/%$/, ''), 10);
  if (Number.isNaN(pct)) return 0;
  const x = (pct * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** ResolveFenceposts: surge rounds up, unavailable down; both zero becomes unavailable 1. */
export function resolveFenceposts(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, desired, true);
  let unavailable = scaledValue(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** Spec replicas of a Deployment or ReplicaSet (defaulted to 1 by the API server). */
export function replicasOf(o: DeploymentObj | ReplicaSetObj | undefined): number {
  return o?.spec?.replicas ?? 1;
}

export function isRollingUpdate(d: DeploymentObj): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** MaxSurge: zero for Recreate. */
export function maxSurge(d: DeploymentObj): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d)).surge;
}

/** MaxUnavailable: zero for Recreate or zero replicas, never more than replicas. */
export function maxUnavailable(d: DeploymentObj): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas).unavailable, replicas);
}

function annotationInt(o: KubeObject, key: string): number | undefined {
  const raw = o.metadata.annotations?.[key];
  if (raw === undefined) return undefined;
  const v = Number.parseInt(raw, 10);
  return Number.isNaN(v) ? undefined : v;
}

/** The desired-replicas annotation, if valid. */
export function desiredReplicasAnnotation(rs: KubeObject): number | undefined {
  return annotationInt(rs, DESIRED_REPLICAS);
}

/** The max-replicas annotation, if valid. */
export function maxReplicasAnnotation(rs: KubeObject): number | undefined {
  return annotationInt(rs, MAX_REPLICAS);
}

/** SetReplicasAnnotations: returns true when either annotation changed. */
export function setReplicasAnnotations(rs: KubeObject, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[DESIRED_REPLICAS] !== String(desired)) {
    a[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS] !== String(max)) {
    a[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
}

/** ReplicasAnnotationsNeedUpdate */
export function replicasAnnotationsNeedUpdate(rs: KubeObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

/**
 * SetNewReplicaSetAnnotations: copies the Deployment's annotations, raises the revision (keeping
 * the one it replaces in revision-history when an old ReplicaSet is reused, i.e. a rollback) and,
 * for a ReplicaSet about to be created, the replica annotations. Returns true if anything changed.
 */
export function setNewReplicaSetAnnotations(d: DeploymentObj, rs: KubeObject, newRevision: number, exists: boolean): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = (rs.metadata.annotations ??= {});
  const had = Object.prototype.hasOwnProperty.call(a, REVISION);
  const oldRaw = a[REVISION] ?? '';
  let oldRev = 0;
  if (oldRaw !== '') {
    oldRev = Number.parseInt(oldRaw, 10);
    if (Number.isNaN(oldRev)) return changed;
  }
  if (oldRev < newRevision) {
    a[REVISION] = String(newRevision);
    changed = true;
    if (had) {
      const history = a[REVISION_HISTORY] ?? '';
      if (history === '') a[REVISION_HISTORY] = oldRaw;
      else {
        const parts = history.split(',');
        let total = history.length + oldRaw.length + 1;
        let start = 0;
        while (total > MAX_REV_HISTORY_CHARS && start < parts.length) total -= (parts[start++] ?? '').length + 1;
        if (total <= MAX_REV_HISTORY_CHARS) a[REVISION_HISTORY] = [...parts.slice(start), oldRaw].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

/** copyDeploymentAnnotationsToReplicaSet (change-cause and the like, not revision bookkeeping). */
export function copyDeploymentAnnotations(d: DeploymentObj, rs: KubeObject): boolean {
  let changed = false;
  const a = (rs.metadata.annotations ??= {});
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIPPED.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  return changed;
}

function created(o: KubeObject): number {
  const t = Date.parse(o.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: KubeObject, b: KubeObject): number {
  return created(a) - created(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** ReplicaSetsByRevision: lowest revision first, then oldest. */
export function byRevision(a: KubeObject, b: KubeObject): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

/** ReplicaSetsBySizeNewer: larger first, ties newest first (scale-up order). */
export function bySizeNewer(a: ReplicaSetObj, b: ReplicaSetObj): number {
  return replicasOf(b) - replicasOf(a) || byCreation(b, a);
}

/** ReplicaSetsBySizeOlder: larger first, ties oldest first (scale-down order). */
export function bySizeOlder(a: ReplicaSetObj, b: ReplicaSetObj): number {
  return replicasOf(b) - replicasOf(a) || byCreation(a, b);
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's. */
export function findNewReplicaSet(d: DeploymentObj, rss: ReplicaSetObj[]): ReplicaSetObj | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** FindOldReplicaSets: every other ReplicaSet. */
export function findOldReplicaSets(d: DeploymentObj, rss: ReplicaSetObj[], newRS: ReplicaSetObj | undefined): ReplicaSetObj[] {
  return rss.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
}

/** Sum of spec.replicas. */
export function specReplicaCount(rss: (ReplicaSetObj | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs ? replicasOf(rs) : 0), 0);
}

/** Sum of status.replicas (GetActualReplicaCountForReplicaSets). */
export function actualReplicaCount(rss: (ReplicaSetObj | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
}

export function readyReplicaCount(rss: (ReplicaSetObj | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
}

export function availableReplicaCount(rss: (ReplicaSetObj | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);
}

/** FilterActiveReplicaSets: those with spec.replicas > 0. */
export function activeReplicaSets(rss: (ReplicaSetObj | undefined)[]): ReplicaSetObj[] {
  return rss.filter((rs): rs is ReplicaSetObj => rs !== undefined && replicasOf(rs) > 0);
}
