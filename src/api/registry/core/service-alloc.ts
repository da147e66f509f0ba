/**
 * ClusterIP and NodePort allocation for Services, as kube-apiserver's service REST storage does
 * with its ipallocator/portallocator: requested values are checked against the range and every
 * other Service; missing ones are picked from the free space. State is derived from the stored
 * Services (ctx.list) plus short-lived in-process reservations, under one mutex, so two
 * concurrent creates cannot take the same address before either is stored.
 */
import type { KubeObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field, GoLiteral } from '../../field.js';
import type { RegistryContext } from '../../resource.js';
import { goStringSlice } from '../../validation/util.js';
import { list, str, view } from './helpers.js';

type Obj = Record<string, unknown>;

export interface AllocatorOptions {
  /** service CIDR (IPv4), default 10.96.0.0/12 as kubeadm's --service-cluster-ip-range */
  serviceCIDR?: string;
  /** --service-node-port-range, default 30000-32767 */
  nodePortRange?: [number, number];
  /** how long a handed-out value stays reserved while its Service is being stored */
  holdMs?: number;
  now?: () => number;
}

function ipToNum(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function numToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** NodePort and LoadBalancer services (unless allocateLoadBalancerNodePorts=false) get node ports. */
export function needsNodePorts(spec: Obj): boolean {
  if (spec.type === 'NodePort') return true;
  return spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false;
}

/** Allocates cluster IPs and node ports for Services (one instance per API server). */
export class ServiceAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly cidr: string;
  private readonly portRange: [number, number];
  private readonly holdMs: number;
  private readonly now: () => number;
  private readonly heldIPs = new Map<string, { key: string; until: number }>();
  private readonly heldPorts = new Map<number, { key: string; until: number }>();
  private lock: Promise<unknown> = Promise.resolve();

  constructor(opts: AllocatorOptions = {}) {
    this.cidr = opts.serviceCIDR ?? '10.96.0.0/12';
    const [addr, bits] = this.cidr.split('/');
    const prefix = Number(bits);
    this.size = 2 ** (32 - prefix);
    this.base = Math.floor((ipToNum(addr ?? '') ?? 0) / this.size) * this.size;
    this.portRange = opts.nodePortRange ?? [30000, 32767];
    this.holdMs = opts.holdMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** The address CoreDNS conventionally takes (x.x.0.10); only handed out when requested. */
  get dnsIP(): string {
    return numToIp(this.base + 10);
  }

  /** Runs fn alone: allocations never interleave. */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.lock;
    let release!: () => void;
    this.lock = new Promise<void>((r) => (release = r));
    try {
      await prev.catch(() => undefined);
      return await fn();
    } finally {
      release();
    }
  }

  /** Fills in spec.clusterIP(s), ipFamilies and node ports; returns upstream-worded field errors. */
  allocate(svc: KubeObject, old: KubeObject | undefined, ctx: RegistryContext): Promise<FieldError[]> {
    return this.exclusive(() => this.allocateLocked(svc, old, ctx));
  }

  private async allocateLocked(svc: KubeObject, old: KubeObject | undefined, ctx: RegistryContext): Promise<FieldError[]> {
    const spec = view(svc.spec);
    if (spec.type === 'ExternalName') return [];
    const key = `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
    const now = this.now();
    const usedIPs = new Set<string>();
    const usedPorts = new Set<number>();
    // Values each stored Service holds, keyed by namespace/name.
    const stored = new Map<string, { ips: Set<string>; ports: Set<number> }>();
    for (const o of await ctx.list('', 'services')) {
      const s = view(o.spec);
      const ips = new Set([str(s.clusterIP), ...list(s.clusterIPs).map(str)].filter((ip) => ip && ip !== 'None'));
      const ports = new Set(list(s.ports).map(view).map((p) => Number(p.nodePort ?? 0)).filter((p) => p > 0));
      if (typeof s.healthCheckNodePort === 'number') ports.add(s.healthCheckNodePort);
      const k = `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
      stored.set(k, { ips, ports });
      if (k === key) continue;
      for (const ip of ips) usedIPs.add(ip);
      for (const p of ports) usedPorts.add(p);
    }
    // A reservation ends when it expires or once the store shows its Service holding the value
    // (after that the store is authoritative, and deleting the Service frees the value at once).
    for (const [ip, h] of this.heldIPs) {
      if (h.until < now || stored.get(h.key)?.ips.has(ip)) this.heldIPs.delete(ip);
      else if (h.key !== key) usedIPs.add(ip);
    }
    for (const [port, h] of this.heldPorts) {
      if (h.until < now || stored.get(h.key)?.ports.has(port)) this.heldPorts.delete(port);
      else if (h.key !== key) usedPorts.add(port);
    }
    const errs: FieldError[] = [];
    const newIPs: string[] = [];
    const newPorts: number[] = [];
    const oldSpec = old ? view(old.spec) : undefined;
    const alreadyHasIP = oldSpec && oldSpec.type !== 'ExternalName' && str(oldSpec.clusterIP) !== '' && str(spec.clusterIP) === str(oldSpec.clusterIP);

    if (!alreadyHasIP) {
      const requested = str(spec.clusterIP) || str(list(spec.clusterIPs)[0]);
      if (requested === 'None') {
        spec.clusterIP = 'None';
        spec.clusterIPs = ['None'];
      } else if (requested) {
        const n = ipToNum(requested);
        const fail = (why: string): FieldError =>
          field.invalid('spec.clusterIPs', new GoLiteral(goStringSlice([requested])), `failed to allocate IP ${requested}: ${why}`);
        if (n === undefined || n < this.base || n >= this.base + this.size) {
          errs.push(fail(`the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.cidr}`));
        } else if (usedIPs.has(requested)) {
          errs.push(fail('provided IP is already allocated'));
        } else {
          spec.clusterIP = requested;
          spec.clusterIPs = [requested];
          newIPs.push(requested);
        }
      } else {
        // Dynamic: skip the network address, .1 (the kubernetes Service), .10 (cluster DNS) and broadcast.
        let picked: string | undefined;
        for (let off = 2; off < this.size - 1; off++) {
          if (off === 10) continue;
          const ip = numToIp(this.base + off);
          if (!usedIPs.has(ip)) {
            picked = ip;
            break;
          }
        }
        if (!picked) errs.push(field.invalid('spec.clusterIPs', new GoLiteral('[]string(nil)'), 'failed to allocate a serviceIP: range is full'));
        else {
          spec.clusterIP = picked;
          spec.clusterIPs = [picked];
          newIPs.push(picked);
        }
      }
    }
    if (spec.ipFamilies === undefined) spec.ipFamilies = ['IPv4'];
    if (spec.ipFamilyPolicy === undefined) spec.ipFamilyPolicy = 'SingleStack';

    if (needsNodePorts(spec)) {
      const [lo, hi] = this.portRange;
      const mine = new Set<number>();
      const ports = list(spec.ports).map(view);
      const nextFree = (): number | undefined => {
        for (let p = lo; p <= hi; p++) if (!usedPorts.has(p) && !mine.has(p)) return p;
        return undefined;
      };
      const claim = (p: number, path: string): boolean => {
        if (p < lo || p > hi) {
          errs.push(field.invalid(path, p, `provided port is not in the valid range. The range of valid ports is ${lo}-${hi}`));
          return false;
        }
        if (usedPorts.has(p)) {
          errs.push(field.invalid(path, p, 'provided port is already allocated'));
          return false;
        }
        mine.add(p);
        return true;
      };
      const oldPorts = new Set(list(oldSpec?.ports).map(view).map((p) => Number(p.nodePort ?? 0)));
      ports.forEach((p, i) => {
        const np = Number(p.nodePort ?? 0);
        if (np > 0) {
          if (!mine.has(np) && claim(np, `spec.ports[${i}].nodePort`) && !oldPorts.has(np)) newPorts.push(np);
        }
      });
      ports.forEach((p) => {
        if (Number(p.nodePort ?? 0) > 0) return;
        // The same port number over two protocols shares one node port (findRequestedNodePort).
        const twin = ports.find((q) => q !== p && q.port === p.port && Number(q.nodePort ?? 0) > 0);
        const np = twin ? Number(twin.nodePort) : nextFree();
        if (np === undefined) return void errs.push(field.invalid('spec.ports', null, 'failed to allocate a nodePort: range is full'));
        p.nodePort = np;
        mine.add(np);
        newPorts.push(np);
      });
      if (spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local') {
        const hc = Number(spec.healthCheckNodePort ?? 0);
        if (hc > 0) {
          if (hc !== Number(oldSpec?.healthCheckNodePort ?? 0) && claim(hc, 'spec.healthCheckNodePort')) newPorts.push(hc);
        } else {
          const np = nextFree();
          if (np !== undefined) {
            spec.healthCheckNodePort = np;
            mine.add(np);
            newPorts.push(np);
          }
        }
      }
    }
    if (errs.length === 0 && !ctx.dryRun) {
      const until = now + this.holdMs;
      for (const ip of newIPs) this.heldIPs.set(ip, { key, until });
      for (const p of newPorts) this.heldPorts.set(p, { key, until });
    }
    return errs;
  }
}
