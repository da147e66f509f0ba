/**
 * CIDR parsing for NetworkPolicy ipBlocks (netutils.ParseCIDRSloppy + IsValidCIDR): a network
 * address with a prefix length, IPv4 or IPv6, compared as big integers.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';

export interface Cidr {
  family: 4 | 6;
  prefix: number;
  /** the address as given (host bits may be set, as ParseCIDRSloppy allows) */
  network: bigint;
  contains(addr: bigint): boolean;
}

function ipToBig(ip: string): bigint {
  if (isIPv4(ip)) return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

/** The parsed CIDR, or undefined when it is not one. */
export function parseCidr(s: string): Cidr | undefined {
  const [ip = '', bits, extra] = s.split('/');
  if (bits === undefined || extra !== undefined || !/^[0-9]+$/.test(bits)) return undefined;
  const family = isIPv4(ip) ? 4 : isIPv6(ip) && !ip.includes('.') ? 6 : undefined;
  if (!family) return undefined;
  const width = family === 4 ? 32 : 128;
  const prefix = Number(bits);
  if (prefix > width) return undefined;
  const network = ipToBig(ip);
  const shift = BigInt(width - prefix);
  return { family, prefix, network, contains: (addr) => addr >> shift === network >> shift };
}

/** IsValidCIDR (1.30+ wording). */
export function cidrError(s: string, path: string): FieldError[] {
  return parseCidr(s) ? [] : [field.invalid(path, s, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}
