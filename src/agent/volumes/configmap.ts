/**
 * configMap volumes (pkg/volume/configmap): every key of data and binaryData as a file, or only
 * the listed `items` (key → path, per-item mode); modes default to defaultMode 0644. A missing
 * ConfigMap is an error unless `optional`, then the volume is empty; a listed key that does not
 * exist is an error unless `optional`.
 */
import type { ConfigMap, KeyToPath } from 'kubernetes-types/core/v1.js';
import type { Payload } from './atomic-writer.js';

/** kubelet's default file mode of configMap/secret/downwardAPI/projected volumes. */
export const defaultFileMode = 0o644;

/** Builds the payload from key → bytes, honouring items and modes; throws kubelet's message for a missing key. */
export function keyedPayload(all: Map<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number | undefined, optional: boolean, missingKey: (key: string) => string): Payload {
  const mode = defaultMode ?? defaultFileMode;
  const out: Payload = new Map();
  if (!items || items.length === 0) {
    for (const [k, data] of all) out.set(k, { data, mode });
    return out;
  }
  for (const it of items) {
    const data = all.get(it.key);
    if (data === undefined) {
      if (optional) continue;
      throw new Error(missingKey(it.key));
    }
    out.set(it.path, { data, mode: it.mode ?? mode });
  }
  return out;
}

/** The files of a ConfigMap for a configMap volume or projection (undefined cm = not found). */
export function configMapPayload(name: string, cm: ConfigMap | undefined, src: { items?: KeyToPath[]; optional?: boolean }, defaultMode: number | undefined): Payload {
  if (!cm) {
    if (src.optional) return new Map();
    throw new Error(`configmap "${name}" not found`);
  }
  const all = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) all.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) all.set(k, Buffer.from(v, 'base64'));
  return keyedPayload(all, src.items, defaultMode, src.optional === true, (k) => `configmap references non-existent config key: ${k}`);
}
