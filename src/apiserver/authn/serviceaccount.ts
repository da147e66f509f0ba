/**
 * ServiceAccount tokens (pkg/serviceaccount): signed JWTs, issued by the TokenRequest API and the
 * legacy tokens controller, verified by a token authenticator.
 *
 * Bound tokens carry upstream's claims: iss, sub `system:serviceaccount:<ns>:<name>`, aud, exp,
 * iat, nbf, jti and `kubernetes.io: {namespace, serviceaccount{name,uid}, pod?, secret?, node?}`.
 * Verification checks the signature, issuer, audience (one of the wanted audiences: by default the
 * API audiences, for a TokenReview its spec.audiences) and validity
 * window, then that the ServiceAccount and the bound Pod / Secret / Node still exist with the same
 * uid — a token bound to a pod stops working once the pod is gone (upstream lets objects that are
 * being deleted pass for 60 s more). The objects are read from storage on every request: that is
 * what makes a deleted pod's token fail at once.
 *
 * Legacy tokens (iss `kubernetes/serviceaccount`, flat `kubernetes.io/serviceaccount/*` claims,
 * no expiry) are valid while their Secret exists and still holds exactly that token.
 */
import { createHash, createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { ApiDeps } from '../pipeline.js';
import { storageKey } from '../resources.js';
import type { TokenAuthenticator, TokenUser } from './bearer.js';
import { constantTimeEqual } from './bearer.js';
import type { UserInfo } from './types.js';

/** The issuer kube-apiserver is usually configured with (--service-account-issuer). */
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** The issuer of secret-based tokens (LegacyIssuer). */
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
/** Objects being deleted keep their tokens valid this long after their deletionTimestamp (upstream's grace). */
const DELETION_GRACE_MS = 60_000;
/** go-jose's default leeway for exp/nbf/iat. */
const LEEWAY_SECONDS = 60;

/** user.Info extra keys upstream sets for ServiceAccount tokens. */
export const EXTRA = {
  podName: 'authentication.kubernetes.io/pod-name',
  podUid: 'authentication.kubernetes.io/pod-uid',
  nodeName: 'authentication.kubernetes.io/node-name',
  nodeUid: 'authentication.kubernetes.io/node-uid',
  credentialId: 'authentication.kubernetes.io/credential-id',
} as const;

/** `system:serviceaccount:<ns>:<name>` (serviceaccount.MakeUsername). */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** [namespace, name] of a ServiceAccount user name, or undefined (serviceaccount.SplitUsername). */
export function splitServiceAccountUsername(username: string): [string, string] | undefined {
  const prefix = 'system:serviceaccount:';
  if (!username.startsWith(prefix)) return undefined;
  const parts = username.slice(prefix.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return [parts[0], parts[1]];
}

/** The groups every ServiceAccount is in (serviceaccount.MakeGroupNames). */
export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
}

/** Reads one object from storage; namespace '' for cluster-scoped kinds. */
export type ObjectReader = (resource: 'serviceaccounts' | 'pods' | 'secrets' | 'nodes', namespace: string, name: string) => Promise<KubeObject | undefined>;

/** An ObjectReader over the API server's store. */
export function storeReader(deps: Pick<ApiDeps, 'store' | 'resources'>): ObjectReader {
  return async (resource, namespace, name) => {
    const def = deps.resources.preferred('', resource);
    if (!def) return undefined;
    return deps.store.get(storageKey(def, namespace, name));
  };
}

/** A reference embedded in the claims. */
export interface ObjectRef {
  name: string;
  uid: string;
}

/** What a bound token is issued for. */
export interface BoundTokenRequest {
  namespace: string;
  serviceAccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  /** the pod's node (uid may be unknown) or the node a token is bound to */
  node?: { name: string; uid?: string };
  audiences: string[];
  expirationSeconds: number;
}

/** An issued token with its expiry and JWT ID. */
export interface IssuedToken {
  token: string;
  expiresAt: Date;
  jti: string;
}

interface KubeClaims {
  namespace?: string;
  serviceaccount?: { name?: string; uid?: string };
  pod?: { name?: string; uid?: string };
  secret?: { name?: string; uid?: string };
  node?: { name?: string; uid?: string };
}

function algorithmOf(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1' || curve === 'P-256') return 'ES256';
    if (curve === 'secp384r1' || curve === 'P-384') return 'ES384';
    if (curve === 'secp521r1' || curve === 'P-521') return 'ES512';
  }
  throw new Error(`unsupported service account key type ${key.asymmetricKeyType ?? '?'}`);
}

/** Upstream's key id: base64url(SHA-256(DER SubjectPublicKeyInfo)). */
function keyId(pub: KeyObject): string {
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('base64url');
}

/** Signs ServiceAccount tokens with the cluster's key. */
export class ServiceAccountTokenIssuer {
  private readonly key: KeyObject;
  private readonly alg: string;
  private readonly kid: string;
  readonly issuer: string;
  private readonly now: () => Date;

  constructor(opts: { privateKeyPem: string; issuer?: string; now?: () => Date }) {
    this.key = createPrivateKey(opts.privateKeyPem);
    this.alg = algorithmOf(this.key);
    this.kid = keyId(createPublicKey(this.key));
    this.issuer = opts.issuer ?? DEFAULT_ISSUER;
    this.now = opts.now ?? (() => new Date());
  }

  /** A bound token (TokenRequest): upstream's claims, exp = now + expirationSeconds. */
  async issue(r: BoundTokenRequest): Promise<IssuedToken> {
    const now = this.now();
    const iat = Math.floor(now.getTime() / 1000);
    const jti = randomUUID();
    const kube: KubeClaims = { namespace: r.namespace, serviceaccount: { name: r.serviceAccount.name, uid: r.serviceAccount.uid } };
    if (r.pod) kube.pod = { name: r.pod.name, uid: r.pod.uid };
    if (r.secret) kube.secret = { name: r.secret.name, uid: r.secret.uid };
    if (r.node) kube.node = { name: r.node.name, ...(r.node.uid ? { uid: r.node.uid } : {}) };
    const token = await new SignJWT({ 'kubernetes.io': kube })
      .setProtectedHeader({ alg: this.alg, kid: this.kid })
      .setIssuer(this.issuer)
      .setSubject(serviceAccountUsername(r.namespace, r.serviceAccount.name))
      .setAudience(r.audiences)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + r.expirationSeconds)
      .setJti(jti)
      .sign(this.key);
    return { token, expiresAt: new Date((iat + r.expirationSeconds) * 1000), jti };
  }

  /** A legacy secret-based token (LegacyClaims): no audience, no expiry. */
  async legacy(namespace: string, serviceAccount: ObjectRef, secretName: string): Promise<string> {
    return new SignJWT({
      'kubernetes.io/serviceaccount/namespace': namespace,
      'kubernetes.io/serviceaccount/secret.name': secretName,
      'kubernetes.io/serviceaccount/service-account.name': serviceAccount.name,
      'kubernetes.io/serviceaccount/service-account.uid': serviceAccount.uid,
    })
      .setProtectedHeader({ alg: this.alg, kid: this.kid })
      .setIssuer(LEGACY_ISSUER)
      .setSubject(serviceAccountUsername(namespace, serviceAccount.name))
      .sign(this.key);
  }
}

/** Options of the authenticator. */
export interface ServiceAccountAuthenticatorOptions {
  publicKeyPems: string[];
  read: ObjectReader;
  /** accepted issuers of bound tokens (default: DEFAULT_ISSUER) */
  issuers?: string[];
  /** API audiences (--api-audiences; default: the first issuer) */
  audiences?: string[];
  /** accept legacy secret-based tokens (default true, as upstream) */
  legacy?: boolean;
  now?: () => Date;
}

/** A string list as Go's %q prints it: ["a" "b"]. */
function goStrings(list: string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

function deletedLongAgo(o: KubeObject, now: Date): boolean {
  const ts = o.metadata.deletionTimestamp;
  return ts !== undefined && new Date(ts).getTime() < now.getTime() - DELETION_GRACE_MS;
}

/** Verifies ServiceAccount JWTs (bound and legacy) and maps them to the ServiceAccount's user. */
export class ServiceAccountTokenAuthenticator implements TokenAuthenticator {
  private readonly keys: KeyObject[];
  private readonly issuers: string[];
  private readonly audiences: string[];
  private readonly legacyEnabled: boolean;
  private readonly now: () => Date;

  constructor(private readonly opts: ServiceAccountAuthenticatorOptions) {
    this.keys = opts.publicKeyPems.map((p) => createPublicKey(p));
    this.issuers = opts.issuers ?? [DEFAULT_ISSUER];
    this.audiences = opts.audiences ?? [this.issuers[0]!];
    this.legacyEnabled = opts.legacy ?? true;
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * `audiences`: the wanted audiences (default the API audiences). As upstream's JWT
   * authenticator, the token is valid for those of them it names (all API audiences for a legacy
   * token, which names none) and refused when that leaves none.
   */
  async authenticateToken(token: string, audiences?: string[]): Promise<TokenUser | undefined> {
    // Tokens of another issuer (or not JWTs at all) belong to other authenticators (hasCorrectIssuer).
    let iss: string | undefined;
    try {
      decodeProtectedHeader(token);
      iss = decodeJwt(token).iss;
    } catch {
      return undefined;
    }
    const legacy = this.legacyEnabled && iss === LEGACY_ISSUER;
    if (!legacy && (iss === undefined || !this.issuers.includes(iss))) return undefined;
    const payload = await this.verify(token, legacy);
    const granted = this.audiencesFor(payload, audiences);
    const user = legacy ? await this.validateLegacy(token, payload) : await this.validateBound(payload);
    return { ...user, audiences: granted };
  }

  /** The token's audiences (the API audiences when it names none) that are also wanted. */
  private audiencesFor(p: JWTPayload, wanted: string[] | undefined): string[] {
    const named = typeof p.aud === 'string' ? [p.aud] : Array.isArray(p.aud) ? p.aud : [];
    const tokenAuds = named.length ? named : this.audiences;
    const requested = wanted?.length ? wanted : this.audiences;
    const granted = tokenAuds.filter((a) => requested.includes(a));
    if (!granted.length) {
      // Upstream logs the reason and answers API requests a bare 401; a TokenReview reports it.
      throw errors.unauthorized(wanted?.length ? `token audiences ${goStrings(tokenAuds)} is invalid for the target audiences ${goStrings(requested)}` : 'Unauthorized');
    }
    return granted;
  }

  /** Signature with any configured key, plus issuer, audience and time checks for bound tokens. */
  private async verify(token: string, legacy: boolean): Promise<JWTPayload> {
    for (const key of this.keys) {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: legacy ? LEGACY_ISSUER : this.issuers,
          // Audiences are checked afterwards against the wanted ones (audiencesFor).
          ...(legacy ? {} : { requiredClaims: ['exp'] }),
          clockTolerance: LEEWAY_SECONDS,
          currentDate: this.now(),
        });
        return payload;
      } catch (e) {
        // A bad signature may just mean another key signed it; anything else is final.
        if ((e as { code?: string }).code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') throw errors.unauthorized();
      }
    }
    throw errors.unauthorized();
  }

  private async validateBound(p: JWTPayload): Promise<UserInfo> {
    const kube = (p['kubernetes.io'] ?? {}) as KubeClaims;
    const ns = kube.namespace;
    const sa = kube.serviceaccount;
    if (!ns || !sa?.name || !sa.uid) throw errors.unauthorized();
    const now = this.now();
    await this.checkObject('serviceaccounts', ns, sa.name, sa.uid, now);
    const extra: Record<string, string[]> = {};
    if (kube.secret) {
      if (!kube.secret.name || !kube.secret.uid) throw errors.unauthorized();
      await this.checkObject('secrets', ns, kube.secret.name, kube.secret.uid, now);
    }
    if (kube.pod) {
      if (!kube.pod.name || !kube.pod.uid) throw errors.unauthorized();
      await this.checkObject('pods', ns, kube.pod.name, kube.pod.uid, now);
      extra[EXTRA.podName] = [kube.pod.name];
      extra[EXTRA.podUid] = [kube.pod.uid];
    }
    if (kube.node?.name) {
      // A node-bound token needs its node; a pod-bound token only reports the pod's node.
      if (!kube.pod && !kube.secret) {
        if (!kube.node.uid) throw errors.unauthorized();
        await this.checkObject('nodes', '', kube.node.name, kube.node.uid, now);
      }
      extra[EXTRA.nodeName] = [kube.node.name];
      if (kube.node.uid) extra[EXTRA.nodeUid] = [kube.node.uid];
    }
    if (typeof p.jti === 'string' && p.jti) extra[EXTRA.credentialId] = [`JTI=${p.jti}`];
    return { name: serviceAccountUsername(ns, sa.name), uid: sa.uid, groups: [...serviceAccountGroups(ns), 'system:authenticated'], ...(Object.keys(extra).length ? { extra } : {}) };
  }

  private async validateLegacy(token: string, p: JWTPayload): Promise<UserInfo> {
    const str = (k: string): string => {
      const v = p[k];
      return typeof v === 'string' ? v : '';
    };
    const ns = str('kubernetes.io/serviceaccount/namespace');
    const secretName = str('kubernetes.io/serviceaccount/secret.name');
    const saName = str('kubernetes.io/serviceaccount/service-account.name');
    const saUid = str('kubernetes.io/serviceaccount/service-account.uid');
    if (!ns || !secretName || !saName || !saUid || p.sub !== serviceAccountUsername(ns, saName)) throw errors.unauthorized();
    const secret = await this.opts.read('secrets', ns, secretName);
    if (!secret || secret.metadata.deletionTimestamp) throw errors.unauthorized();
    // The token is valid only while the Secret still holds it ("token does not match server's copy").
    const raw = (secret.data as Record<string, unknown> | undefined)?.token;
    const stored = typeof raw === 'string' ? Buffer.from(raw, 'base64').toString('utf8') : '';
    if (!constantTimeEqual(stored, token)) throw errors.unauthorized();
    // Tokens the cleaner marked invalid (kubernetes.io/legacy-token-invalid-since) are refused.
    if (secret.metadata.labels?.['kubernetes.io/legacy-token-invalid-since']) throw errors.unauthorized();
    await this.checkObject('serviceaccounts', ns, saName, saUid, this.now());
    return { name: serviceAccountUsername(ns, saName), uid: saUid, groups: [...serviceAccountGroups(ns), 'system:authenticated'] };
  }

  /** The object exists, is not long deleted, and has the claimed uid. */
  private async checkObject(resource: 'serviceaccounts' | 'pods' | 'secrets' | 'nodes', ns: string, name: string, uid: string, now: Date): Promise<void> {
    const o = await this.opts.read(resource, ns, name);
    if (!o || deletedLongAgo(o, now) || o.metadata.uid !== uid) throw errors.unauthorized();
  }
}
