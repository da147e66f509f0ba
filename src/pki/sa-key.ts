/**
 * The ServiceAccount token signing key, kept as kubeadm keeps it: `<pki>/sa.key` (private, 0600)
 * and `<pki>/sa.pub` (public). Created on first start (ECDSA P-256, so tokens are ES256) and never
 * regenerated: every issued ServiceAccount token stays valid across restarts, and the servers of
 * an HA control plane verify each other's tokens because they share the copied PKI.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { readIfExists, writeFileAtomic } from './files.js';

/** The signing key (PKCS#8 PEM) and the public keys (SPKI PEM) tokens are verified with. */
export interface ServiceAccountKey {
  privateKeyPem: string;
  /** the signing key's public half first; more after a rotation (old tokens stay valid) */
  publicKeyPems: string[];
}

/** A fresh in-memory key (tests and servers started without a data dir). */
export function generateServiceAccountKey(): ServiceAccountKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: String(privateKey.export({ type: 'pkcs8', format: 'pem' })),
    publicKeyPems: [String(publicKey.export({ type: 'spki', format: 'pem' }))],
  };
}

/**
 * Loads `<pkiDir>/sa.key` (creating it and sa.pub when absent). sa.pub may hold several public
 * keys (PEM blocks, as --service-account-key-file accepts): the signing key's own public half is
 * always accepted, the others are kept for tokens signed before a key rotation.
 */
export function ensureServiceAccountKey(pkiDir: string): ServiceAccountKey {
  const keyPath = join(pkiDir, 'sa.key');
  const pubPath = join(pkiDir, 'sa.pub');
  const existing = readIfExists(keyPath);
  if (!existing) {
    const k = generateServiceAccountKey();
    writeFileAtomic(keyPath, k.privateKeyPem, 0o600);
    writeFileAtomic(pubPath, k.publicKeyPems.join(''), 0o644);
    return k;
  }
  const privateKeyPem = existing.toString('utf8');
  let own: string;
  try {
    own = String(createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }));
  } catch (e) {
    throw new Error(`PKI: cannot read the service account key ${keyPath}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const others = (readIfExists(pubPath)?.toString('utf8').match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----\n?/g) ?? [])
    .map((p) => (p.endsWith('\n') ? p : `${p}\n`))
    .filter((p) => p.trim() !== own.trim());
  if (!readIfExists(pubPath)) writeFileAtomic(pubPath, own, 0o644);
  return { privateKeyPem, publicKeyPems: [own, ...others] };
}
