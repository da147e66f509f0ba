/**
 * kubeconfig files as client-go reads them (clientcmd v1 Config): building the admin config,
 * writing it, and merging a context into the user's config the way `kind` does: same-named
 * cluster/user/context entries are replaced, everything else is kept.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { writeFileAtomic } from '../pki/files.js';

/** clientcmd v1 `Cluster` (only the fields kubeling writes are typed; others are preserved). */
export interface KubeconfigCluster {
  server: string;
  'certificate-authority-data'?: string;
  [field: string]: unknown;
}

/** clientcmd v1 `AuthInfo`. */
export interface KubeconfigUser {
  'client-certificate-data'?: string;
  'client-key-data'?: string;
  [field: string]: unknown;
}

/** clientcmd v1 `Context`. */
export interface KubeconfigContext {
  cluster: string;
  user: string;
  namespace?: string;
  [field: string]: unknown;
}

/** A kubeconfig document (`apiVersion: v1, kind: Config`). */
export interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  preferences?: Record<string, unknown>;
  clusters: { name: string; cluster: KubeconfigCluster }[];
  users: { name: string; user: KubeconfigUser }[];
  contexts: { name: string; context: KubeconfigContext }[];
  'current-context': string;
  [field: string]: unknown;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** A self-contained kubeconfig: cluster, user and context all named `o.name`, credentials inline (*-data). */
export function buildKubeconfig(o: { name: string; server: string; caPem: string; certPem: string; keyPem: string }): Kubeconfig {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: o.name, cluster: { server: o.server, 'certificate-authority-data': b64(o.caPem) } }],
    users: [{ name: o.name, user: { 'client-certificate-data': b64(o.certPem), 'client-key-data': b64(o.keyPem) } }],
    contexts: [{ name: o.name, context: { cluster: o.name, user: o.name } }],
    'current-context': o.name,
  };
}

/** Writes kc as YAML with mode 0600 (it holds a private key), creating parent directories. */
export function writeKubeconfig(path: string, kc: Kubeconfig): void {
  writeFileAtomic(path, stringify(kc, { lineWidth: 0 }), 0o600);
}

type Named = { name: string };

function mergeNamed<T extends Named>(existing: unknown, incoming: T[]): T[] {
  const list = Array.isArray(existing) ? (existing as T[]).filter((e) => e && typeof e === 'object') : [];
  const out = [...list];
  for (const item of incoming) {
    const i = out.findIndex((e) => e.name === item.name);
    if (i >= 0) out[i] = item;
    else out.push(item);
  }
  return out;
}

/**
 * Merges kc into the kubeconfig at path (created when absent or empty): entries with the same
 * names are replaced, all other clusters/users/contexts and top-level fields are kept;
 * current-context switches to kc's only when asked. A file that is not a kubeconfig is left
 * untouched and reported, rather than overwritten.
 */
export function mergeKubeconfig(path: string, kc: Kubeconfig, o: { setCurrentContext: boolean }): void {
  let current: Record<string, unknown> = {};
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (e) {
      throw new Error(`cannot merge into ${path}: not valid YAML (${e instanceof Error ? e.message : String(e)}); fix it or use --no-kubeconfig`);
    }
    if (doc !== null && doc !== undefined) {
      if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`cannot merge into ${path}: not a kubeconfig; fix it or use --no-kubeconfig`);
      current = doc as Record<string, unknown>;
    }
  }
  const merged: Record<string, unknown> = {
    ...current,
    apiVersion: current.apiVersion ?? 'v1',
    kind: current.kind ?? 'Config',
    preferences: current.preferences ?? {},
    clusters: mergeNamed(current.clusters, kc.clusters),
    users: mergeNamed(current.users, kc.users),
    contexts: mergeNamed(current.contexts, kc.contexts),
  };
  merged['current-context'] = o.setCurrentContext ? kc['current-context'] : (current['current-context'] ?? '');
  writeKubeconfig(path, merged as Kubeconfig);
}

/** Where kubectl would write: the first entry of $KUBECONFIG (path-list separated), else ~/.kube/config. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const first = (env.KUBECONFIG ?? '').split(delimiter).find((p) => p.trim() !== '');
  return first ?? join(home, '.kube', 'config');
}
