/**
 * What the certificate controllers read from a CertificateSigningRequest: the PKCS#10 request
 * decoded as Go's x509.ParseCertificateRequest exposes it (subject CN and O, the SANs of the
 * extensionRequest attribute, the public key) and the spec/status fields they decide on.
 * The signature check is the registry's (`csrError`), so a request the API accepted parses here.
 */
import { createPublicKey } from 'node:crypto';
import type { KubeObject } from '../../api/object.js';
import { csrError } from '../../api/registry/certificates/csr-parse.js';
import * as der from '../../pki/der.js';

/** The well-known signers (k8s.io/api/certificates/v1). */
export const Signers = {
  apiServerClient: 'kubernetes.io/kube-apiserver-client',
  kubeletClient: 'kubernetes.io/kube-apiserver-client-kubelet',
  kubeletServing: 'kubernetes.io/kubelet-serving',
  legacyUnknown: 'kubernetes.io/legacy-unknown',
} as const;

/** The parts of an x509.CertificateRequest the signers and the approver look at. */
export interface ParsedCsr {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  publicKeyPem: string;
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectAltName: '2.5.29.17',
};

function ipString(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length !== 16) return b.toString('hex');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  // Collapse the longest run of zero groups, as Go's net.IP.String does.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function readSans(ext: Buffer, out: ParsedCsr): void {
  for (const gn of der.children(der.readNode(ext))) {
    const text = gn.content.toString('latin1');
    switch (gn.tag) {
      case 0x81:
        out.emailAddresses.push(text);
        break;
      case 0x82:
        out.dnsNames.push(text);
        break;
      case 0x86:
        out.uris.push(text);
        break;
      case 0x87:
        out.ipAddresses.push(ipString(gn.content));
        break;
      default:
        break; // otherName, directoryName …: Go keeps them only in the raw extension
    }
  }
}

/**
 * certificates.ParseCSR + CheckSignature: the request (the PEM, or spec.request's base64 of it)
 * decoded; throws with Go's message when it is not a valid, self-signed PKCS#10 request.
 */
export function parseCsr(request: string): ParsedCsr {
  const b64 = request.includes('-----BEGIN') ? Buffer.from(request, 'latin1').toString('base64') : request;
  const why = csrError(b64);
  if (why) throw new Error(why);
  const pem = Buffer.from(b64, 'base64').toString('latin1');
  const body = /-----BEGIN CERTIFICATE REQUEST-----([\s\S]*?)-----END CERTIFICATE REQUEST-----/.exec(pem)?.[1] ?? '';
  const top = der.readNode(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
  const info = der.children(top)[0];
  if (!info) throw new Error("asn1: structure error: tags don't match");
  const [, subject, spki, attrs] = der.children(info);
  if (!subject || !spki) throw new Error("asn1: structure error: tags don't match");
  const out: ParsedCsr = {
    commonName: '',
    organizations: [],
    dnsNames: [],
    ipAddresses: [],
    emailAddresses: [],
    uris: [],
    publicKeyPem: String(createPublicKey({ key: spki.raw, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' })),
  };
  for (const rdn of der.children(subject)) {
    for (const atv of der.children(rdn)) {
      const [type, value] = der.children(atv);
      if (!type || !value) continue;
      const t = der.readOid(type);
      // Go's pkix.Name: the last CN wins, every O is kept in order.
      if (t === OID.commonName) out.commonName = der.readString(value);
      else if (t === OID.organization) out.organizations.push(der.readString(value));
    }
  }
  if (attrs && attrs.tag === 0xa0) {
    for (const attr of der.children(attrs)) {
      const [type, values] = der.children(attr);
      if (!type || !values || der.readOid(type) !== OID.extensionRequest) continue;
      for (const exts of der.children(values)) {
        for (const ext of der.children(exts)) {
          const parts = der.children(ext);
          const id = parts[0];
          const value = parts[parts.length - 1];
          if (id && value && der.readOid(id) === OID.subjectAltName) readSans(value.content, out);
        }
      }
    }
  }
  return out;
}

/** A CSR condition as stored. */
export interface CsrCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/** The spec fields the controllers use. */
export interface CsrSpec {
  request: string;
  signerName: string;
  usages: string[];
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
  expirationSeconds?: number;
}

/** The CSR's spec with defaults for absent fields. */
export function specOf(csr: KubeObject): CsrSpec {
  const s = (csr.spec ?? {}) as Partial<CsrSpec>;
  return {
    request: typeof s.request === 'string' ? s.request : '',
    signerName: typeof s.signerName === 'string' ? s.signerName : '',
    usages: Array.isArray(s.usages) ? s.usages.map(String) : [],
    username: typeof s.username === 'string' ? s.username : '',
    ...(s.uid ? { uid: s.uid } : {}),
    groups: Array.isArray(s.groups) ? s.groups.map(String) : [],
    ...(s.extra ? { extra: s.extra } : {}),
    ...(typeof s.expirationSeconds === 'number' ? { expirationSeconds: s.expirationSeconds } : {}),
  };
}

/** status.conditions. */
export function conditionsOf(csr: KubeObject): CsrCondition[] {
  const c = (csr.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(c) ? (c as CsrCondition[]) : [];
}

/** A condition of that type with status True (certificates.HasTrueCondition). */
export function hasTrueCondition(csr: KubeObject, type: string): boolean {
  return conditionsOf(csr).some((c) => c.type === type && c.status === 'True');
}

/** status.certificate (base64 of the PEM chain), '' when not issued. */
export function certificateOf(csr: KubeObject): string {
  const c = (csr.status as { certificate?: unknown } | undefined)?.certificate;
  return typeof c === 'string' ? c : '';
}
