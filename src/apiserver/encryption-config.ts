/**
 * The EncryptionConfiguration file (apiserver.config.k8s.io/v1) kube-apiserver reads from
 * --encryption-provider-config: which resources are encrypted at rest and with which providers.
 * Parsed and validated as upstream does (same field paths and messages, e.g.
 * `resources[0].providers[0].aesgcm.keys[0].secret: Invalid value: "REDACTED": secret is not of
 * the expected length, got 8, expected one of [16 24 32]`), and created on a first start.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { readIfExists, writeFileAtomic } from '../pki/files.js';

/** The providers Kubeling implements (secretbox and kms are refused with a clear message). */
export type ProviderType = 'aesgcm' | 'aescbc' | 'identity';

/** One named key; the name is written into every value it seals. */
export interface EncryptionKey {
  name: string;
  secret: Buffer;
}

/** One entry of a `providers` list: the first one of a resource entry writes, all of them read. */
export interface ProviderConfig {
  type: ProviderType;
  /** empty for identity */
  keys: EncryptionKey[];
}

/** One `resources[]` entry: resource names (`secrets`, `deployments.apps`, `*.`, `*.apps`, `*.*`) and their providers. */
export interface ResourceConfig {
  resources: string[];
  providers: ProviderConfig[];
}

/** A validated EncryptionConfiguration. */
export interface EncryptionConfig {
  resources: ResourceConfig[];
}

/** A configuration file that does not parse or validate; the message names the file and the field. */
export class EncryptionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionConfigError';
  }
}

const API_VERSION = 'apiserver.config.k8s.io/v1';
const AES_KEY_SIZES = [16, 24, 32];

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function quote(v: unknown): string {
  return JSON.stringify(v) ?? 'null';
}

/**
 * Parses and validates the text of an EncryptionConfiguration (YAML or JSON). Throws an
 * EncryptionConfigError listing every field error as upstream's field.ErrorList does.
 */
export function parseEncryptionConfig(text: string): EncryptionConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new EncryptionConfigError(`error while parsing file: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw new EncryptionConfigError('error while parsing file: the file must hold an EncryptionConfiguration object');
  if (doc.kind !== 'EncryptionConfiguration' || doc.apiVersion !== API_VERSION) {
    throw new EncryptionConfigError(`error while parsing file: got unexpected object type ${quote(`${typeof doc.apiVersion === 'string' ? doc.apiVersion : ''}, Kind=${typeof doc.kind === 'string' ? doc.kind : ''}`)}, expected apiVersion ${API_VERSION} and kind EncryptionConfiguration`);
  }
  const errs: string[] = [];
  const resources: ResourceConfig[] = [];
  const rawResources = doc.resources;
  if (!Array.isArray(rawResources) || rawResources.length === 0) {
    throw new EncryptionConfigError('error while parsing file: resources: Required value: at least one resources is required');
  }
  /** resource name → index of the entry that first named it (for upstream's masking check) */
  const seen = new Map<string, number>();
  rawResources.forEach((entry: unknown, i) => {
    const base = `resources[${i}]`;
    if (!isObject(entry)) {
      errs.push(`${base}: Invalid value: ${quote(entry)}: must be an object with resources and providers`);
      return;
    }
    const names = validateResourceNames(entry.resources, `${base}.resources`, i, seen, errs);
    const providers = validateProviders(entry.providers, `${base}.providers`, errs);
    resources.push({ resources: names, providers });
  });
  if (errs.length) throw new EncryptionConfigError(`error while parsing file: ${errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`}`);
  return { resources };
}

function validateResourceNames(raw: unknown, path: string, entry: number, seen: Map<string, number>, errs: string[]): string[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    errs.push(`${path}: Required value: at least one ${path} is required`);
    return [];
  }
  const names: string[] = [];
  raw.forEach((r: unknown, j) => {
    const p = `${path}[${j}]`;
    if (typeof r !== 'string' || r === '') return errs.push(`${p}: Invalid value: ${quote(r)}: resource name must be a non-empty string`);
    if (r !== r.toLowerCase()) return errs.push(`${p}: Invalid value: ${quote(r)}: resource name should not contain capital letters`);
    if (r === '*') return errs.push(`${p}: Invalid value: ${quote(r)}: use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources`);
    if (names.includes(r)) return errs.push(`${p}: Invalid value: ${quote(r)}: the same resource cannot be specified multiple times`);
    names.push(r);
    return undefined;
  });
  // Within one list a wildcard and a resource it covers overlap; across lists the later one is masked.
  for (const r of names) {
    const group = groupOf(r);
    const cover = [`*.${group}`, '*.*'].filter((w) => w !== r);
    const overlapping = cover.find((w) => names.includes(w));
    if (overlapping) {
      errs.push(`${path}: Invalid value: ${quote(names)}: using overlapping resources such as ${quote(r)} and ${quote(overlapping)} in the same resource list is not allowed as they will be masked`);
      break;
    }
    const masking = [...cover, r].find((w) => (seen.get(w) ?? entry) < entry);
    if (masking) errs.push(`${path}: Invalid value: ${quote(r)}: resource ${quote(r)} is masked by earlier rule ${quote(masking)}`);
  }
  for (const r of names) if (!seen.has(r)) seen.set(r, entry);
  return names;
}

/** The API group of a resource name as upstream's schema.ParseGroupResource reads it ("secrets" → "", "deployments.apps" → "apps"). */
function groupOf(resource: string): string {
  const dot = resource.indexOf('.');
  return dot < 0 ? '' : resource.slice(dot + 1);
}

function validateProviders(raw: unknown, path: string, errs: string[]): ProviderConfig[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    errs.push(`${path}: Required value: at least one ${path} is required`);
    return [];
  }
  const out: ProviderConfig[] = [];
  raw.forEach((p: unknown, j) => {
    const pp = `${path}[${j}]`;
    const kinds = isObject(p) ? ['kms', 'aesgcm', 'aescbc', 'secretbox', 'identity'].filter((k) => p[k] !== undefined && p[k] !== null) : [];
    if (!isObject(p) || kinds.length === 0) return errs.push(`${pp}: Invalid value: ${quote(p)}: provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity`);
    if (kinds.length > 1) return errs.push(`${pp}: Invalid value: ${quote(kinds)}: more than one provider specified in a single element, should split into different list elements`);
    const kind = kinds[0]!;
    if (kind === 'identity') return out.push({ type: 'identity', keys: [] });
    if (kind === 'kms' || kind === 'secretbox') return errs.push(`${pp}.${kind}: Unsupported value: ${quote(kind)}: supported values: "aesgcm", "aescbc", "identity" (Kubeling does not implement the ${kind} provider)`);
    const keys = validateKeys((p[kind] as Raw | undefined)?.keys, `${pp}.${kind}.keys`, errs);
    return out.push({ type: kind as ProviderType, keys });
  });
  return out;
}

function validateKeys(raw: unknown, path: string, errs: string[]): EncryptionKey[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    errs.push(`${path}: Required value: at least one keys is required`);
    return [];
  }
  const keys: EncryptionKey[] = [];
  raw.forEach((k: unknown, i) => {
    const kp = `${path}[${i}]`;
    const key = isObject(k) ? k : {};
    const name = typeof key.name === 'string' ? key.name : '';
    const secret = typeof key.secret === 'string' ? key.secret : '';
    if (!name) errs.push(`${kp}.name: Required value: name is a mandatory field for a key`);
    else if (name.includes(':')) errs.push(`${kp}.name: Invalid value: ${quote(name)}: key name must not contain ':'`);
    else if (keys.some((x) => x.name === name)) errs.push(`${kp}.name: Duplicate value: ${quote(name)}`);
    if (!secret) return errs.push(`${kp}.secret: Required value: secret is a mandatory field for a key`);
    // Buffer.from(…, 'base64') is lenient: check the alphabet and padding as Go's StdEncoding does.
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(secret)) return errs.push(`${kp}.secret: Invalid value: "REDACTED": secrets must be base64 encoded`);
    const bytes = Buffer.from(secret, 'base64');
    if (!AES_KEY_SIZES.includes(bytes.length)) return errs.push(`${kp}.secret: Invalid value: "REDACTED": secret is not of the expected length, got ${bytes.length}, expected one of [${AES_KEY_SIZES.join(' ')}]`);
    return keys.push({ name, secret: bytes });
  });
  return keys;
}

/** Reads and validates a configuration file; errors name the file as kube-apiserver's do. */
export function loadEncryptionConfig(path: string): EncryptionConfig {
  const text = readIfExists(path);
  if (!text) throw new EncryptionConfigError(`error while parsing encryption provider configuration file ${quote(path)}: open ${path}: no such file or directory`);
  try {
    return parseEncryptionConfig(text.toString('utf8'));
  } catch (e) {
    if (e instanceof EncryptionConfigError) throw new EncryptionConfigError(`error while parsing encryption provider configuration file ${quote(path)}: ${e.message}`);
    throw e;
  }
}

/** The file `kubeling up` writes: Secrets sealed with aesgcm key1, identity to read older plaintext. */
export function defaultEncryptionConfigYaml(key: Buffer, name = 'key1'): string {
  return [
    '# Encryption at rest (the format of kube-apiserver --encryption-provider-config). The first provider',
    '# writes; every listed provider and key reads. Rotate: put a new key first under aesgcm.keys, restart,',
    '# rewrite every Secret (kubectl get secrets -A -o json | kubectl replace -f -), remove the old key, restart.',
    `apiVersion: ${API_VERSION}`,
    'kind: EncryptionConfiguration',
    'resources:',
    '  - resources:',
    '      - secrets',
    '    providers:',
    '      - aesgcm:',
    '          keys:',
    `            - name: ${name}`,
    `              secret: ${key.toString('base64')}`,
    '      - identity: {}',
    '',
  ].join('\n');
}

/** Where the configuration lives and whether this start created it. */
export interface EnsuredEncryptionConfig {
  config: EncryptionConfig;
  path: string;
  /** "created": a fresh key; "migrated": from the older <data-dir>/pki/encryption.key; undefined: loaded */
  created?: 'created' | 'migrated';
}

/**
 * Loads the configuration: an explicit --encryption-provider-config path must exist (as upstream);
 * the default `<data-dir>/pki/encryption-config.yaml` is created (0600) on a first start, reusing
 * the key of an older data dir's `pki/encryption.key` under the name key1 so its Secrets stay readable.
 */
export function ensureEncryptionConfig(dataDir: string, explicitPath?: string): EnsuredEncryptionConfig {
  if (explicitPath) return { config: loadEncryptionConfig(explicitPath), path: explicitPath };
  const dir = join(dataDir, 'pki');
  const path = join(dir, 'encryption-config.yaml');
  if (readIfExists(path)) return { config: loadEncryptionConfig(path), path };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const legacyPath = join(dir, 'encryption.key');
  const legacy = readIfExists(legacyPath);
  if (legacy && legacy.length !== 32) throw new EncryptionConfigError(`${legacyPath} must hold exactly 32 bytes (AES-256), found ${legacy.length}; restore it (secrets cannot be read without it)`);
  writeFileAtomic(path, defaultEncryptionConfigYaml(legacy ?? randomBytes(32)), 0o600);
  return { config: loadEncryptionConfig(path), path, created: legacy ? 'migrated' : 'created' };
}

/**
 * The store key prefix a configured resource name covers: `secrets` → `/core/secrets/`,
 * `deployments.apps` → `/apps/deployments/`, `*.` → `/core/`, `*.apps` → `/apps/`, `*.*` → `/`.
 */
export function storagePrefixOf(resource: string): string {
  if (resource === '*.*') return '/';
  const dot = resource.indexOf('.');
  const name = dot < 0 ? resource : resource.slice(0, dot);
  const group = dot < 0 ? '' : resource.slice(dot + 1);
  const g = group || 'core';
  return name === '*' ? `/${g}/` : `/${g}/${name}/`;
}
