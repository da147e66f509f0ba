/**
 * secret volumes (pkg/volume/secret): like configMap volumes over the Secret's (base64) data; the
 * volume lives on tmpfs when the agent can mount one so secrets never touch the disk.
 */
import type { KeyToPath, Secret } from 'kubernetes-types/core/v1.js';
import type { Payload } from './atomic-writer.js';
import { keyedPayload } from './configmap.js';

/** The files of a Secret for a secret volume or projection (undefined = not found). */
export function secretPayload(name: string, s: Secret | undefined, src: { items?: KeyToPath[]; optional?: boolean }, defaultMode: number | undefined): Payload {
  if (!s) {
    if (src.optional) return new Map();
    throw new Error(`secret "${name}" not found`);
  }
  const all = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(s.stringData ?? {})) all.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(s.data ?? {})) all.set(k, Buffer.from(v, 'base64'));
  return keyedPayload(all, src.items, defaultMode, src.optional === true, (k) => `references non-existent secret key: ${k}`);
}
