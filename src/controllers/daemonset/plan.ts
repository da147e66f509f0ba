/**
 * The DaemonSet controller's decisions as pure functions (upstream daemon_controller.go manage /
 * podsShouldBeOnNode, update.go rollingUpdate, updateDaemonSetStatus): from the DaemonSet, the
 * nodes and the daemon pods grouped by node, which nodes need a pod, which pods go, and the status.
 */
import type { KubeObject } from '../../api/object.js';
import { createdMs, isPodAvailable, isPodReady, podPhase, scaledValue } from '../common/workload-helpers-ds-sts.js';
import { dsSpec, isPodUpdated, nodeShouldRunDaemonPod, REVISION_HASH_LABEL, targetNodeName, templateGeneration } from './util.js';

/** What a sync pass does: pods to create (by node) and pods to delete (by name), plus warnings. */
export interface DaemonPlan {
  nodesNeedingPods: string[];
  podsToDelete: string[];
  /** FailedDaemonPod warnings to record */
  failedPodMessages: string[];
  /** nodes whose failed pod was deleted this pass (their back-off advances) */
  backoffNodes: string[];
  /** re-check after this delay (a failed pod waiting out its back-off) */
  requeueAfterMs?: number;
}

/** podByCreationTimestampAndPhase: bound pods first, then oldest, then by name. */
export function byCreationAndPhase(a: KubeObject, b: KubeObject): number {
  const an = !!(a.spec as { nodeName?: string } | undefined)?.nodeName;
  const bn = !!(b.spec as { nodeName?: string } | undefined)?.nodeName;
  if (an !== bn) return an ? -1 : 1;
  return createdMs(a) - createdMs(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** getNodesToDaemonPods: daemon pods grouped by the node they are (or will be) on. */
export function groupByNode(pods: KubeObject[]): Map<string, KubeObject[]> {
  const m = new Map<string, KubeObject[]>();
  for (const p of pods) {
    // Terminal pods already being deleted are gone for every purpose (includeDeletedTerminal=false).
    const phase = podPhase(p);
    if ((phase === 'Succeeded' || phase === 'Failed') && p.metadata.deletionTimestamp) continue;
    const n = targetNodeName(p);
    if (!n) continue;
    let list = m.get(n);
    if (!list) m.set(n, (list = []));
    list.push(p);
  }
  return m;
}

/** util.AllowsSurge: RollingUpdate with a non-zero maxSurge. */
export function allowsSurge(ds: KubeObject): boolean {
  const us = dsSpec(ds).updateStrategy;
  return us?.type === 'RollingUpdate' && scaledValue(us.rollingUpdate?.maxSurge ?? 0, 1, true) !== 0;
}

/** Inputs shared by the plan functions. */
export interface PlanInput {
  ds: KubeObject;
  nodes: KubeObject[];
  byNode: Map<string, KubeObject[]>;
  hash: string;
  now: Date;
  /** the remaining back-off (ms) of a node whose failed pod was deleted recently, if any */
  backoffRemainingMs?: (node: string) => number | undefined;
}

/** manage: create where a pod should run and none does, delete failed, excess and misplaced pods. */
export function planManage(input: PlanInput): DaemonPlan {
  const { ds, nodes, byNode, hash, now } = input;
  const plan: DaemonPlan = { nodesNeedingPods: [], podsToDelete: [], failedPodMessages: [], backoffNodes: [] };
  const minReady = dsSpec(ds).minReadySeconds ?? 0;
  const surge = allowsSurge(ds);
  for (const node of nodes) {
    const nodeName = node.metadata.name ?? '';
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const pods = byNode.get(nodeName);
    if (shouldRun && !pods) {
      plan.nodesNeedingPods.push(nodeName);
    } else if (shouldContinueRunning) {
      const running: KubeObject[] = [];
      for (const pod of pods ?? []) {
        if (pod.metadata.deletionTimestamp) continue;
        const phase = podPhase(pod);
        if (phase === 'Failed') {
          // The DaemonSet often fights a kubelet that rejects its pod: back off per node.
          const wait = input.backoffRemainingMs?.(nodeName);
          if (wait !== undefined && wait > 0) {
            plan.requeueAfterMs = Math.min(plan.requeueAfterMs ?? wait, wait);
            continue;
          }
          plan.backoffNodes.push(nodeName);
          plan.failedPodMessages.push(`Found failed daemon pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} on node ${nodeName}, will try to kill it`);
          plan.podsToDelete.push(pod.metadata.name ?? '');
        } else if (phase === 'Succeeded') {
          plan.podsToDelete.push(pod.metadata.name ?? '');
        } else running.push(pod);
      }
      running.sort(byCreationAndPhase);
      if (!surge) {
        // More than one pod on a node: keep the oldest.
        for (const p of running.slice(1)) plan.podsToDelete.push(p.metadata.name ?? '');
        continue;
      }
      if (running.length <= 1) {
        if (running.length === 0 && shouldRun) plan.nodesNeedingPods.push(nodeName);
        continue;
      }
      // Surging: keep the oldest new pod, and the oldest old pod only while it is ready and the new one is not yet available.
      let oldestNew: KubeObject | undefined;
      let oldestOld: KubeObject | undefined;
      for (const p of running) {
        if (p.metadata.labels?.[REVISION_HASH_LABEL] === hash) {
          if (!oldestNew) {
            oldestNew = p;
            continue;
          }
        } else if (!oldestOld) {
          oldestOld = p;
          continue;
        }
        plan.podsToDelete.push(p.metadata.name ?? '');
      }
      if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReady, now))) plan.podsToDelete.push(oldestOld.metadata.name ?? '');
    } else if (pods) {
      for (const p of pods) if (!p.metadata.deletionTimestamp) plan.podsToDelete.push(p.metadata.name ?? '');
    }
  }
  // Unbound pods aimed at nodes that no longer exist.
  const known = new Set(nodes.map((n) => n.metadata.name ?? ''));
  for (const [nodeName, pods] of byNode) {
    if (known.has(nodeName)) continue;
    for (const p of pods) if (!(p.spec as { nodeName?: string } | undefined)?.nodeName && !p.metadata.deletionTimestamp) plan.podsToDelete.push(p.metadata.name ?? '');
  }
  return plan;
}

/** findUpdatedPodsOnNode: at most one new and one old live pod per node, else not ok. */
function splitNode(pods: KubeObject[], hash: string, generation: number | undefined): { newPod?: KubeObject; oldPod?: KubeObject; ok: boolean } {
  let newPod: KubeObject | undefined;
  let oldPod: KubeObject | undefined;
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    if (isPodUpdated(p, hash, generation)) {
      if (newPod) return { ok: false };
      newPod = p;
    } else {
      if (oldPod) return { ok: false };
      oldPod = p;
    }
  }
  return { newPod, oldPod, ok: true };
}

/** updatedDesiredNodeCounts: maxSurge and maxUnavailable scaled to the desired node count. */
export function desiredCounts(input: PlanInput): { maxSurge: number; maxUnavailable: number; desired: number; byNode: Map<string, KubeObject[]> } {
  const byNode = new Map(input.byNode);
  let desired = 0;
  for (const node of input.nodes) {
    if (!nodeShouldRunDaemonPod(node, input.ds).shouldRun) continue;
    desired++;
    const name = node.metadata.name ?? '';
    if (!byNode.has(name)) byNode.set(name, []);
  }
  const ru = dsSpec(input.ds).updateStrategy?.rollingUpdate;
  let maxUnavailable = scaledValue(ru?.maxUnavailable ?? 0, desired, true);
  const maxSurge = scaledValue(ru?.maxSurge ?? 0, desired, true);
  // An impossible configuration falls back to maxUnavailable 1.
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable, desired, byNode };
}

/**
 * rollingUpdate: without surge, delete old pods while staying within maxUnavailable (manage then
 * recreates them at the new revision); with surge, create new pods beside available old ones up
 * to maxSurge and delete each old pod once its replacement is available.
 */
export function planRollingUpdate(input: PlanInput): DaemonPlan {
  const { ds, hash, now } = input;
  const plan: DaemonPlan = { nodesNeedingPods: [], podsToDelete: [], failedPodMessages: [], backoffNodes: [] };
  const gen = templateGeneration(ds);
  const minReady = dsSpec(ds).minReadySeconds ?? 0;
  const { maxSurge, maxUnavailable, byNode } = desiredCounts(input);
  const names = [...byNode.keys()].sort();
  if (maxSurge === 0) {
    let unavailable = 0;
    const replace: string[] = [];
    const candidates: string[] = [];
    for (const nodeName of names) {
      const { newPod, oldPod, ok } = splitNode(byNode.get(nodeName) ?? [], hash, gen);
      if (!ok) {
        unavailable++;
        continue;
      }
      if ((!oldPod && !newPod) || (oldPod && newPod)) unavailable++;
      else if (newPod) {
        if (!isPodAvailable(newPod, minReady, now)) unavailable++;
      } else if (oldPod) {
        if (!isPodAvailable(oldPod, minReady, now)) replace.push(oldPod.metadata.name ?? '');
        else if (unavailable < maxUnavailable) candidates.push(oldPod.metadata.name ?? '');
      }
    }
    const room = Math.min(Math.max(maxUnavailable - unavailable, 0), candidates.length);
    plan.podsToDelete = [...replace, ...candidates.slice(0, room)];
    return plan;
  }
  let surged = 0;
  const allowed: string[] = [];
  const candidates: string[] = [];
  const nodeByName = new Map(input.nodes.map((n) => [n.metadata.name ?? '', n]));
  for (const nodeName of names) {
    const { newPod, oldPod, ok } = splitNode(byNode.get(nodeName) ?? [], hash, gen);
    if (!ok) {
      surged++;
      continue;
    }
    if (!oldPod) continue;
    if (!newPod) {
      if (!isPodAvailable(oldPod, minReady, now)) {
        const node = nodeByName.get(nodeName);
        if (!node || !nodeShouldRunDaemonPod(node, ds).shouldRun) {
          plan.podsToDelete.push(oldPod.metadata.name ?? '');
          continue;
        }
        allowed.push(nodeName);
      } else if (surged < maxSurge) candidates.push(nodeName);
      continue;
    }
    if (!isPodAvailable(newPod, minReady, now)) {
      surged++;
      continue;
    }
    plan.podsToDelete.push(oldPod.metadata.name ?? '');
  }
  const room = Math.min(Math.max(maxSurge - surged, 0), candidates.length);
  plan.nodesNeedingPods = [...allowed, ...candidates.slice(0, room)];
  return plan;
}

/** DaemonSetStatus counters as updateDaemonSetStatus computes them. */
export interface DaemonCounts {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

/** updateDaemonSetStatus: counts over the oldest pod of each node that should run one. */
export function computeStatus(input: PlanInput): DaemonCounts {
  const { ds, nodes, byNode, hash, now } = input;
  const c: DaemonCounts = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0 };
  const gen = templateGeneration(ds);
  const minReady = dsSpec(ds).minReadySeconds ?? 0;
  for (const node of nodes) {
    const pods = [...(byNode.get(node.metadata.name ?? '') ?? [])].sort(byCreationAndPhase);
    const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
    const oldest = pods[0];
    if (!shouldRun) {
      if (oldest) c.numberMisscheduled++;
      continue;
    }
    c.desiredNumberScheduled++;
    if (!oldest) continue;
    c.currentNumberScheduled++;
    if (isPodReady(oldest)) {
      c.numberReady++;
      if (isPodAvailable(oldest, minReady, now)) c.numberAvailable++;
    }
    if (isPodUpdated(oldest, hash, gen)) c.updatedNumberScheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}
