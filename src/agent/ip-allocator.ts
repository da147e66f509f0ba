/**
 * Pod IPs from a node's podCIDR, as a host-local IPAM would hand them out: the network address,
 * the gateway (.1) and the broadcast address are never given to pods.
 */

function toInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new Error(`bad IPv4 address ${ip}`);
  return (((p[0] ?? 0) << 24) >>> 0) + ((p[1] ?? 0) << 16) + ((p[2] ?? 0) << 8) + (p[3] ?? 0);
}

function toIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Hands out and releases addresses of one IPv4 CIDR. */
export class IpAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Set<number>();
  private next = 2;

  constructor(cidr: string) {
    const [addr, bitsRaw] = cidr.split('/');
    const bits = Number(bitsRaw);
    if (!addr || !Number.isInteger(bits) || bits < 8 || bits > 30) throw new Error(`unsupported pod CIDR ${cidr}`);
    this.size = 2 ** (32 - bits);
    this.base = toInt(addr) - (toInt(addr) % this.size);
  }

  /** The next free address; throws when the range is exhausted. */
  allocate(): string {
    for (let i = 0; i < this.size; i++) {
      const off = this.next;
      this.next = this.next + 1 >= this.size - 1 ? 2 : this.next + 1;
      if (!this.used.has(off)) {
        this.used.add(off);
        return toIp(this.base + off);
      }
    }
    throw new Error('pod CIDR exhausted');
  }

  /**
   * Marks an address as taken (a sandbox adopted after an agent restart keeps its IP). Returns
   * false for an address outside the range or not assignable to pods (network, gateway, broadcast).
   */
  reserve(ip: string): boolean {
    let off: number;
    try {
      off = toInt(ip) - this.base;
    } catch {
      return false;
    }
    if (off < 2 || off >= this.size - 1) return false;
    this.used.add(off);
    return true;
  }

  /** Whether an address is currently handed out. */
  inUse(ip: string): boolean {
    try {
      return this.used.has(toInt(ip) - this.base);
    } catch {
      return false;
    }
  }

  /** Returns an address to the pool. */
  release(ip: string): void {
    this.used.delete(toInt(ip) - this.base);
  }
}
