/**
 * Helpers for server-side printing, matching k8s.io/apimachinery/pkg/util/duration and
 * pkg/printers/internalversion so that `kubectl get` columns read exactly as upstream.
 */
import type { KubeObject } from '../object.js';
import type { TableColumn } from '../resource.js';

/** duration.HumanDuration: "0s", "59s", "5m", "5m10s", "3h", "3h5m", "2d", "2d3h", "1y", "5y". */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** translateTimestampSince: "<unknown>" for a missing timestamp, else the human age. */
export function age(ts: string | undefined, now: number = Date.now()): string {
  if (!ts) return '<unknown>';
  const t = Date.parse(ts);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now - t);
}

/** The NAME column every table starts with (description as upstream's metav1 ObjectMeta.name). */
export const nameColumn: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

/** The AGE column (upstream: "CreationTimestamp is a timestamp representing the server time..."). */
export const ageColumn: TableColumn = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.',
  priority: 0,
};

/** Comma-joined labels as "k=v,k2=v2" ("<none>" when empty), as printers.go labelsToString-ish helpers do. */
export function formatLabels(m: Record<string, string> | undefined): string {
  if (!m || Object.keys(m).length === 0) return '<none>';
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${m[k]}`)
    .join(',');
}

/** Default table for kinds without their own columns: NAME, AGE. */
export function defaultRow(obj: KubeObject): unknown[] {
  return [obj.metadata.name ?? '', age(obj.metadata.creationTimestamp)];
}
