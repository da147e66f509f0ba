/**
 * The authentication seam (k8s.io/apiserver/pkg/authentication): an Authenticator maps a request
 * to a UserInfo, answers undefined when the request carries no credential it understands, and
 * throws ApiError 401 when it carries one that is invalid.
 */
import type { IncomingHttpHeaders as Http1Headers } from 'node:http';
import type { IncomingHttpHeaders as Http2Headers } from 'node:http2';

/** user.Info: name, optional uid, groups and extra attributes. */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** The identity of requests without credentials (upstream's anonymous authenticator). */
export const anonymousUser: UserInfo = Object.freeze({ name: 'system:anonymous', groups: Object.freeze(['system:unauthenticated']) as string[] });

/** What an authenticator may look at: the headers and the TLS client certificate (DER). */
export interface AuthRequest {
  headers: Http1Headers | Http2Headers;
  peerCertificate?: { raw: Buffer };
}

/** One authentication method (client certificates, bearer tokens, …). */
export interface Authenticator {
  /** the user, undefined when no credential of this kind is present; throws ApiError 401 for a bad one */
  authenticate(req: AuthRequest): Promise<UserInfo | undefined>;
}

/**
 * Tries each authenticator in order; the first that returns a user wins. As upstream's union
 * authenticator does, a failing credential does not stop the others (a bad token next to a good
 * client certificate still authenticates); when none succeeds the first failure is rethrown.
 */
export class UnionAuthenticator implements Authenticator {
  constructor(private readonly list: Authenticator[]) {}

  async authenticate(req: AuthRequest): Promise<UserInfo | undefined> {
    let failure: unknown;
    let failed = false;
    for (const a of this.list) {
      try {
        const user = await a.authenticate(req);
        if (user) return user;
      } catch (e) {
        if (!failed) failure = e;
        failed = true;
      }
    }
    if (failed) throw failure;
    return undefined;
  }
}
