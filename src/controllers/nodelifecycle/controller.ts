/**
 * The node lifecycle controller with its NoExecute taint manager (pkg/controller/nodelifecycle and
 * pkg/controller/tainteviction). Two queues: node names, whose reconcile updates the node's
 * health conditions, its controller-owned taints and its pods' Ready condition; and pod keys,
 * whose reconcile deletes pods that do not (or no longer) tolerate the node's NoExecute taints.
 * Handlers only enqueue; the decisions are the pure functions of health.ts and taints.ts.
 */
import type { Node, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { objectKey, splitKey } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { EventRecorder } from '../../client/events.js';
import type { Controller, ControllerContext } from '../common/controller.js';
import { runWorkers, type ReconcileResult } from '../common/worker.js';
import { decideNodeHealth, desiredTaints, observeNode, readyCondition, rfc3339, taintModes, zoneKey, type HealthOptions, type NodeHealthRecord, type TaintMode, type ZoneOptions } from './health.js';
import { decideTaintEviction, noExecuteTaints, reconcileTaints } from './taints.js';

const NODES = { group: '', version: 'v1', resource: 'nodes' } as const;
const PODS = { group: '', version: 'v1', resource: 'pods' } as const;
const LEASES = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' } as const;
const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const BY_NODE = 'nodelifecycle/spec.nodeName';

/** Flags of the controller, with kube-controller-manager's defaults. */
export interface NodeLifecycleOptions {
  /** --node-monitor-grace-period (default 40 s) */
  nodeMonitorGracePeriodMs?: number;
  /** --node-startup-grace-period (default 60 s) */
  nodeStartupGracePeriodMs?: number;
  /** --unhealthy-zone-threshold (default 0.55) */
  unhealthyZoneThreshold?: number;
  /** --large-cluster-size-threshold (default 50) */
  largeClusterSizeThreshold?: number;
  workers?: number;
}

const byNode = (o: KubeObject): string[] => {
  const n = (o.spec as { nodeName?: string } | undefined)?.nodeName;
  return n ? [n] : [];
};

function taintsKey(n: KubeObject): string {
  return JSON.stringify(((n.spec as Node['spec'])?.taints ?? []).filter((t) => t.effect === 'NoExecute').map((t) => [t.key, t.value ?? '']));
}

/** The running controller. */
export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle-controller';
  readonly nodeQueue: WorkQueue;
  readonly podQueue: WorkQueue;
  private readonly nodes: Informer;
  private readonly pods: Informer;
  private readonly leases: Informer;
  private readonly health = new Map<string, NodeHealthRecord>();
  /** taint manager: when each pod was first seen under NoExecute taints it tolerates for a while */
  private readonly taintedSince = new Map<string, { uid: string; ms: number; scheduled: boolean }>();
  private readonly recorder: EventRecorder;
  private readonly healthOpts: HealthOptions;
  private readonly zoneOpts: ZoneOptions;
  private workers: Promise<void>[] = [];
  /**
   * Taint modes by node, from the zones' health. They change only when a node comes or goes or a
   * node's Ready status or zone changes, so they are recomputed then, not on every Lease renewal
   * (with 1 000 nodes that is a hundred full passes a second).
   */
  private modes: Map<string, TaintMode> | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly opts: NodeLifecycleOptions = {},
  ) {
    this.healthOpts = { gracePeriodMs: opts.nodeMonitorGracePeriodMs ?? 40_000, startupGracePeriodMs: opts.nodeStartupGracePeriodMs ?? 60_000 };
    this.zoneOpts = { unhealthyZoneThreshold: opts.unhealthyZoneThreshold ?? 0.55, largeClusterSizeThreshold: opts.largeClusterSizeThreshold ?? 50 };
    this.nodeQueue = new WorkQueue({ clock: ctx.clock });
    this.podQueue = new WorkQueue({ clock: ctx.clock });
    this.recorder = ctx.recorder('node-controller');
    this.nodes = ctx.informers.informerFor(NODES);
    this.pods = ctx.informers.informerFor(PODS, { [BY_NODE]: byNode });
    this.leases = ctx.informers.informerFor(LEASES);
    this.nodes.addHandlers({
      onAdd: (n) => {
        this.modes = undefined;
        this.nodeQueue.add(objectKey(n));
        this.enqueuePodsOn(objectKey(n));
      },
      onUpdate: (old, n) => {
        this.nodeQueue.add(objectKey(n));
        if (taintsKey(old) !== taintsKey(n)) this.enqueuePodsOn(objectKey(n));
        if (zoneKey(old as Node) !== zoneKey(n as Node)) this.modes = undefined;
        // A Ready change moves zone states, which other nodes' NoExecute taints depend on.
        if (readyCondition(old as Node)?.status !== readyCondition(n as Node)?.status) {
          this.modes = undefined;
          for (const o of this.nodes.list()) this.nodeQueue.add(objectKey(o));
        }
      },
      onDelete: (n) => {
        this.modes = undefined;
        this.nodeQueue.add(objectKey(n));
      },
    });
    this.leases.addHandlers({
      onAdd: (l) => this.onLease(l),
      onUpdate: (_o, l) => this.onLease(l),
    });
    this.pods.addHandlers({
      onAdd: (p) => this.onPod(p),
      onUpdate: (_o, p) => this.onPod(p),
      onDelete: (p) => this.podQueue.add(objectKey(p)),
    });
  }

  private onLease(l: KubeObject): void {
    if (l.metadata.namespace === NODE_LEASE_NAMESPACE && l.metadata.name) this.nodeQueue.add(l.metadata.name);
  }

  private onPod(p: KubeObject): void {
    if (byNode(p).length) this.podQueue.add(objectKey(p));
  }

  private enqueuePodsOn(node: string): void {
    for (const p of this.pods.byIndex(BY_NODE, node)) this.podQueue.add(objectKey(p));
  }

  /** When the controller last saw the node alive, on its clock (undefined before its first reconcile). */
  lastProbeMs(name: string): number | undefined {
    return this.health.get(name)?.probeMs;
  }

  /** Starts the workers (informers are synced by the caller). */
  start(): void {
    const log = this.ctx.log;
    this.workers = [
      runWorkers(this.nodeQueue, (k) => this.reconcileNode(k), { workers: this.opts.workers ?? 2, name: 'node-lifecycle', log }),
      runWorkers(this.podQueue, (k) => this.reconcilePod(k), { workers: this.opts.workers ?? 2, name: 'taint-eviction', log }),
    ];
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    this.nodeQueue.shutDown();
    this.podQueue.shutDown();
    await Promise.all(this.workers);
  }

  /** reconcile(node): health conditions, controller-owned taints, pods marked not ready. */
  async reconcileNode(name: string): Promise<ReconcileResult | void> {
    const cached = this.nodes.get(name) as Node | undefined;
    if (!cached) {
      this.health.delete(name);
      return;
    }
    const nowMs = this.ctx.clock.now();
    const lease = this.leases.get(`${NODE_LEASE_NAMESPACE}/${name}`) as { spec?: { renewTime?: string } } | undefined;
    let rec = observeNode(this.health.get(name), cached, lease?.spec?.renewTime, nowMs);
    this.health.set(name, rec);
    const verdict = decideNodeHealth(cached, rec, nowMs, this.healthOpts);
    let node = cached;
    if (verdict.conditions) {
      const wasReady = readyCondition(cached)?.status === 'True';
      node = (await this.ctx.client.update({ ...NODES, name, subresource: 'status' }, { ...(cached as KubeObject), status: { ...cached.status, conditions: verdict.conditions } })) as Node;
      // What we wrote is not a sign of life: remember its heartbeat so the next pass compares equal.
      rec = { ...rec, heartbeat: readyCondition(node)?.lastHeartbeatTime };
      this.health.set(name, rec);
      this.ctx.log?.('node stopped posting status', { controller: this.name, node: name });
      if (wasReady) this.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    }
    if (verdict.conditions) this.modes = undefined; // this node's Ready just changed
    if (!this.modes) this.modes = taintModes(this.nodes.list().map((n) => (n.metadata.name === name ? node : (n as Node))), this.zoneOpts);
    const mode = this.modes.get(name) ?? 'normal';
    const taints = reconcileTaints(node.spec?.taints, desiredTaints(node, mode), rfc3339(nowMs));
    if (taints) node = (await this.ctx.client.update({ ...NODES, name }, { ...(node as KubeObject), spec: { ...node.spec, taints } })) as Node;
    if (readyCondition(node)?.status === 'Unknown') await this.markPodsNotReady(name, nowMs);
    if (verdict.recheckAfterMs !== undefined) return { requeueAfterMs: verdict.recheckAfterMs };
  }

  /** MarkPodsNotReady: pods of an unreachable node are no longer Ready (so endpoints drop them). */
  private async markPodsNotReady(nodeName: string, nowMs: number): Promise<void> {
    for (const p of this.pods.byIndex(BY_NODE, nodeName) as Pod[]) {
      const conds = p.status?.conditions ?? [];
      const ready = conds.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False' || p.metadata?.deletionTimestamp) continue;
      const next: PodCondition[] = conds.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: rfc3339(nowMs) } : c));
      try {
        await this.ctx.client.update({ ...PODS, namespace: p.metadata?.namespace, name: p.metadata?.name, subresource: 'status' }, { ...(p as KubeObject), status: { ...p.status, conditions: next } });
        this.recorder.event(p, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
      }
    }
  }

  /** reconcile(pod) for the taint manager: delete pods whose NoExecute taints are not (or no longer) tolerated. */
  async reconcilePod(key: string): Promise<ReconcileResult | void> {
    const pod = this.pods.get(key) as Pod | undefined;
    const nodeName = pod?.spec?.nodeName;
    const node = nodeName ? (this.nodes.get(nodeName) as Node | undefined) : undefined;
    const taints = noExecuteTaints(node?.spec?.taints);
    const prev = this.taintedSince.get(key);
    if (!pod || !node || pod.metadata?.deletionTimestamp || taints.length === 0) {
      if (prev?.scheduled && pod && !pod.metadata?.deletionTimestamp) this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
      this.taintedSince.delete(key);
      return;
    }
    const nowMs = this.ctx.clock.now();
    const uid = pod.metadata?.uid ?? '';
    const since = prev && prev.uid === uid ? prev : { uid, ms: nowMs, scheduled: false };
    this.taintedSince.set(key, since);
    const d = decideTaintEviction(taints, pod.spec?.tolerations, since.ms, nowMs);
    if (d.action === 'none') {
      if (since.scheduled) this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
      this.taintedSince.delete(key);
      return;
    }
    if (d.action === 'wait') {
      since.scheduled = true;
      return { requeueAfterMs: d.afterMs };
    }
    await this.evict(pod, key, nowMs);
    this.taintedSince.delete(key);
  }

  /** Deletes a pod for the taint manager, with the DisruptionTarget condition and event upstream records. */
  private async evict(pod: Pod, key: string, nowMs: number): Promise<void> {
    const { namespace, name } = splitKey(key);
    this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    const conds = (pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
    conds.push({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: rfc3339(nowMs) });
    try {
      await this.ctx.client.update({ ...PODS, namespace, name, subresource: 'status' }, { ...(pod as KubeObject), status: { ...pod.status, conditions: conds } });
    } catch (e) {
      // A pod changed meanwhile still goes: the condition is informative, the deletion is the point.
      if (isStatus(e, 404)) return;
      if (!isStatus(e, 409)) throw e;
    }
    try {
      await this.ctx.client.delete({ ...PODS, namespace, name }, { preconditions: pod.metadata?.uid ? { uid: pod.metadata.uid } : undefined });
    } catch (e) {
      if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
    }
  }
}
