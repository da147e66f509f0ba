/**
 * Node pressure conditions from real measurements, as kubelet's eviction manager judges them
 * with its default hard thresholds (memory.available<100Mi, nodefs.available<10%,
 * nodefs.inodesFree<5%, pid.available<10% of pid_max) and its node status setters
 * (pkg/kubelet/nodestatus/setters.go) word them.
 */
import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import { k8sTime } from './status.js';

/** One sample of what the eviction signals are computed from. */
export interface NodeMeasurements {
  /** memory.available: MemAvailable of /proc/meminfo */
  memoryAvailableBytes: number;
  /** nodefs: the filesystem holding the agent's data dir */
  nodefsAvailableBytes: number;
  nodefsCapacityBytes: number;
  nodefsInodesFree: number;
  nodefsInodes: number;
  /** processes running and the kernel's pid_max */
  pidsInUse: number;
  pidMax: number;
}

/** A source of measurements (tests inject a fake one). */
export type MeasurementSource = () => NodeMeasurements;

/** Hard eviction thresholds (kubelet's --eviction-hard defaults). */
export interface PressureThresholds {
  memoryAvailableBytes: number;
  nodefsAvailablePercent: number;
  nodefsInodesFreePercent: number;
  pidAvailablePercent: number;
}

/** kubelet's defaults: memory.available<100Mi, nodefs.available<10%, nodefs.inodesFree<5%, pid.available<10%. */
export const defaultThresholds: PressureThresholds = {
  memoryAvailableBytes: 100 * 1024 * 1024,
  nodefsAvailablePercent: 10,
  nodefsInodesFreePercent: 5,
  pidAvailablePercent: 10,
};

/** Which pressures hold for a sample. */
export interface Pressures {
  memory: boolean;
  disk: boolean;
  pid: boolean;
}

/** Evaluates the thresholds; an unknown total (0) never signals pressure. */
export function pressuresOf(m: NodeMeasurements, t: PressureThresholds = defaultThresholds): Pressures {
  const below = (avail: number, total: number, pct: number): boolean => total > 0 && avail < (total * pct) / 100;
  return {
    memory: m.memoryAvailableBytes < t.memoryAvailableBytes,
    disk: below(m.nodefsAvailableBytes, m.nodefsCapacityBytes, t.nodefsAvailablePercent) || below(m.nodefsInodesFree, m.nodefsInodes, t.nodefsInodesFreePercent),
    pid: below(m.pidMax - m.pidsInUse, m.pidMax, t.pidAvailablePercent),
  };
}

/** A NodeCondition as written into status.conditions. */
export interface NodeConditionValue {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastHeartbeatTime: string;
  lastTransitionTime: string;
}

/**
 * The four node conditions for the given pressures. `readySuffix` is appended to the Ready
 * message the way kubelet appends ". AppArmor enabled". A condition whose status did not change
 * keeps its previous lastTransitionTime (kubelet only moves it on a transition).
 */
export function nodeConditions(p: Pressures, now: number, previous: readonly NodeConditionValue[] = [], readySuffix?: string): NodeConditionValue[] {
  const t = k8sTime(now);
  const c = (type: string, status: 'True' | 'False', reason: string, message: string): NodeConditionValue => {
    const prev = previous.find((x) => x.type === type);
    return { type, status, reason, message, lastHeartbeatTime: t, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : t };
  };
  return [
    p.memory ? c('MemoryPressure', 'True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available') : c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    p.disk ? c('DiskPressure', 'True', 'KubeletHasDiskPressure', 'kubelet has disk pressure') : c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    p.pid ? c('PIDPressure', 'True', 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available') : c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', `kubelet is posting ready status${readySuffix ? `. ${readySuffix}` : ''}`),
  ];
}

/** Parses MemAvailable (kB) out of /proc/meminfo text; undefined when absent. */
export function parseMemAvailable(meminfo: string): number | undefined {
  const m = /^MemAvailable:\s+(\d+)\s*kB/m.exec(meminfo);
  return m ? Number(m[1]) * 1024 : undefined;
}

/**
 * Measurements of this machine: /proc/meminfo, statfs of `dataDir`, the numeric entries of /proc
 * against /proc/sys/kernel/pid_max. A signal that cannot be read reports no pressure.
 */
export function hostMeasurements(dataDir: string): MeasurementSource {
  return () => {
    const m: NodeMeasurements = { memoryAvailableBytes: Number.MAX_SAFE_INTEGER, nodefsAvailableBytes: 0, nodefsCapacityBytes: 0, nodefsInodesFree: 0, nodefsInodes: 0, pidsInUse: 0, pidMax: 0 };
    try {
      m.memoryAvailableBytes = parseMemAvailable(readFileSync('/proc/meminfo', 'utf8')) ?? m.memoryAvailableBytes;
    } catch {
      /* not Linux: no memory signal */
    }
    try {
      const s = statfsSync(dataDir);
      m.nodefsAvailableBytes = s.bavail * s.bsize;
      m.nodefsCapacityBytes = s.blocks * s.bsize;
      m.nodefsInodesFree = s.ffree;
      m.nodefsInodes = s.files;
    } catch {
      /* data dir not there yet */
    }
    try {
      m.pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim()) || 0;
      m.pidsInUse = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).length;
    } catch {
      m.pidMax = 0;
    }
    return m;
  };
}
