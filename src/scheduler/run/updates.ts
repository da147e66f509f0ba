/**
 * What the running scheduler writes to the API and how it decides which watch events matter:
 * the Binding, the PodScheduled=False status patch (skipped when nothing changed, as upstream's
 * updatePod does), the DisruptionTarget condition of preemption victims, and the node/pod
 * changes that can make a parked pod schedulable (upstream's nodeSchedulingPropertiesChange and
 * isPodUpdated, which ignore heartbeats and status-only writes).
 */
import type { Node, Pod, PodCondition } from 'kubernetes-types/core/v1.js';

/** The core/v1 Binding the default binder POSTs to pods/<name>/binding. */
export function bindingFor(pod: Pod, nodeName: string): Record<string, unknown> {
  const meta = pod.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Binding',
    // The uid guards against binding a pod that was deleted and re-created under the same name.
    metadata: { name: meta.name, namespace: meta.namespace, ...(meta.uid ? { uid: meta.uid } : {}) },
    target: { kind: 'Node', name: nodeName },
  };
}

/**
 * The strategic-merge patch of pods/<name>/status setting PodScheduled=False with the reason and
 * message, plus nominatedNodeName after a preemption; undefined when the pod already says so.
 */
export function unschedulablePatch(pod: Pod, reason: string, message: string, now: Date, nominatedNodeName?: string): Record<string, unknown> | undefined {
  const cur = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
  const nominatedSame = nominatedNodeName === undefined || pod.status?.nominatedNodeName === nominatedNodeName;
  if (cur && cur.status === 'False' && cur.reason === reason && cur.message === message && nominatedSame) return undefined;
  const cond: PodCondition = {
    type: 'PodScheduled',
    status: 'False',
    // lastTransitionTime moves only when the status flips (upstream podutil.UpdatePodCondition).
    lastTransitionTime: cur && cur.status === 'False' && cur.lastTransitionTime ? cur.lastTransitionTime : now.toISOString().replace(/\.\d+Z$/, 'Z'),
    reason,
    message,
  };
  const status: Record<string, unknown> = { conditions: [{ ...cond, lastProbeTime: null }] };
  if (nominatedNodeName !== undefined) status.nominatedNodeName = nominatedNodeName;
  return { status };
}

/** The DisruptionTarget condition upstream adds to a victim before deleting it. */
export function preemptedPatch(schedulerName: string, now: Date): Record<string, unknown> {
  return {
    status: {
      conditions: [
        {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'PreemptionByScheduler',
          message: `${schedulerName}: preempting to accommodate a higher priority pod`,
          lastProbeTime: null,
          lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z'),
        },
      ],
    },
  };
}

function readyOf(n: Node): string {
  return (n.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status ?? '';
}

/** The parts of a Node that scheduling reads: a change elsewhere (heartbeats) is not an event. */
export function nodeSchedulingFacts(n: Node): string {
  return JSON.stringify([
    n.metadata?.labels ?? {},
    n.spec?.taints ?? [],
    n.spec?.unschedulable ?? false,
    n.status?.allocatable ?? {},
    readyOf(n),
    (n.status?.images ?? []).length,
  ]);
}

/** The parts of a Pod a user update may change to fix scheduling (spec, labels, annotations). */
export function podSchedulingFacts(p: Pod): string {
  return JSON.stringify([p.spec ?? {}, p.metadata?.labels ?? {}, p.metadata?.annotations ?? {}, p.metadata?.deletionTimestamp ?? '']);
}

/** `namespace/name` of a pod, as the scheduler cache keys it. */
export function podKey(p: Pod): string {
  return `${p.metadata?.namespace ?? 'default'}/${p.metadata?.name ?? ''}`;
}
