/**
 * Client-certificate authentication (k8s.io/apiserver/pkg/authentication/request/x509): the TLS
 * peer certificate must be issued and signed by a configured CA, be within its validity period
 * and allow client authentication; its CN becomes the user name and each O a group, plus
 * system:authenticated. The TLS layer does not verify (rejectUnauthorized is off so anonymous and
 * token requests still connect), hence the checks here. Verification results are cached by the
 * certificate's SHA-256 fingerprint: every request presents the same few certificates.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { errors } from '../../api/errors.js';
import { readSubject } from '../../pki/cert.js';
import type { AuthRequest, Authenticator, UserInfo } from './types.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

interface Verified {
  user: UserInfo;
  notBefore: number;
  notAfter: number;
}

/** Options: an injectable clock and the bound on cached certificates. */
export interface X509AuthenticatorOptions {
  now?: () => Date;
  cacheSize?: number;
}

/** Every certificate in a PEM bundle. */
export function parsePemBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

/** Authenticates requests by their TLS client certificate against a CA bundle. */
export class X509Authenticator implements Authenticator {
  private readonly cas: X509Certificate[];
  private readonly cache = new Map<string, Verified>();
  private readonly now: () => Date;
  private readonly cacheSize: number;

  constructor(caPem: string, opts: X509AuthenticatorOptions = {}) {
    this.cas = parsePemBundle(caPem);
    if (!this.cas.length) throw new Error('X509Authenticator: no CA certificate given');
    this.now = opts.now ?? (() => new Date());
    this.cacheSize = opts.cacheSize ?? 1024;
  }

  authenticate(req: AuthRequest): Promise<UserInfo | undefined> {
    const raw = req.peerCertificate?.raw;
    if (!raw || !raw.length) return Promise.resolve(undefined);
    const fp = createHash('sha256').update(raw).digest('base64');
    let v = this.cache.get(fp);
    if (!v) {
      try {
        v = this.verify(raw);
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : errors.unauthorized());
      }
      if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(fp, v);
    }
    // The validity window is re-checked on every request: a cached certificate can expire.
    const t = this.now().getTime();
    if (t < v.notBefore || t > v.notAfter) return Promise.reject(errors.unauthorized());
    return Promise.resolve({ name: v.user.name, groups: [...v.user.groups] });
  }

  /** Chain and usage checks; throws 401 (the detail stays server-side, as upstream only says "Unauthorized"). */
  private verify(raw: Buffer): Verified {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(raw);
    } catch {
      throw errors.unauthorized();
    }
    const signedByCa = this.cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
    if (!signedByCa) throw errors.unauthorized();
    // Go's Verify with ExtKeyUsageClientAuth: a certificate listing extended key usages must include clientAuth (or any).
    const eku = cert.keyUsage as string[] | undefined;
    if (eku && eku.length && !eku.includes(CLIENT_AUTH) && !eku.includes(ANY_EXTENDED_KEY_USAGE)) throw errors.unauthorized();
    let subject: { commonName: string; organizations: string[] };
    try {
      subject = readSubject(raw);
    } catch {
      throw errors.unauthorized();
    }
    // CommonNameUserConversion: an empty CN is not an identity.
    if (!subject.commonName) throw errors.unauthorized();
    const groups = [...subject.organizations];
    if (!groups.includes('system:authenticated')) groups.push('system:authenticated');
    return {
      user: { name: subject.commonName, groups },
      notBefore: new Date(cert.validFrom).getTime(),
      notAfter: new Date(cert.validTo).getTime(),
    };
  }
}
