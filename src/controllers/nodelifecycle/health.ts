/**
 * The pure part of the node lifecycle controller (pkg/controller/nodelifecycle): when a node's
 * kubelet has stopped posting (no new Ready heartbeat and no Lease renewal within the grace
 * period, measured on the controller's own clock as upstream's probeTimestamp), its conditions go
 * Unknown; zone disruption states decide whether NoExecute taints may be applied; and the taints
 * each node should carry follow from its conditions.
 */
import type { Node, NodeCondition, Taint } from 'kubernetes-types/core/v1.js';
import { TAINT_DISK_PRESSURE, TAINT_MEMORY_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_NOT_READY, TAINT_PID_PRESSURE, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE } from './taints.js';

/** What the controller last saw of a node (upstream's nodeHealthData). */
export interface NodeHealthRecord {
  /** Ready condition's lastHeartbeatTime as last observed (or written by us) */
  heartbeat?: string;
  /** Lease spec.renewTime as last observed */
  leaseRenew?: string;
  /** controller-clock time (ms) of the last observed sign of life */
  probeMs: number;
}

/**
 * Updates the record from the node and its Lease: a changed heartbeat or a newer renewTime is a
 * sign of life stamped with the controller's clock; the first observation starts a full grace
 * period (as after a controller restart upstream).
 */
export function observeNode(rec: NodeHealthRecord | undefined, node: Node, leaseRenewTime: string | undefined, nowMs: number): NodeHealthRecord {
  const heartbeat = readyCondition(node)?.lastHeartbeatTime;
  if (!rec) return { heartbeat, leaseRenew: leaseRenewTime, probeMs: nowMs };
  const next = { ...rec };
  if (heartbeat !== rec.heartbeat) {
    next.heartbeat = heartbeat;
    next.probeMs = nowMs;
  }
  if (leaseRenewTime && (!rec.leaseRenew || Date.parse(leaseRenewTime) > Date.parse(rec.leaseRenew))) {
    next.leaseRenew = leaseRenewTime;
    next.probeMs = nowMs;
  }
  return next;
}

/** The node's Ready condition. */
export function readyCondition(node: Node): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

/** Options of the health decision (kube-controller-manager flags). */
export interface HealthOptions {
  /** --node-monitor-grace-period (default 40 s) */
  gracePeriodMs: number;
  /** --node-startup-grace-period (default 60 s): for nodes that never posted Ready */
  startupGracePeriodMs: number;
}

/** The verdict for one node. */
export interface HealthDecision {
  /** the new conditions when they must be written, else undefined */
  conditions?: NodeCondition[];
  /** re-check after this long (the grace period has not run out yet) */
  recheckAfterMs?: number;
}

/** Conditions besides Ready that the controller also marks Unknown (NetworkUnavailable is left alone, as upstream). */
const REMAINING = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];
const NEVER = { reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' };
const STOPPED = { reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' };

/**
 * tryUpdateNodeHealth: once `probeMs + grace` has passed, Ready and the pressure conditions
 * become Unknown (NodeStatusUnknown, or NodeStatusNeverUpdated for conditions never posted, whose
 * heartbeat is the node's creation time); lastTransitionTime is `now` only for real transitions.
 */
export function decideNodeHealth(node: Node, rec: NodeHealthRecord, nowMs: number, opts: HealthOptions): HealthDecision {
  const ready = readyCondition(node);
  const grace = ready ? opts.gracePeriodMs : opts.startupGracePeriodMs;
  const deadline = rec.probeMs + grace;
  if (nowMs <= deadline) return { recheckAfterMs: deadline - nowMs + 1 };
  const now = rfc3339(nowMs);
  const created = node.metadata?.creationTimestamp;
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of ['Ready', ...REMAINING]) {
    const cur = conditions.find((c) => c.type === type);
    if (!cur) {
      conditions.push({ type, status: 'Unknown', ...NEVER, ...(created ? { lastHeartbeatTime: created } : {}), lastTransitionTime: now });
      changed = true;
    } else if (cur.status !== 'Unknown') {
      Object.assign(cur, { status: 'Unknown', ...STOPPED, lastTransitionTime: now });
      changed = true;
    }
  }
  return changed ? { conditions } : {};
}

/** Zone states of upstream's ComputeZoneState. */
export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** How NoExecute tainting proceeds for a node given the zone states. */
export type TaintMode = 'normal' | 'frozen' | 'off';

/** Options of the disruption handling (upstream defaults 0.55 and 50). */
export interface ZoneOptions {
  unhealthyZoneThreshold: number;
  largeClusterSizeThreshold: number;
}

/** utilnode.GetZoneKey: region and zone labels (failure-domain betas as fallback). */
export function zoneKey(node: Node): string {
  const l = node.metadata?.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region || zone ? `${region}:\u0000:${zone}` : '';
}

/** ComputeZoneState: all not ready → FullDisruption; more than 2 and ≥ threshold not ready → PartialDisruption. */
export function zoneState(readyCount: number, notReadyCount: number, threshold: number): ZoneState {
  if (readyCount === 0 && notReadyCount > 0) return 'FullDisruption';
  if (notReadyCount > 2 && notReadyCount / (notReadyCount + readyCount) >= threshold) return 'PartialDisruption';
  return 'Normal';
}

/**
 * handleDisruption + setLimiterInZone as a per-node verdict: when every zone is fully disrupted
 * the controller assumes its own connectivity is the problem and stops NoExecute tainting ('off',
 * taints removed); a partially disrupted small zone gets rate 0 ('frozen': no new taints);
 * otherwise tainting proceeds.
 */
export function taintModes(nodes: readonly Node[], opts: ZoneOptions): Map<string, TaintMode> {
  const zones = new Map<string, { ready: number; notReady: number; nodes: string[] }>();
  for (const n of nodes) {
    const k = zoneKey(n);
    let z = zones.get(k);
    if (!z) zones.set(k, (z = { ready: 0, notReady: 0, nodes: [] }));
    if (readyCondition(n)?.status === 'True') z.ready++;
    else z.notReady++;
    z.nodes.push(n.metadata?.name ?? '');
  }
  const states = new Map([...zones].map(([k, z]) => [k, zoneState(z.ready, z.notReady, opts.unhealthyZoneThreshold)] as const));
  const allFull = zones.size > 0 && [...states.values()].every((s) => s === 'FullDisruption');
  const out = new Map<string, TaintMode>();
  for (const [k, z] of zones) {
    const s = states.get(k);
    const mode: TaintMode = allFull ? 'off' : s === 'PartialDisruption' && z.nodes.length <= opts.largeClusterSizeThreshold ? 'frozen' : 'normal';
    for (const name of z.nodes) out.set(name, mode);
  }
  return out;
}

/** Condition → taint key for the NoSchedule taints of TaintNodesByCondition. */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
};

/**
 * The controller-owned taints a node should carry: NoSchedule ones from its conditions and
 * spec.unschedulable; NoExecute not-ready (Ready False) or unreachable (Ready Unknown), subject
 * to the taint mode ('frozen' keeps whatever NoExecute taints are there unless the node is Ready).
 */
export function desiredTaints(node: Node, mode: TaintMode): Taint[] {
  const out: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) out.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  const ready = readyCondition(node)?.status;
  if (ready === undefined || ready === 'True' || mode === 'off') return out;
  if (mode === 'frozen') {
    for (const t of node.spec?.taints ?? []) if (t.effect === 'NoExecute' && (t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE)) out.push({ key: t.key, effect: 'NoExecute' });
    return out;
  }
  out.push({ key: ready === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE, effect: 'NoExecute' });
  return out;
}

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
