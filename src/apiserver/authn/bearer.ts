/**
 * Bearer-token authentication (k8s.io/apiserver/pkg/authentication/request/bearertoken): reads
 * `Authorization: Bearer <token>` and asks each token authenticator in turn (static token file,
 * bootstrap tokens, ServiceAccount JWTs). As upstream, a request without a bearer token is not
 * handled here, while a bearer token no authenticator accepts is a 401: it never falls back to
 * anonymous access.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError, errors } from '../../api/errors.js';
import type { AuthRequest, Authenticator, UserInfo } from './types.js';

/**
 * A token authenticator's user; tokens that name their audiences (ServiceAccount JWTs) also say
 * which of the wanted audiences they are valid for (authenticator.Response.Audiences).
 */
export type TokenUser = UserInfo & { audiences?: string[] };

/**
 * One kind of token (authenticator.Token): undefined when the token is not of this kind; throws 401
 * when it is but is invalid. `audiences` are the wanted audiences (a TokenReview's
 * spec.audiences); without them a token must be meant for the API server's own audiences.
 */
export interface TokenAuthenticator {
  authenticateToken(token: string, audiences?: string[]): Promise<TokenUser | undefined>;
}

/**
 * An AuthRequest that names the wanted audiences (authenticator.WithAudiences), for a TokenReview;
 * the bearer authenticator answers in `tokenAudiences` those an audience-aware token is valid for.
 */
export type AudienceAuthRequest = AuthRequest & { audiences?: string[]; tokenAudiences?: string[] };

/** The single value of a header (HTTP/1.1 and HTTP/2 headers may be arrays). */
export function headerValue(headers: AuthRequest['headers'], name: string): string | undefined {
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The token of an `Authorization: Bearer` header, or undefined (also for an empty token, as upstream). */
export function bearerToken(headers: AuthRequest['headers']): string | undefined {
  const auth = headerValue(headers, 'authorization')?.trim();
  if (!auth) return undefined;
  const parts = auth.split(/\s+/);
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer') return undefined;
  return parts[1] || undefined;
}

/**
 * Constant-time string comparison (crypto/subtle.ConstantTimeCompare). Both sides are hashed
 * first, so not even the secret's length shows in the timing.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a, 'utf8').digest();
  const y = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(x, y) && a === b;
}

/** Adds system:authenticated unless present (upstream's AuthenticatedGroupAdder). */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  return user.groups.includes('system:authenticated') ? user : { ...user, groups: [...user.groups, 'system:authenticated'] };
}

/** Authenticates `Authorization: Bearer` tokens with a list of token authenticators. */
export class BearerTokenAuthenticator implements Authenticator {
  constructor(private readonly list: TokenAuthenticator[]) {}

  async authenticate(req: AudienceAuthRequest): Promise<UserInfo | undefined> {
    const token = bearerToken(req.headers);
    if (token === undefined) return undefined;
    const wanted = req.audiences?.length ? req.audiences : undefined;
    let failure: ApiError | undefined;
    for (const a of this.list) {
      try {
        const found = await a.authenticateToken(token, wanted);
        if (found) {
          const { audiences, ...user } = found;
          if (wanted && audiences) req.tokenAudiences = audiences;
          return withAuthenticatedGroup(user);
        }
      } catch (e) {
        // A token authenticator's failure is a 401 whatever went wrong (storage errors included):
        // a broken credential must never be mistaken for no credential.
        failure ??= e instanceof ApiError && e.code === 401 ? e : errors.unauthorized();
      }
    }
    throw failure ?? errors.unauthorized();
  }
}
