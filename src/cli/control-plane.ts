/**
 * The start-up steps `kubeling up` and `kubeling server` share, printed as they go: the data dir
 * and its lock, the PKI, and the store (Secrets encrypted at rest whatever the backend) with its
 * compactor.
 */
import { mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock } from './lock.js';
import { ensurePki, hostIdentity, type HostIdentity } from '../pki/index.js';
import { openStore } from '../storage/index.js';
import { startCompactor } from '../storage/compactor.js';
import type { Store } from '../storage/store.js';
import { EncryptingStore, ensureEncryptionKey } from '../apiserver/encryption.js';

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
export async function openControlPlaneState(o: { dataDir: string; store: string; compactionIntervalMs: number; log?: (msg: string, f?: Record<string, unknown>) => void }): Promise<ControlPlaneState> {
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
  // Secrets are encrypted at rest (AES-GCM, key in <data-dir>/pki/encryption.key) whatever the backend.
  const store = new EncryptingStore(await openStore(o.store, { dataDir: o.dataDir }), ensureEncryptionKey(o.dataDir));
  const stopCompactor = startCompactor(store, { intervalMs: o.compactionIntervalMs, log: o.log });
  step(`storage ${o.store === 'sqlite' ? join(o.dataDir, 'state.db') : o.store.replace(/\/\/.*@/, '//')}`, t);
  return { id, pki, store, stopCompactor, release };
}
