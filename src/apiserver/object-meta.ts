/**
 * System-owned metadata, as ObjectMetaSystemFieldsAccessor and the rest.BeforeCreate/BeforeUpdate
 * helpers maintain it: uid, creationTimestamp, generation, resourceVersion, generateName.
 */
import { randomUUID, randomInt } from 'node:crypto';
import type { KubeObject } from '../api/object.js';
import { deepEqual } from '../api/object.js';
import type { ResourceDef } from '../api/resource.js';

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** names.SimpleNameGenerator: 5 characters from an alphabet without vowels or look-alikes. */
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
export function generateNameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

export function tracksGeneration(def: ResourceDef): boolean {
  return def.strategy.tracksGeneration ?? !!def.subresources?.status;
}

/** Everything that counts as "spec" for generation: top-level fields other than metadata and status. */
export function specOf(def: ResourceDef, obj: KubeObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields = def.strategy.specFields;
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'metadata' || k === 'status' || k === 'apiVersion' || k === 'kind') continue;
    if (fields && !fields.includes(k)) continue;
    out[k] = v;
  }
  return out;
}

/** Fields set on create regardless of what the client sent. */
export function initSystemMeta(def: ResourceDef, obj: KubeObject, now: Date): void {
  const m = obj.metadata;
  if (!m.name && m.generateName) m.name = m.generateName + generateNameSuffix();
  m.uid = randomUUID();
  m.creationTimestamp = rfc3339(now);
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete (m as Record<string, unknown>).selfLink;
  if (tracksGeneration(def)) m.generation = 1;
  else delete m.generation;
}

/** On update: keep what clients may not change (uid, creation time, deletion state, generation). */
export function carrySystemMeta(def: ResourceDef, obj: KubeObject, old: KubeObject): void {
  const m = obj.metadata;
  const o = old.metadata;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  m.deletionTimestamp = o.deletionTimestamp;
  m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  if (m.deletionTimestamp === undefined) delete m.deletionTimestamp;
  if (m.deletionGracePeriodSeconds === undefined) delete m.deletionGracePeriodSeconds;
  delete (m as Record<string, unknown>).selfLink;
  if (m.managedFields === undefined && o.managedFields) m.managedFields = o.managedFields;
  if (tracksGeneration(def)) {
    const gen = o.generation ?? 1;
    m.generation = deepEqual(specOf(def, obj), specOf(def, old)) ? gen : gen + 1;
  } else {
    delete m.generation;
  }
}
