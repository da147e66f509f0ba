/**
 * Minimal ASN.1 DER encoder and reader: just what X.509 certificate issuance and client-certificate
 * subject parsing need. Certificates are assembled here (rather than through a generic X.509
 * library) so issuance needs nothing but node:crypto and stays in the low milliseconds.
 */

/** Universal tags used by X.509. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Buffer.from([0x80 | out.length, ...out]);
}

/** One TLV with the given tag byte. */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

export const seq = (...items: Buffer[]): Buffer => tlv(Tag.SEQUENCE, Buffer.concat(items));
/** DER SET OF: elements sorted by their encoding, as DER requires. */
export const set = (...items: Buffer[]): Buffer => tlv(Tag.SET, Buffer.concat([...items].sort((a, b) => Buffer.compare(a, b))));
export const bool = (v: boolean): Buffer => tlv(Tag.BOOLEAN, Buffer.from([v ? 0xff : 0x00]));
export const octets = (b: Buffer): Buffer => tlv(Tag.OCTET_STRING, b);
export const utf8 = (s: string): Buffer => tlv(Tag.UTF8_STRING, Buffer.from(s, 'utf8'));
export const ia5 = (s: string): Buffer => tlv(Tag.IA5_STRING, Buffer.from(s, 'ascii'));
/** Context-specific explicit (constructed) tag [n]. */
export const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner);
/** Context-specific implicit primitive tag [n]. */
export const implicit = (n: number, content: Buffer): Buffer => tlv(0x80 | n, content);

/** INTEGER from unsigned big-endian bytes (a leading 0x00 keeps it positive). */
export function uint(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let b = bytes.subarray(i);
  if ((b[0] ?? 0) & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(Tag.INTEGER, b);
}

export const smallInt = (n: number): Buffer => uint(Buffer.from([n]));

/** BIT STRING wrapping whole bytes (unused bits 0): used for keys and signatures. */
export const bitString = (b: Buffer): Buffer => tlv(Tag.BIT_STRING, Buffer.concat([Buffer.from([0]), b]));

/** Named-bit BIT STRING (KeyUsage): bit 0 is the MSB of the first byte; trailing zero bits are dropped as DER requires. */
export function namedBits(bits: number[]): Buffer {
  const max = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(max / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  const unused = 7 - (max & 7);
  return tlv(Tag.BIT_STRING, Buffer.concat([Buffer.from([unused]), bytes]));
}

/** OBJECT IDENTIFIER from dotted notation. */
export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(Tag.OID, Buffer.from(out));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; always UTC, seconds precision. */
export function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = d.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(Tag.UTC_TIME, Buffer.from(digits.slice(2) + 'Z', 'ascii'));
  return tlv(Tag.GENERALIZED_TIME, Buffer.from(digits + 'Z', 'ascii'));
}

/** A decoded TLV: its tag, content bytes and the complete encoding. */
export interface Node {
  tag: number;
  content: Buffer;
  raw: Buffer;
}

/** Reads the TLV starting at offset. Throws on truncated or indefinite-length input. */
export function readNode(buf: Buffer, offset = 0): Node {
  const tag = buf[offset];
  let len = buf[offset + 1];
  if (tag === undefined || len === undefined) throw new Error('DER: truncated');
  let pos = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: unsupported length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[pos + i] ?? 0);
    pos += n;
  }
  if (pos + len > buf.length) throw new Error('DER: truncated');
  return { tag, content: buf.subarray(pos, pos + len), raw: buf.subarray(offset, pos + len) };
}

/** The child TLVs of a constructed node. */
export function children(n: Node): Node[] {
  const out: Node[] = [];
  for (let off = 0; off < n.content.length; ) {
    const c = readNode(n.content, off);
    out.push(c);
    off += c.raw.length;
  }
  return out;
}

/** Dotted notation of an OID node. */
export function readOid(n: Node): string {
  const b = n.content;
  const first = b[0] ?? 0;
  const parts = [Math.min(2, Math.floor(first / 40)), first - 40 * Math.min(2, Math.floor(first / 40))];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    const byte = b[i]!;
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** The text of any X.520 DirectoryString variant. */
export function readString(n: Node): string {
  switch (n.tag) {
    case Tag.BMP_STRING: {
      let s = '';
      for (let i = 0; i + 1 < n.content.length; i += 2) s += String.fromCharCode(n.content.readUInt16BE(i));
      return s;
    }
    case Tag.UNIVERSAL_STRING: {
      let s = '';
      for (let i = 0; i + 3 < n.content.length; i += 4) s += String.fromCodePoint(n.content.readUInt32BE(i));
      return s;
    }
    case Tag.T61_STRING:
      return n.content.toString('latin1');
    default:
      return n.content.toString('utf8');
  }
}
