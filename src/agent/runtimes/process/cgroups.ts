/**
 * cgroup v1 for containers: one leaf per container at the absolute path
 * `/sys/fs/cgroup/<controller>/<root>/pod<uid>/<container>` in the memory, cpu, cpuacct and pids
 * hierarchies (absolute, so it does not depend on the agent's own cgroup). Limits follow
 * kubelet's CRI mapping: memory.limit_in_bytes = limits.memory; cfs quota = limits.cpu × period
 * (period 100 ms); cpu.shares = requests.cpu × 1024 (minimum 2, as for BestEffort).
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Container } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../../api/validation/quantity.js';
import { isErrno } from './host.js';

/** The v1 controllers a container joins. */
export const controllers = ['memory', 'cpu', 'cpuacct', 'pids'] as const;
/** One of the joined controllers. */
export type Controller = (typeof controllers)[number];

const fsRoot = '/sys/fs/cgroup';
const cfsPeriodUs = 100_000;

/** True when this host has the v1 hierarchies the runtime uses. */
export function cgroupV1Available(): boolean {
  return controllers.every((c) => existsSync(join(fsRoot, c, 'cgroup.procs')));
}

/** A container's cgroup: the relative path shared by every controller. */
export class ContainerCgroup {
  constructor(readonly relPath: string) {}

  /** The directory of one controller. */
  dir(c: Controller): string {
    return join(fsRoot, c, this.relPath);
  }

  /** The cgroup.procs files a launcher writes its PID into before exec. */
  procsFiles(): string[] {
    return controllers.map((c) => join(this.dir(c), 'cgroup.procs'));
  }

  /** Creates the directories and writes the container's limits. */
  create(container: Container): void {
    for (const c of controllers) mkdirSync(this.dir(c), { recursive: true });
    const limits = container.resources?.limits ?? {};
    const requests = container.resources?.requests ?? {};
    const mem = limits.memory !== undefined ? parseQuantity(limits.memory) : undefined;
    if (mem !== undefined && mem > 0) writeFileSync(join(this.dir('memory'), 'memory.limit_in_bytes'), String(Math.floor(mem)));
    const cpuLimit = limits.cpu !== undefined ? parseQuantity(limits.cpu) : undefined;
    if (cpuLimit !== undefined && cpuLimit > 0) {
      writeFileSync(join(this.dir('cpu'), 'cpu.cfs_period_us'), String(cfsPeriodUs));
      // The kernel's minimum quota is 1 ms, as kubelet's MilliCPUToQuota clamps it.
      writeFileSync(join(this.dir('cpu'), 'cpu.cfs_quota_us'), String(Math.max(1000, Math.round(cpuLimit * cfsPeriodUs))));
    }
    // API defaulting copies limits to missing requests; a container with neither gets 2 shares.
    const cpuReq = requests.cpu !== undefined ? parseQuantity(requests.cpu) : cpuLimit;
    writeFileSync(join(this.dir('cpu'), 'cpu.shares'), String(Math.max(2, Math.round((cpuReq ?? 0) * 1024))));
  }

  /** The PIDs in the cgroup (memory hierarchy; every process joins all controllers). */
  pids(): number[] {
    try {
      return readFileSync(join(this.dir('memory'), 'cgroup.procs'), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map(Number);
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return [];
      throw e;
    }
  }

  /** True when the kernel's OOM killer killed a process of this cgroup (v1 oom_kill is per cgroup). */
  oomKilled(): boolean {
    const m = /^oom_kill (\d+)$/m.exec(readOr(join(this.dir('memory'), 'memory.oom_control')));
    return m !== null && Number(m[1]) > 0;
  }

  /** Total CPU time consumed, in nanoseconds. */
  cpuUsageNs(): number {
    return Number(readOr(join(this.dir('cpuacct'), 'cpuacct.usage'), '0').trim()) || 0;
  }

  /** Working set as kubelet/cAdvisor compute it: usage minus inactive file cache. */
  memoryWorkingSet(): number {
    const usage = Number(readOr(join(this.dir('memory'), 'memory.usage_in_bytes'), '0').trim()) || 0;
    const m = /^total_inactive_file (\d+)$/m.exec(readOr(join(this.dir('memory'), 'memory.stat')));
    const inactive = m ? Number(m[1]) : 0;
    return Math.max(0, usage - inactive);
  }

  /** Removes the leaf directories and the pod directory once empty; true when all are gone. */
  remove(): boolean {
    let ok = true;
    for (const c of controllers) {
      const d = this.dir(c);
      for (const p of [d, join(d, '..')]) {
        try {
          rmdirSync(p);
        } catch (e) {
          if (isErrno(e, 'ENOENT')) continue;
          if (p === d) ok = false; // EBUSY: exiting tasks still leaving
          break;
        }
      }
    }
    return ok;
  }
}

function readOr(path: string, fallback = ''): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** The init process (PID 1) of a container's PID namespace among `pids`, seen from the host. */
export function namespaceInit(pids: number[]): number | undefined {
  return pids.find((p) => nsPids(p)?.at(-1) === 1 && (nsPids(p)?.length ?? 0) > 1);
}

/** The processes of `pids` that live inside a nested PID namespace (the workload, not its launchers). */
export function workloadPids(pids: number[]): number[] {
  return pids.filter((p) => (nsPids(p)?.length ?? 0) > 1);
}

function nsPids(pid: number): number[] | undefined {
  const m = /^NSpid:\s*(.*)$/m.exec(readOr(`/proc/${pid}/status`));
  return m?.[1] ? m[1].trim().split(/\s+/).map(Number) : undefined;
}
