/**
 * Just enough PKCS#10 to validate spec.request as upstream's certificates.ParseCSR +
 * CheckSignature do: a "CERTIFICATE REQUEST" PEM block holding a DER CertificationRequest whose
 * signature verifies with its own public key. A minimal DER reader keeps this dependency-free.
 */
import { createPublicKey, verify } from 'node:crypto';

interface Tlv {
  tag: number;
  start: number; // offset of the tag byte
  body: number; // offset of the content
  end: number; // offset after the content
}

function readTlv(buf: Buffer, at: number): Tlv {
  const tag = buf[at];
  let len = buf[at + 1];
  if (tag === undefined || len === undefined) throw new Error('truncated');
  let body = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[body + i] ?? 0);
    body += n;
  }
  const end = body + len;
  if (end > buf.length) throw new Error('truncated');
  return { tag, start: at, body, end };
}

function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.body; at < parent.end; ) {
    const t = readTlv(buf, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

/** OID content bytes → dotted string. */
function oid(bytes: Buffer): string {
  const first = bytes[0] ?? 0;
  const parts = [Math.floor(first / 40), first % 40];
  let v = 0;
  for (const b of bytes.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

const hashes: Record<string, string | null> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null, // Ed25519 signs the message itself
};

/** The Go error text for a request that does not parse or verify, or undefined when it is a valid CSR. */
export function csrError(requestB64: string): string | undefined {
  const pem = Buffer.from(requestB64, 'base64').toString('latin1');
  const m = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m || m[1] !== 'CERTIFICATE REQUEST') return 'PEM block type must be CERTIFICATE REQUEST';
  const der = Buffer.from((m[2] ?? '').replace(/\s+/g, ''), 'base64');
  let info: Tlv, alg: Tlv, sig: Tlv, spki: Tlv;
  try {
    const top = readTlv(der, 0);
    const parts = children(der, top);
    if (top.tag !== 0x30 || parts.length !== 3) throw new Error('shape');
    [info, alg, sig] = parts as [Tlv, Tlv, Tlv];
    const infoParts = children(der, info);
    spki = infoParts[2] as Tlv;
    if (!spki || spki.tag !== 0x30 || sig.tag !== 0x03) throw new Error('shape');
  } catch {
    return 'asn1: structure error: tags don\'t match';
  }
  const algOid = children(der, alg)[0];
  const name = algOid ? oid(der.subarray(algOid.body, algOid.end)) : '';
  if (!(name in hashes)) return 'x509: cannot verify signature: algorithm unimplemented';
  try {
    const key = createPublicKey({ key: der.subarray(spki.start, spki.end), format: 'der', type: 'spki' });
    const signature = der.subarray(sig.body + 1, sig.end); // skip the unused-bits byte
    const ok = verify(hashes[name] ?? null, der.subarray(info.start, info.end), key, signature);
    if (ok) return undefined;
    return key.asymmetricKeyType === 'rsa' ? 'crypto/rsa: verification error' : 'x509: ECDSA verification failure';
  } catch {
    return 'x509: cannot verify signature: algorithm unimplemented';
  }
}
