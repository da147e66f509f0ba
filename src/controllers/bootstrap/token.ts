/**
 * Bootstrap tokens as kubeadm and the bootstrap token authenticator define them
 * (k8s.io/cluster-bootstrap): `<id>.<secret>` with a 6- and a 16-character [a-z0-9] part, stored
 * as the Secret kube-system/bootstrap-token-<id> of type bootstrap.kubernetes.io/token.
 */
import type { KubeObject } from '../../api/object.js';

/** Secret type, namespace and name prefix of bootstrap token Secrets. */
export const BootstrapToken = {
  secretType: 'bootstrap.kubernetes.io/token',
  namespace: 'kube-system',
  secretPrefix: 'bootstrap-token-',
  /** bootstrapapi.BootstrapTokenPattern */
  pattern: /^([a-z0-9]{6})\.([a-z0-9]{16})$/,
  idPattern: /^[a-z0-9]{6}$/,
  /** bootstrapapi.BootstrapGroupPattern: extra groups must be system:bootstrappers:… */
  groupPattern: /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/,
} as const;

/** A token split into id and secret, or undefined when it has the wrong shape. */
export function parseBootstrapToken(token: string): { id: string; secret: string } | undefined {
  const m = BootstrapToken.pattern.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/** A value of the Secret's data (base64) or stringData, '' when absent. */
export function secretValue(secret: KubeObject, key: string): string {
  const data = secret.data as Record<string, unknown> | undefined;
  const v = data?.[key];
  if (typeof v === 'string') return Buffer.from(v, 'base64').toString('utf8');
  const sd = (secret.stringData as Record<string, unknown> | undefined)?.[key];
  return typeof sd === 'string' ? sd : '';
}

/** True for a Secret the token cleaner and authenticator look at. */
export function isBootstrapTokenSecret(secret: KubeObject): boolean {
  return secret.type === BootstrapToken.secretType && secret.metadata.namespace === BootstrapToken.namespace;
}

/**
 * bootstrapsecretutil.GetExpiration: the time left (ms), or expired. No expiration never expires;
 * an unparseable one counts as expired, as upstream treats it.
 */
export function tokenExpiration(secret: KubeObject, now: Date): { expired: boolean; ttlMs?: number } {
  const exp = secretValue(secret, 'expiration');
  if (!exp) return { expired: false };
  const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(exp) ? Date.parse(exp) : NaN;
  if (!Number.isFinite(t)) return { expired: true };
  const ttlMs = t - now.getTime();
  return ttlMs <= 0 ? { expired: true } : { expired: false, ttlMs };
}
