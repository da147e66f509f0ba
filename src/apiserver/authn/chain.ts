/**
 * The authentication chain kube-apiserver builds from its flags (pkg/kubeapiserver/authenticator):
 * client certificates, then the optional basic-auth password file, then bearer tokens — the
 * static token file, bootstrap tokens and ServiceAccount JWTs, in that order. Anonymous access
 * is the server's fallback when no credential is present at all.
 */
import type { ApiDeps } from '../pipeline.js';
import type { ServiceAccountKey } from '../../pki/sa-key.js';
import { generateServiceAccountKey } from '../../pki/sa-key.js';
import { BasicAuthAuthenticator } from './basic-auth.js';
import { BearerTokenAuthenticator, type TokenAuthenticator } from './bearer.js';
import { BootstrapTokenAuthenticator } from './bootstrap-token.js';
import { DEFAULT_ISSUER, ServiceAccountTokenAuthenticator, ServiceAccountTokenIssuer, storeReader } from './serviceaccount.js';
import { TokenFileAuthenticator } from './token-file.js';
import type { Authenticator } from './types.js';
import { UnionAuthenticator } from './types.js';
import { X509Authenticator } from './x509.js';

/** The authentication flags. */
export interface AuthenticationOptions {
  /** --client-ca-file contents */
  caPem: string;
  /** --token-auth-file */
  tokenAuthFile?: string;
  /** --basic-auth-file (a teaching feature upstream removed in 1.19; off unless given) */
  basicAuthFile?: string;
  /** the ServiceAccount signing key (default: a fresh in-memory key, for tests) */
  serviceAccountKey?: ServiceAccountKey;
  /** --service-account-issuer (default https://kubernetes.default.svc.cluster.local) */
  serviceAccountIssuer?: string;
  /** --api-audiences (default: the issuer) */
  apiAudiences?: string[];
  /** --enable-bootstrap-token-auth (default true: agents join with bootstrap tokens) */
  bootstrapTokens?: boolean;
  /** further authenticators tried last (tests) */
  extra?: Authenticator[];
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** The built chain and the ServiceAccount token signer that goes with it. */
export interface Authentication {
  authenticator: UnionAuthenticator;
  tokenIssuer: ServiceAccountTokenIssuer;
  audiences: string[];
}

/** Builds the chain; malformed token or password files throw with upstream's message. */
export function buildAuthentication(o: AuthenticationOptions, deps: Pick<ApiDeps, 'store' | 'resources' | 'now'>): Authentication {
  const warn = (msg: string): void => o.log?.(msg);
  const key = o.serviceAccountKey ?? generateServiceAccountKey();
  const issuer = o.serviceAccountIssuer ?? DEFAULT_ISSUER;
  const audiences = o.apiAudiences?.length ? o.apiAudiences : [issuer];
  const read = storeReader(deps);
  const tokens: TokenAuthenticator[] = [];
  if (o.tokenAuthFile) tokens.push(TokenFileAuthenticator.fromFile(o.tokenAuthFile, warn));
  if (o.bootstrapTokens !== false) tokens.push(new BootstrapTokenAuthenticator(read, deps.now));
  tokens.push(new ServiceAccountTokenAuthenticator({ publicKeyPems: key.publicKeyPems, read, issuers: [issuer], audiences, now: deps.now }));
  // Certificates keep the wall clock: they are issued with it, and tests inject `now` for object times.
  const list: Authenticator[] = [new X509Authenticator(o.caPem)];
  if (o.basicAuthFile) list.push(BasicAuthAuthenticator.fromFile(o.basicAuthFile, warn));
  list.push(new BearerTokenAuthenticator(tokens), ...(o.extra ?? []));
  return {
    authenticator: new UnionAuthenticator(list),
    tokenIssuer: new ServiceAccountTokenIssuer({ privateKeyPem: key.privateKeyPem, issuer, now: deps.now }),
    audiences,
  };
}
