/**
 * The start-up steps `kubeling up` and `kubeling server` share, printed as they go: the data dir
 * and its lock, the PKI, and the store (Secrets encrypted at rest whatever the backend) with its
 * compactor.
 */
import { mkdirSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { acquireLock } from './lock.js';
import { ensurePki, hostIdentity, type HostIdentity } from '../pki/index.js';
import { openStore } from '../storage/index.js';
import { startCompactor } from '../storage/compactor.js';
import type { Store } from '../storage/store.js';
import { EncryptingStore } from '../apiserver/encryption.js';
import { ensureEncryptionConfig } from '../apiserver/encryption-config.js';
import { auditorFromFlags, type Auditor } from '../apiserver/audit/index.js';
import type { OptionSpec, ParsedOptions } from './options.js';
import { ensureServiceAccountKey } from '../pki/sa-key.js';

/** The authentication-file, encryption-at-rest and audit flags `kubeling up` and `kubeling server` share (kube-apiserver's names). */
export const securityOptions: OptionSpec[] = [
  { name: 'token-auth-file', type: 'string', default: '', help: 'static bearer tokens: CSV lines token,user,uid,"group1,group2" (kube-apiserver --token-auth-file)' },
  { name: 'basic-auth-file', type: 'string', default: '', help: 'TEACHING FEATURE, off by default: HTTP basic auth from CSV lines password,user,uid,"group1,group2" (upstream removed --basic-auth-file in 1.19; TLS only)' },
  { name: 'encryption-provider-config', type: 'string', default: '', help: 'EncryptionConfiguration file (apiserver.config.k8s.io/v1): resources encrypted at rest and their aesgcm/aescbc/identity providers (default <data-dir>/pki/encryption-config.yaml, created on the first start with a fresh aesgcm key for secrets)' },
  { name: 'audit-policy-file', type: 'string', default: '', help: 'audit Policy file (audit.k8s.io/v1); without it and with --audit-log-path every request is logged at Metadata level (Secrets are never logged beyond Metadata)' },
  { name: 'audit-log-path', type: 'string', default: '', help: 'write audit events (audit.k8s.io/v1 Event JSON lines) to this file; "-" means stdout; empty: no audit log' },
  { name: 'audit-log-maxsize', type: 'number', default: 0, help: 'megabytes an audit log file may reach before it is rotated (0: 100)' },
  { name: 'audit-log-maxbackup', type: 'number', default: 0, help: 'rotated audit log files to keep (0: all)' },
  { name: 'audit-log-maxage', type: 'number', default: 0, help: 'days to keep rotated audit log files (0: no age limit)' },
];

/** The API server's token sources: the ServiceAccount signing key and the optional token and password files. */
export function authenticationFromOptions(o: ParsedOptions, pkiDir: string): { serviceAccountKey: ReturnType<typeof ensureServiceAccountKey>; tokenAuthFile?: string; basicAuthFile?: string } {
  return {
    // ServiceAccount tokens are signed with <data-dir>/pki/sa.key (created once, kept across restarts).
    serviceAccountKey: ensureServiceAccountKey(pkiDir),
    tokenAuthFile: o['token-auth-file'] ? resolve(String(o['token-auth-file'])) : undefined,
    basicAuthFile: o['basic-auth-file'] ? resolve(String(o['basic-auth-file'])) : undefined,
  };
}

/**
 * The auditor the audit flags ask for (undefined without --audit-log-path). Kubeling logs at
 * Metadata when no --audit-policy-file is given (kube-apiserver would log nothing), so that
 * `--audit-log-path` alone is useful; a bad policy file throws before anything starts.
 */
export function auditorFromOptions(o: ParsedOptions, log?: (msg: string) => void): Auditor | undefined {
  const logPath = String(o['audit-log-path'] ?? '');
  const policyFile = String(o['audit-policy-file'] ?? '');
  return auditorFromFlags({
    logPath: logPath === '-' || !logPath ? logPath : resolve(logPath),
    policyFile: policyFile ? resolve(policyFile) : undefined,
    maxSizeMB: Number(o['audit-log-maxsize'] ?? 0),
    maxBackups: Number(o['audit-log-maxbackup'] ?? 0),
    maxAgeDays: Number(o['audit-log-maxage'] ?? 0),
    defaultPolicyWithoutFile: true,
    onError: log,
  });
}

/** Prints one finished step with its duration, as `✓ label (12 ms)`. */
export function step(label: string, t0: bigint): void {
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(`✓ ${label} (${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms)\n`);
}

export interface ControlPlaneState {
  id: HostIdentity;
  pki: Awaited<ReturnType<typeof ensurePki>>;
  store: Store;
  stopCompactor: () => void;
  /** releases the data dir lock */
  release: () => void;
}

/** Takes the data dir (one process per data dir), loads or creates the PKI, opens the store. */
export async function openControlPlaneState(o: {
  dataDir: string;
  store: string;
  compactionIntervalMs: number;
  /** --encryption-provider-config; default <data-dir>/pki/encryption-config.yaml, created on a first start */
  encryptionProviderConfig?: string;
  log?: (msg: string, f?: Record<string, unknown>) => void;
}): Promise<ControlPlaneState> {
  let t = process.hrtime.bigint();
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(o.dataDir, 0o700);
  const release = acquireLock(join(o.dataDir, 'kubeling.lock'));
  step(`data dir ${o.dataDir}`, t);

  t = process.hrtime.bigint();
  const id = hostIdentity();
  const pki = await ensurePki(o.dataDir, id);
  step(pki.created ? 'created cluster CA and certificates' : 'loaded cluster CA and certificates', t);

  t = process.hrtime.bigint();
  // Secrets (and whatever else the EncryptionConfiguration lists) are encrypted at rest whatever
  // the backend; a bad configuration stops the start before the store is opened.
  const enc = ensureEncryptionConfig(o.dataDir, o.encryptionProviderConfig);
  const how = enc.created === 'created' ? 'created' : enc.created === 'migrated' ? 'created from pki/encryption.key' : 'loaded';
  step(`encryption at rest: ${how} ${enc.path} (${enc.config.resources.map((r) => `${r.resources.join(',')}: ${r.providers[0]?.type ?? 'identity'}`).join('; ')})`, t);
  t = process.hrtime.bigint();
  const store = new EncryptingStore(await openStore(o.store, { dataDir: o.dataDir }), enc.config);
  const stopCompactor = startCompactor(store, { intervalMs: o.compactionIntervalMs, log: o.log });
  step(`storage ${o.store === 'sqlite' ? join(o.dataDir, 'state.db') : o.store.replace(/\/\/.*@/, '//')}`, t);
  return { id, pki, store, stopCompactor, release };
}
