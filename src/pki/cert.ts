/**
 * X.509 v3 certificate issuance (RFC 5280) over node:crypto keys, and the few read-side helpers
 * the PKI and the X.509 authenticator need (issuer name, subject CN/O). Profiles follow what
 * kubeadm issues: the CA has basicConstraints CA and a subject key id; leaves carry basicConstraints
 * CA:FALSE, an authority key id, keyUsage digitalSignature and an extKeyUsage.
 */
import { createHash, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import * as der from './der.js';

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ed25519: '1.3.101.112',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** KeyUsage bit positions (RFC 5280 §4.2.1.3). */
export const KeyUsage = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;
export type KeyUsageName = keyof typeof KeyUsage;

/** A distinguished name as Kubernetes uses it: CN is the user, each O a group. */
export interface Subject {
  commonName: string;
  organizations?: string[];
}

/** Everything needed to issue one certificate. `issuerCertDer` absent means self-signed. */
export interface CertificateSpec {
  subject: Subject;
  publicKey: KeyObject;
  signingKey: KeyObject;
  issuerCertDer?: Buffer;
  notBefore: Date;
  notAfter: Date;
  isCA?: boolean;
  keyUsage: KeyUsageName[];
  extKeyUsage?: ('serverAuth' | 'clientAuth')[];
  dnsNames?: string[];
  ips?: string[];
}

/** RDNSequence with one attribute per RDN, organizations before the common name as kubeadm orders them. */
export function encodeName(s: Subject): Buffer {
  const rdns = [...(s.organizations ?? []).map((o) => [OID.organization, o] as const), [OID.commonName, s.commonName] as const];
  return der.seq(...rdns.map(([type, value]) => der.set(der.seq(der.oid(type), der.utf8(value)))));
}

/** The subjectPublicKey bits of a key: what the key identifier hashes (RFC 5280 §4.2.1.2 method 1). */
function keyId(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const spki = pub.export({ type: 'spki', format: 'der' });
  const bits = der.children(der.readNode(spki))[1];
  if (!bits) throw new Error('malformed public key');
  return createHash('sha1').update(bits.content.subarray(1)).digest();
}

function signatureAlgorithm(key: KeyObject): { algId: Buffer; digest: string | null } {
  switch (key.asymmetricKeyType) {
    case 'ec':
      return { algId: der.seq(der.oid(OID.ecdsaWithSha256)), digest: 'sha256' };
    case 'rsa':
      return { algId: der.seq(der.oid(OID.sha256WithRsa), der.tlv(der.Tag.NULL, Buffer.alloc(0))), digest: 'sha256' };
    case 'ed25519':
      return { algId: der.seq(der.oid(OID.ed25519)), digest: null };
    default:
      throw new Error(`unsupported signing key type ${String(key.asymmetricKeyType)}`);
  }
}

/** 4 or 16 network-order bytes of an IP literal (zone ids dropped). */
export function ipBytes(ip: string): Buffer {
  const addr = ip.split('%')[0]!;
  if (isIP(addr) === 4) return Buffer.from(addr.split('.').map(Number));
  if (isIP(addr) !== 6) throw new Error(`not an IP address: ${ip}`);
  let groups = addr;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    groups = addr.slice(0, -v4[1]!.length) + `${(((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16)}:${(((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16)}`;
  }
  const [head, tail] = groups.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? der.seq(der.oid(id), der.bool(true), der.octets(value)) : der.seq(der.oid(id), der.octets(value));
}

/** The issuer's subject, byte for byte: Go and OpenSSL chain certificates by comparing raw names. */
export function subjectDer(certDer: Buffer): Buffer {
  const f = tbsFields(certDer);
  const subject = f[5];
  if (!subject) throw new Error('malformed certificate');
  return subject.raw;
}

/** TBSCertificate fields, with the optional version slot always present (index 0) for fixed positions. */
function tbsFields(certDer: Buffer): (der.Node | undefined)[] {
  const tbs = der.children(der.readNode(certDer))[0];
  if (!tbs) throw new Error('malformed certificate');
  const f: (der.Node | undefined)[] = der.children(tbs);
  if (f[0]?.tag !== 0xa0) f.unshift(undefined);
  return f;
}

/** CN (the last one wins, as Go's pkix.Name does) and every O of a certificate's subject. */
export function readSubject(certDer: Buffer): { commonName: string; organizations: string[] } {
  const name = tbsFields(certDer)[5];
  if (!name) throw new Error('malformed certificate');
  let commonName = '';
  const organizations: string[] = [];
  for (const rdn of der.children(name)) {
    for (const atv of der.children(rdn)) {
      const [type, value] = der.children(atv);
      if (!type || !value) continue;
      const t = der.readOid(type);
      if (t === OID.commonName) commonName = der.readString(value);
      else if (t === OID.organization) organizations.push(der.readString(value));
    }
  }
  return { commonName, organizations };
}

/** Issues a certificate and returns its PEM encoding. */
export function createCertificate(spec: CertificateSpec): string {
  const subject = encodeName(spec.subject);
  const issuer = spec.issuerCertDer ? subjectDer(spec.issuerCertDer) : subject;
  const { algId, digest } = signatureAlgorithm(spec.signingKey);
  // 16 random bytes with the top bit clear: a positive serial Go accepts (it rejects negative ones).
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;

  const exts: Buffer[] = [];
  exts.push(extension(OID.keyUsage, true, der.namedBits(spec.keyUsage.map((u) => KeyUsage[u]))));
  if (spec.extKeyUsage?.length) exts.push(extension(OID.extKeyUsage, false, der.seq(...spec.extKeyUsage.map((u) => der.oid(OID[u])))));
  exts.push(extension(OID.basicConstraints, true, spec.isCA ? der.seq(der.bool(true)) : der.seq()));
  if (spec.isCA) exts.push(extension(OID.subjectKeyIdentifier, false, der.octets(keyId(spec.publicKey))));
  else exts.push(extension(OID.authorityKeyIdentifier, false, der.seq(der.implicit(0, keyId(spec.signingKey))))); // signingKey's public half names the CA
  const sans = [...(spec.dnsNames ?? []).map((d) => der.implicit(2, Buffer.from(d, 'ascii'))), ...(spec.ips ?? []).map((ip) => der.implicit(7, ipBytes(ip)))];
  if (sans.length) exts.push(extension(OID.subjectAltName, false, der.seq(...sans)));

  const tbs = der.seq(
    der.explicit(0, der.smallInt(2)),
    der.uint(serial),
    algId,
    issuer,
    der.seq(der.time(spec.notBefore), der.time(spec.notAfter)),
    subject,
    Buffer.from(spec.publicKey.export({ type: 'spki', format: 'der' })),
    der.explicit(3, der.seq(...exts)),
  );
  const signature = sign(digest, tbs, spec.signingKey);
  return toPem('CERTIFICATE', der.seq(tbs, algId, der.bitString(signature)));
}

/** PEM armour with 64-character lines. */
export function toPem(label: string, body: Buffer): string {
  const b64 = body.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
