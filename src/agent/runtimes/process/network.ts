/**
 * Pod sandboxes' networking, laid out like the CNI `bridge` plugin with host-local IPAM: one
 * bridge per node whose address is the first IP of the podCIDR (the pods' gateway), and per pod
 * a network namespace `kl-<podUID8>` holding `eth0`, the peer of a host veth `vkl<podUID8>` that
 * is a bridge port with hairpin on (so a pod can reach itself through a Service VIP). Nothing
 * here routes traffic off the machine: pod-to-pod traffic is L2 switching on the bridge.
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isErrno, run } from './host.js';

/** The node-level network settings. */
export interface NetworkConfig {
  /** bridge name (default kubeling0) */
  bridge: string;
  /** the node's pod CIDR, e.g. 10.244.0.0/24 */
  podCIDR: string;
  /** path of the `ip` tool */
  ip: string;
}

/** The host-side names of one pod's network. */
export interface PodNetNames {
  netns: string;
  veth: string;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);
}

function intToIp(n: number): string {
  return [Math.floor(n / 2 ** 24) % 256, Math.floor(n / 65_536) % 256, Math.floor(n / 256) % 256, n % 256].join('.');
}

/** The gateway (first usable address) and prefix length of a CIDR. */
export function gatewayOf(cidr: string): { gateway: string; prefix: number } {
  const [addr, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (!addr || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new Error(`unsupported pod CIDR ${cidr}`);
  const size = 2 ** (32 - prefix);
  const base = ipToInt(addr) - (ipToInt(addr) % size);
  return { gateway: intToIp(base + 1), prefix };
}

/** The netns and veth names of a pod (interface names must fit in 15 bytes). */
export function podNetNames(podUid: string): PodNetNames {
  const short = podUid.replace(/-/g, '').slice(0, 8);
  return { netns: `kl-${short}`, veth: `vkl${short}` };
}

/** The path `nsenter --net=` takes for a named netns. */
export function netnsPath(netns: string): string {
  return `/var/run/netns/${netns}`;
}

/**
 * The pod's /etc/hosts as kubelet writes it (kubelet's managedHostsFileContent): localhost
 * entries, the pod's own IP with its hostname (FQDN first when it has a subdomain), then
 * hostAliases.
 */
export function hostsFileContent(pod: Pod, podIP: string, clusterDomain = 'cluster.local'): string {
  const hostname = podHostname(pod);
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  const sub = pod.spec?.subdomain;
  if (sub) lines.push(`${podIP}\t${hostname}.${sub}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}\t${hostname}`);
  else lines.push(`${podIP}\t${hostname}`);
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length > 0) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of aliases) lines.push(`${a.ip}\t${(a.hostnames ?? []).join('\t')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The pod's hostname: spec.hostname, else the pod name, cut to 63 characters like kubelet does. */
export function podHostname(pod: Pod): string {
  const h = pod.spec?.hostname ?? pod.metadata?.name ?? 'pod';
  return h.slice(0, 63).replace(/[-.]+$/, '');
}

/** Creates, repairs and removes pod networks on the node bridge. */
export class PodNetwork {
  private bridgeReady: Promise<void> | undefined;

  constructor(private readonly cfg: NetworkConfig) {}

  /** Ensures the bridge exists with the gateway address and is up (idempotent). */
  ensureBridge(): Promise<void> {
    this.bridgeReady ??= this.setupBridge().catch((e: unknown) => {
      this.bridgeReady = undefined;
      throw e;
    });
    return this.bridgeReady;
  }

  private async setupBridge(): Promise<void> {
    const { ip, bridge } = this.cfg;
    const { gateway, prefix } = gatewayOf(this.cfg.podCIDR);
    if (!existsSync(`/sys/class/net/${bridge}`)) {
      try {
        await run(ip, ['link', 'add', bridge, 'type', 'bridge']);
      } catch (e) {
        if (!existsSync(`/sys/class/net/${bridge}`)) throw e; // lost a race with another agent: fine
      }
    }
    const addrs = await run(ip, ['-o', '-4', 'addr', 'show', 'dev', bridge]);
    if (!addrs.stdout.includes(` ${gateway}/${prefix} `)) await run(ip, ['addr', 'add', `${gateway}/${prefix}`, 'dev', bridge]);
    await run(ip, ['link', 'set', 'dev', bridge, 'up']);
    // NetworkPolicy rules live in iptables FORWARD; bridged pod traffic only reaches them when
    // br_netfilter hands bridged frames to iptables, so kubelet-style setups force this on.
    try {
      writeFileSync('/proc/sys/net/bridge/bridge-nf-call-iptables', '1');
    } catch (e) {
      if (!isErrno(e, 'ENOENT')) throw e;
    }
  }

  /** Creates the pod's netns, veth pair, address, loopback and default route. */
  async setup(names: PodNetNames, podIP: string): Promise<void> {
    await this.ensureBridge();
    const { ip, bridge } = this.cfg;
    const { gateway, prefix } = gatewayOf(this.cfg.podCIDR);
    await this.teardown(names); // a half-made leftover of a crashed attempt
    await run(ip, ['netns', 'add', names.netns]);
    try {
      await run(ip, ['link', 'add', names.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', names.netns]);
      await run(ip, ['link', 'set', 'dev', names.veth, 'master', bridge, 'up']);
      // Hairpin lets a pod reach itself through a Service VIP (traffic goes out and back the same port).
      writeFileSync(`/sys/class/net/${names.veth}/brport/hairpin_mode`, '1');
      await run(ip, ['-n', names.netns, '-batch', '-'], [`addr add ${podIP}/${prefix} dev eth0`, 'link set lo up', 'link set eth0 up', `route add default via ${gateway}`, ''].join('\n'));
    } catch (e) {
      await this.teardown(names);
      throw e;
    }
  }

  /** True when the pod's netns still exists (used when re-adopting a sandbox). */
  exists(names: PodNetNames): boolean {
    return existsSync(netnsPath(names.netns));
  }

  /** Deletes the netns (which destroys eth0 and so its veth peer) and any stray host veth. */
  async teardown(names: PodNetNames): Promise<void> {
    const { ip } = this.cfg;
    if (existsSync(netnsPath(names.netns))) await run(ip, ['netns', 'del', names.netns]).catch(() => undefined);
    if (existsSync(`/sys/class/net/${names.veth}`)) await run(ip, ['link', 'del', names.veth]).catch(() => undefined);
  }

  /** Removes the bridge (tests only: a real node keeps it). */
  async removeBridge(): Promise<void> {
    if (existsSync(`/sys/class/net/${this.cfg.bridge}`)) await run(this.cfg.ip, ['link', 'del', this.cfg.bridge]).catch(() => undefined);
    this.bridgeReady = undefined;
  }
}
