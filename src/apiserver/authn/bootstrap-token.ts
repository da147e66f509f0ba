/**
 * Bootstrap tokens (plugin/pkg/auth/authenticator/token/bootstrap): a bearer token
 * `<id>.<secret>` (`[a-z0-9]{6}.[a-z0-9]{16}`) is valid while the Secret
 * `kube-system/bootstrap-token-<id>` of type bootstrap.kubernetes.io/token holds the same id and
 * secret, allows authentication (`usage-bootstrap-authentication: "true"`), is not expired
 * (`expiration`, RFC 3339) and not being deleted. The user is `system:bootstrap:<id>` in
 * `system:bootstrappers` plus the `auth-extra-groups` (each `system:bootstrappers:…`). Tokens of
 * another shape are left to the other token authenticators; a well-shaped token that fails any
 * check is a 401.
 */
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { TokenAuthenticator } from './bearer.js';
import { constantTimeEqual } from './bearer.js';
import type { ObjectReader } from './serviceaccount.js';
import type { UserInfo } from './types.js';

/** BootstrapTokenPattern */
export const BOOTSTRAP_TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
/** The Secret type of bootstrap tokens. */
export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
/** The group every bootstrap token user is in. */
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
/** Extra groups must look like this (BootstrapGroupPattern). */
const EXTRA_GROUP_PATTERN = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

/** The name of the Secret holding token `id`. */
export function bootstrapTokenSecretName(id: string): string {
  return `bootstrap-token-${id}`;
}

function dataOf(secret: KubeObject, key: string): string | undefined {
  const data = secret.data as Record<string, unknown> | undefined;
  const v = data?.[key];
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined;
}

/** Authenticates bootstrap tokens against their Secrets in kube-system. */
export class BootstrapTokenAuthenticator implements TokenAuthenticator {
  constructor(private readonly read: ObjectReader, private readonly now: () => Date = () => new Date()) {}

  async authenticateToken(token: string): Promise<UserInfo | undefined> {
    const m = BOOTSTRAP_TOKEN_PATTERN.exec(token);
    if (!m) return undefined;
    const [, id, secretValue] = m as unknown as [string, string, string];
    const secret = await this.read('secrets', 'kube-system', bootstrapTokenSecretName(id));
    if (!secret || secret.metadata.deletionTimestamp) throw errors.unauthorized();
    if ((secret as { type?: string }).type !== BOOTSTRAP_TOKEN_SECRET_TYPE) throw errors.unauthorized();
    // Both parts are compared in constant time, as upstream does.
    const idOk = constantTimeEqual(dataOf(secret, 'token-id') ?? '', id);
    const secretOk = constantTimeEqual(dataOf(secret, 'token-secret') ?? '', secretValue);
    if (!idOk || !secretOk) throw errors.unauthorized();
    const expiration = dataOf(secret, 'expiration');
    if (expiration) {
      const t = Date.parse(expiration);
      // An unparsable expiration counts as expired (bootstrapsecretutil.HasExpired).
      if (Number.isNaN(t) || t <= this.now().getTime()) throw errors.unauthorized();
    }
    if (dataOf(secret, 'usage-bootstrap-authentication') !== 'true') throw errors.unauthorized();
    const extra = (dataOf(secret, 'auth-extra-groups') ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '');
    if (extra.some((g) => !EXTRA_GROUP_PATTERN.test(g))) throw errors.unauthorized();
    return { name: `system:bootstrap:${id}`, groups: [BOOTSTRAPPERS_GROUP, ...extra.filter((g) => g !== BOOTSTRAPPERS_GROUP), 'system:authenticated'] };
  }
}
