/**
 * Reads the connection material of a kubeconfig's current context, as clientcmd does: inline
 * `*-data` (base64) or file paths relative to the kubeconfig's directory.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

interface Named {
  name: string;
  [k: string]: unknown;
}

type Entry = Record<string, unknown>;

function pick(list: unknown, name: string, field: string): Entry | undefined {
  if (!Array.isArray(list)) return undefined;
  const hit = (list as Named[]).find((e) => e.name === name);
  const v = hit?.[field];
  return v && typeof v === 'object' ? (v as Entry) : undefined;
}

function material(e: Entry, dataKey: string, fileKey: string, base: string): string {
  const data = e[dataKey];
  if (typeof data === 'string' && data) return Buffer.from(data, 'base64').toString('utf8');
  const file = e[fileKey];
  if (typeof file === 'string' && file) return readFileSync(resolve(base, file), 'utf8');
  throw new Error(`kubeconfig: neither ${dataKey} nor ${fileKey} is set`);
}

/** Server URL and PEMs of the current context of a kubeconfig document. */
export function parseKubeconfig(text: string, path: string): { server: string; caPem: string; certPem: string; keyPem: string } {
  const doc = parse(text) as Entry | null;
  if (!doc) throw new Error(`kubeconfig ${path} is empty`);
  const cc = doc['current-context'];
  const ctxName = typeof cc === 'string' ? cc : '';
  const ctx = pick(doc.contexts, ctxName, 'context');
  if (!ctx) throw new Error(`kubeconfig ${path}: current context "${ctxName}" not found`);
  const cluster = pick(doc.clusters, String(ctx.cluster), 'cluster');
  const user = pick(doc.users, String(ctx.user), 'user');
  if (!cluster || !user) throw new Error(`kubeconfig ${path}: cluster or user of context "${ctxName}" not found`);
  const base = dirname(path);
  return {
    server: String(cluster.server),
    caPem: material(cluster, 'certificate-authority-data', 'certificate-authority', base),
    certPem: material(user, 'client-certificate-data', 'client-certificate', base),
    keyPem: material(user, 'client-key-data', 'client-key', base),
  };
}
