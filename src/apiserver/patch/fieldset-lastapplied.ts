/**
 * The client-side apply annotation as the API server rewrites it after kubectl's server-side
 * apply (lastAppliedUpdater.buildLastApplied): the applied configuration without the annotation
 * itself, encoded like Go's encoding/json of an unstructured map (sorted keys, HTML-safe escapes,
 * a trailing newline from json.Encoder).
 */
import { isPlainObject } from '../../api/object.js';
import type { KubeObject } from '../../api/object.js';

/** kubectl.kubernetes.io/last-applied-configuration */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Go's json string escaping with SetEscapeHTML(true): <, >, & and U+2028/2029 as \u escapes. */
function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON with map keys sorted, as Go marshals map[string]interface{}. */
export function goJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => goJSON(x === undefined ? null : x)).join(',')}]`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    return `{${keys.map((k) => `${goString(k)}:${goJSON(v[k])}`).join(',')}}`;
  }
  if (typeof v === 'string') return goString(v);
  if (v === undefined) return 'null';
  return JSON.stringify(v);
}

/** The annotation value for an applied configuration. */
export function lastAppliedJSON(applied: KubeObject): string {
  const copy = structuredClone(applied);
  const anns = copy.metadata?.annotations;
  if (anns && LAST_APPLIED in anns) {
    const rest = { ...anns };
    delete rest[LAST_APPLIED];
    copy.metadata.annotations = rest;
  }
  return `${goJSON(copy)}\n`;
}
