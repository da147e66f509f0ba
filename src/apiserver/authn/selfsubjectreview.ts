/**
 * authentication.k8s.io review APIs (pkg/registry/authentication/*):
 * - SelfSubjectReview (v1, and v1beta1 for kubectl 1.27's `auth whoami`): who the server thinks
 *   the caller is, after impersonation.
 * - TokenReview (v1): is spec.token valid, and whose is it? Answered by the API server's own
 *   authenticator on a request carrying nothing but that bearer token.
 * Neither is stored.
 */
import { ApiError, errors } from '../../api/errors.js';
import { rfc3339 } from '../object-meta.js';
import type { RequestCtx } from '../handlers/context.js';
import type { ReviewApi } from '../authz/review-common.js';
import { readReview, respondReview, reviewDef } from '../authz/review-common.js';
import type { AudienceAuthRequest } from './bearer.js';
import type { Authenticator, UserInfo } from './types.js';

/** The API group of the authentication reviews. */
export const AUTHENTICATION_GROUP = 'authentication.k8s.io';

/** authentication.k8s.io/v1 UserInfo of a user: username, uid, groups and extra (always an object, as upstream fills it). */
export function userInfoObject(u: UserInfo): Record<string, unknown> {
  const out: Record<string, unknown> = { username: u.name };
  if (u.uid) out.uid = u.uid;
  if (u.groups.length) out.groups = [...u.groups];
  const extra = Object.entries(u.extra ?? {});
  if (extra.length) out.extra = Object.fromEntries(extra.map(([k, v]) => [k, [...v]]));
  return out;
}

/**
 * POST /apis/authentication.k8s.io/{v1,v1beta1}/selfsubjectreviews: answers a fresh object whose
 * status.userInfo is the request's user and whose creationTimestamp is now (the request body's
 * content is ignored, as upstream's REST.Create does).
 */
export async function handleSelfSubjectReview(rc: RequestCtx): Promise<void> {
  const obj = await readReview(rc);
  respondReview(rc, {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { creationTimestamp: rfc3339(rc.deps.now()) },
    status: { userInfo: userInfoObject(rc.user) },
  });
}

/** Options of the TokenReview API. */
export interface TokenReviewOptions {
  /**
   * The API server's audiences (upstream --api-audiences, by default the service account issuer):
   * used when spec.audiences is empty, and the only audiences audience-agnostic tokens (static,
   * bootstrap) are valid for.
   */
  apiAudiences?: string[];
}

export type { AudienceAuthRequest };

/**
 * POST /apis/authentication.k8s.io/v1/tokenreviews. As upstream: 400 without spec.token, the
 * token is checked as `Authorization: Bearer <token>` alone (no client certificate, no
 * impersonation), a rejected token is authenticated=false with status.error, and status.user and
 * status.audiences describe an accepted one.
 */
export function tokenReviewHandler(authenticator: Authenticator, opts: TokenReviewOptions = {}): (rc: RequestCtx) => Promise<void> {
  const apiAudiences = opts.apiAudiences ?? [];
  return async (rc) => {
    const obj = await readReview(rc);
    const spec = (obj.spec && typeof obj.spec === 'object' ? obj.spec : {}) as { token?: string; audiences?: string[] | null };
    obj.spec = spec;
    if (!spec.token) throw errors.badRequest('token is required for TokenReview in authentication');
    const wanted = spec.audiences?.length ? [...spec.audiences] : apiAudiences;
    obj.status = await review(authenticator, spec.token, wanted, apiAudiences);
    respondReview(rc, obj);
  };
}

async function review(authenticator: Authenticator, token: string, wanted: string[], apiAudiences: string[]): Promise<Record<string, unknown>> {
  const req: AudienceAuthRequest = { headers: { authorization: `Bearer ${token}` }, ...(wanted.length ? { audiences: wanted } : {}) };
  let user: UserInfo | undefined;
  try {
    user = await authenticator.authenticate(req);
  } catch (e) {
    const message = e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e);
    return { authenticated: false, user: {}, error: message };
  }
  if (!user) return { authenticated: false, user: {} };
  // Audience-aware tokens (ServiceAccount JWTs) were checked against the wanted audiences and
  // answer the ones they are valid for. The others (static, bootstrap) are audience-agnostic
  // (upstream's WrapAudienceAgnosticToken): valid for the wanted audiences they share with the API
  // server's, and for none other — reporting a foreign audience would let another service accept
  // a token never meant for it.
  let audiences = wanted;
  if (req.tokenAudiences) {
    audiences = req.tokenAudiences;
    // Upstream's guard against an authenticator that ignored the wanted audiences.
    if (wanted.length && !audiences.some((a) => wanted.includes(a))) throw errors.internal('error validating audiences');
  } else if (wanted.length && apiAudiences.length) {
    audiences = wanted.filter((a) => apiAudiences.includes(a));
    if (!audiences.length) {
      return { authenticated: false, user: {}, error: `token audiences ${JSON.stringify(apiAudiences)} is invalid for the target audiences ${JSON.stringify(wanted)}` };
    }
  }
  const status: Record<string, unknown> = { authenticated: true, user: userInfoObject(user) };
  if (audiences.length) status.audiences = audiences;
  return status;
}

/** SelfSubjectReview v1 and v1beta1 and TokenReview v1, for index.ts to serve. */
export function authenticationReviewApis(authenticator: Authenticator, opts: TokenReviewOptions = {}): ReviewApi[] {
  const g = AUTHENTICATION_GROUP;
  return [
    { def: reviewDef(g, 'v1', 'SelfSubjectReview', 'selfsubjectreviews', false), handler: handleSelfSubjectReview },
    { def: reviewDef(g, 'v1beta1', 'SelfSubjectReview', 'selfsubjectreviews', false), handler: handleSelfSubjectReview },
    { def: reviewDef(g, 'v1', 'TokenReview', 'tokenreviews', false), handler: tokenReviewHandler(authenticator, opts) },
  ];
}
