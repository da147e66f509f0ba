/**
 * The horizontal pod autoscaler (pkg/controller/podautoscaler/horizontal.go): every sync period
 * (15 s) each autoscaling/v2 HPA reads its target's scale subresource, computes a proposal per
 * resource metric from metrics.k8s.io and the pods of the scale's selector, normalizes it
 * (stabilisation, behavior policies, min/max), writes the new scale, records SuccessfulRescale,
 * and updates status (currentReplicas, desiredReplicas, currentMetrics, lastScaleTime and the
 * AbleToScale / ScalingActive / ScalingLimited conditions).
 */
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition, MetricSpec, MetricStatus } from 'kubernetes-types/autoscaling/v2.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';
import { parseQuantity } from '../../api/validation/quantity.js';
import { parseLabelSelector, matchLabels } from '../../apiserver/selectors.js';
import type { Informer } from '../../client/informer.js';
import { objectKey, splitKey } from '../../client/informer.js';
import type { DiscoveredResource } from '../../client/rest.js';
import { isStatus } from '../../client/rest.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { EventRecorder } from '../../client/events.js';
import type { Controller, ControllerConstructor, ControllerContext } from '../common/controller.js';
import { parseApiVersion, resourceForKind } from '../common/resources.js';
import { runWorkers, type ReconcileResult } from '../common/worker.js';
import { CalculationError, defaultCalculatorOptions, resourceReplicas, type CalculatorOptions } from './replica-calculator.js';
import { normalizeWithBehaviors, normalizeWithoutBehavior, recordScaleEvent, scaleDownRules, scaleUpRules, type Recommendation, type ScaleEvent } from './normalize.js';
import { fetchResourceMetric } from './metrics.js';
import { formatMilliQuantity, rfc3339, setCondition } from './status.js';

const HPAS = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' };
const PODS = { group: '', version: 'v1', resource: 'pods' };

/** Options with kube-controller-manager's defaults. */
export interface HPAOptions {
  /** --horizontal-pod-autoscaler-sync-period (15 s) */
  syncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (5 min) */
  downscaleStabilizationMs?: number;
  /** tolerance, cpu initialization period, initial readiness delay */
  calculator?: Partial<CalculatorOptions>;
}

interface Scale {
  metadata: KubeObject['metadata'];
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

/** A metric's outcome inside computeReplicasForMetrics. */
interface MetricOutcome {
  replicas: number;
  name: string;
  status: MetricStatus;
}

class MetricError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/** The running HPA controller. */
export class HorizontalController implements Controller {
  readonly name = 'horizontal-pod-autoscaler';
  readonly queue: WorkQueue;
  private readonly hpas: Informer;
  private readonly pods: Informer;
  private readonly recorder: EventRecorder;
  private readonly syncPeriodMs: number;
  private readonly downscaleMs: number;
  private readonly calc: CalculatorOptions;
  private readonly recommendations = new Map<string, Recommendation[]>();
  private readonly scaleEvents = new Map<string, { up: ScaleEvent[]; down: ScaleEvent[] }>();
  private discovery: DiscoveredResource[] | undefined;
  private workers: Promise<void> | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    opts: HPAOptions = {},
  ) {
    this.queue = new WorkQueue({ clock: ctx.clock });
    this.syncPeriodMs = opts.syncPeriodMs ?? 15_000;
    this.downscaleMs = opts.downscaleStabilizationMs ?? 300_000;
    this.calc = { ...defaultCalculatorOptions, ...opts.calculator };
    this.recorder = ctx.recorder('horizontal-pod-autoscaler');
    this.hpas = ctx.informers.informerFor(HPAS);
    this.pods = ctx.informers.informerFor(PODS);
    this.hpas.addHandlers({
      onAdd: (o) => this.queue.add(objectKey(o)),
      // Our own status writes do not re-trigger; a spec change is acted on at once.
      onUpdate: (old, cur) => {
        if (old.metadata.generation !== cur.metadata.generation) this.queue.add(objectKey(cur));
      },
      onDelete: (o) => {
        this.recommendations.delete(objectKey(o));
        this.scaleEvents.delete(objectKey(o));
      },
    });
  }

  start(): void {
    for (const o of this.hpas.list()) this.queue.add(objectKey(o));
    this.workers = runWorkers(this.queue, (k) => this.reconcile(k), { workers: 2, name: this.name, log: this.ctx.log });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  /** One reconcileAutoscaler pass; then again after the sync period. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const obj = this.hpas.get(key);
    if (!obj) {
      this.recommendations.delete(key);
      this.scaleEvents.delete(key);
      return {};
    }
    try {
      await this.reconcileAutoscaler(key, obj as unknown as HorizontalPodAutoscaler);
    } catch (e) {
      // Upstream's queue retries failures at the resync interval too (a fixed-interval rate
      // limiter), not with fast back-off: a missing metric must not flood events.
      this.ctx.log?.('hpa reconcile failed', { controller: this.name, key, error: e instanceof Error ? e.message : String(e) });
    }
    return { requeueAfterMs: this.syncPeriodMs };
  }

  private nowStr(): string {
    return rfc3339(this.ctx.now());
  }

  private async scaleRef(ns: string, apiVersion: string, kind: string, name: string): Promise<{ group: string; version: string; resource: string; namespace: string; name: string; subresource: string }> {
    const find = (): DiscoveredResource | undefined => (this.discovery ? resourceForKind(this.discovery, apiVersion, kind) : undefined);
    let r = find();
    if (!r) {
      this.discovery = await this.ctx.client.discover();
      r = find();
    }
    if (!r) throw new Error(`no matches for kind "${kind}" in group "${parseApiVersion(apiVersion).group}"`);
    return { group: r.group, version: r.version, resource: r.resource, namespace: ns, name, subresource: 'scale' };
  }

  private async reconcileAutoscaler(key: string, hpaShared: HorizontalPodAutoscaler): Promise<void> {
    const hpa = JSON.parse(JSON.stringify(hpaShared)) as HorizontalPodAutoscaler;
    const original = JSON.stringify(hpa.status ?? {});
    const spec = hpa.spec!;
    const ns = hpa.metadata?.namespace ?? '';
    let conds: HorizontalPodAutoscalerCondition[] = hpa.status?.conditions ?? [];
    const cond = (type: string, status: 'True' | 'False', reason: string, message: string): void => {
      conds = setCondition(conds, type, status, reason, message, this.nowStr());
    };
    const ref = spec.scaleTargetRef;
    const reference = `${ref.kind}/${ns}/${ref.name}`;
    const target = hpa as unknown as KubeObject;
    let scaleRef;
    let scale: Scale;
    try {
      scaleRef = await this.scaleRef(ns, ref.apiVersion ?? '', ref.kind, ref.name);
      scale = await this.ctx.client.get(scaleRef);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.recorder.event(target, 'Warning', 'FailedGetScale', msg);
      cond('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${msg}`);
      await this.writeStatus(hpa, original, { ...hpa.status, conditions: conds } as HorizontalPodAutoscaler['status']);
      throw new Error(`failed to query scale subresource for ${reference}: ${msg}`);
    }
    cond('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
    const current = scale.spec?.replicas ?? 0;
    const now = this.ctx.clock.now();
    if (!this.recommendations.has(key)) this.recommendations.set(key, [{ replicas: current, at: now }]);
    const minReplicas = spec.minReplicas ?? 1;
    let desired = 0;
    let rescaleReason = '';
    let rescale = true;
    let statuses: MetricStatus[] | undefined;
    let retErr: Error | undefined;
    if (current === 0 && minReplicas !== 0) {
      desired = 0;
      rescale = false;
      cond('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (current > spec.maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desired = spec.maxReplicas;
    } else if (current < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desired = minReplicas;
    } else {
      const r = await this.computeReplicasForMetrics(hpa, scale, spec.metrics ?? [], (t, s, re, m) => cond(t, s, re, m));
      statuses = r.statuses;
      if (r.error && r.replicas === -1) {
        await this.writeStatus(hpa, original, { ...hpa.status, currentReplicas: current, currentMetrics: statuses ?? null, conditions: conds } as HorizontalPodAutoscaler['status']);
        this.recorder.event(target, 'Warning', 'FailedComputeMetricsReplicas', r.error.message);
        throw new Error(`failed to compute desired number of replicas based on listed metrics for ${reference}: ${r.error.message}`);
      }
      retErr = r.error;
      let rescaleMetric = '';
      if (r.replicas > desired) {
        desired = r.replicas;
        rescaleMetric = r.metric;
      }
      if (desired > current) rescaleReason = `${rescaleMetric} above target`;
      if (desired < current) rescaleReason = 'All metrics below target';
      const history = this.recommendations.get(key)!;
      let n;
      if (!spec.behavior) {
        n = normalizeWithoutBehavior({ history, current, desired, minReplicas, maxReplicas: spec.maxReplicas, now, downscaleStabilizationMs: this.downscaleMs });
      } else {
        const ev = this.scaleEvents.get(key) ?? { up: [], down: [] };
        n = normalizeWithBehaviors({
          history,
          scaleUpEvents: ev.up,
          scaleDownEvents: ev.down,
          up: scaleUpRules(spec.behavior.scaleUp),
          down: scaleDownRules(spec.behavior.scaleDown, this.downscaleMs / 1000),
          current,
          desired,
          minReplicas,
          maxReplicas: spec.maxReplicas,
          now,
        });
      }
      cond('AbleToScale', 'True', n.ableToScale.reason, n.ableToScale.message);
      cond('ScalingLimited', n.scalingLimited.limited ? 'True' : 'False', n.scalingLimited.reason, n.scalingLimited.message);
      desired = n.replicas;
      rescale = desired !== current;
    }

    let lastScaleTime = hpa.status?.lastScaleTime;
    if (rescale) {
      try {
        await this.ctx.client.update(scaleRef, { ...scale, spec: { ...scale.spec, replicas: desired } });
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        this.recorder.event(target, 'Warning', 'FailedRescale', `New size: ${desired}; reason: ${rescaleReason}; error: ${msg}`);
        cond('AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${msg}`);
        await this.writeStatus(hpa, original, { ...hpa.status, currentReplicas: current, currentMetrics: statuses ?? null, conditions: conds } as HorizontalPodAutoscaler['status']);
        throw new Error(`failed to rescale ${reference}: ${msg}`);
      }
      cond('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
      this.recorder.event(target, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${rescaleReason}`);
      if (spec.behavior) {
        const ev = this.scaleEvents.get(key) ?? { up: [], down: [] };
        recordScaleEvent(ev, scaleUpRules(spec.behavior.scaleUp), scaleDownRules(spec.behavior.scaleDown, this.downscaleMs / 1000), current, desired, now);
        this.scaleEvents.set(key, ev);
      }
      lastScaleTime = this.nowStr();
      this.ctx.log?.('successfully rescaled', { controller: this.name, hpa: key, currentReplicas: current, desiredReplicas: desired, reason: rescaleReason });
    } else {
      desired = current;
    }
    const status = {
      ...(hpa.metadata?.generation !== undefined ? { observedGeneration: hpa.metadata.generation } : {}),
      ...(lastScaleTime ? { lastScaleTime } : {}),
      currentReplicas: current,
      desiredReplicas: desired,
      currentMetrics: statuses ?? null,
      conditions: conds,
    };
    await this.writeStatus(hpa, original, status as HorizontalPodAutoscaler['status']);
    if (retErr) throw retErr;
  }

  /** computeReplicasForMetrics: the largest proposal over the valid metrics, ScalingActive set. */
  private async computeReplicasForMetrics(
    hpa: HorizontalPodAutoscaler,
    scale: Scale,
    specs: MetricSpec[],
    cond: (type: string, status: 'True' | 'False', reason: string, message: string) => void,
  ): Promise<{ replicas: number; metric: string; statuses?: MetricStatus[]; error?: Error }> {
    const target = hpa as unknown as KubeObject;
    const selectorStr = scale.status?.selector ?? '';
    if (!selectorStr) {
      const msg = 'selector is required';
      this.recorder.event(target, 'Warning', 'SelectorRequired', msg);
      cond('ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector");
      return { replicas: -1, metric: '', error: new Error(msg) };
    }
    let reqs;
    try {
      reqs = parseLabelSelector(selectorStr);
    } catch (e) {
      const msg = `couldn't convert selector into a corresponding internal selector object: ${e instanceof Error ? e.message : String(e)}`;
      this.recorder.event(target, 'Warning', 'InvalidSelector', msg);
      cond('ScalingActive', 'False', 'InvalidSelector', msg);
      return { replicas: -1, metric: '', error: new Error(msg) };
    }
    const ns = hpa.metadata?.namespace ?? '';
    const pods = (this.pods.list() as unknown as Pod[]).filter((p) => p.metadata?.namespace === ns && matchLabels(reqs, p.metadata?.labels));
    const specReplicas = scale.spec?.replicas ?? 0;
    const statuses: MetricStatus[] = specs.map(() => ({ type: '' }));
    let replicas = 0;
    let metric = '';
    let invalid = 0;
    let firstError: MetricError | undefined;
    for (const [i, m] of specs.entries()) {
      try {
        const o = await this.computeReplicasForMetric(m, specReplicas, ns, selectorStr, pods);
        statuses[i] = o.status;
        if (replicas === 0 || o.replicas > replicas) {
          replicas = o.replicas;
          metric = o.name;
        }
      } catch (e) {
        const err = e instanceof MetricError ? e : new MetricError(e instanceof Error ? e.message : String(e), 'FailedGetResourceMetric');
        this.recorder.event(target, 'Warning', err.reason, err.message);
        if (!firstError) firstError = err;
        invalid++;
      }
    }
    const error = firstError ? new Error(`invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError.message}`) : undefined;
    if (firstError && (invalid >= specs.length || replicas < specReplicas)) {
      cond('ScalingActive', 'False', firstError.reason, `the HPA was unable to compute the replica count: ${firstError.message}`);
      return { replicas: -1, metric: '', statuses, error };
    }
    cond('ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metric}`);
    return { replicas, metric, statuses, error };
  }

  private async computeReplicasForMetric(m: MetricSpec, current: number, ns: string, selector: string, pods: Pod[]): Promise<MetricOutcome> {
    if (m.type !== 'Resource' || !m.resource) {
      const reason = m.type === 'Pods' ? 'FailedGetPodsMetric' : m.type === 'Object' ? 'FailedGetObjectMetric' : m.type === 'External' ? 'FailedGetExternalMetric' : m.type === 'ContainerResource' ? 'FailedGetContainerResourceMetric' : 'InvalidMetricSourceType';
      throw new MetricError(reason === 'InvalidMetricSourceType' ? `unknown metric source type "${m.type}"` : `unable to get metric: no custom or external metrics API is served (only resource metrics are supported)`, reason);
    }
    const res = m.resource.name;
    const t = m.resource.target;
    const avg = t.averageValue !== undefined ? parseQuantity(t.averageValue) : undefined;
    const util = t.averageUtilization;
    const what = avg !== undefined ? 'usage' : 'utilization';
    if (avg === undefined && util === undefined) throw new MetricError('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set', 'FailedGetResourceMetric');
    try {
      const metrics = await fetchResourceMetric(this.ctx.client, ns, selector, res);
      const p = resourceReplicas({ currentReplicas: current, target: avg !== undefined ? { averageValue: Math.round(avg * 1000) } : { utilization: util! }, resource: res, pods, metrics, now: this.ctx.clock.now(), options: this.calc });
      const cur: Record<string, unknown> = { averageValue: formatMilliQuantity(p.rawAverage) };
      if (avg === undefined) cur.averageUtilization = p.utilization;
      return {
        replicas: p.replicas,
        name: avg !== undefined ? `${res} resource` : `${res} resource utilization (percentage of request)`,
        status: { type: 'Resource', resource: { name: res, current: cur } },
      };
    } catch (e) {
      if (e instanceof CalculationError) throw new MetricError(`failed to get ${res} ${what}: ${e.message}`, 'FailedGetResourceMetric');
      throw e;
    }
  }

  /** updateStatusIfNeeded: PUT status only when it changed. */
  private async writeStatus(hpa: HorizontalPodAutoscaler, original: string, status: HorizontalPodAutoscaler['status']): Promise<void> {
    if (JSON.stringify(status ?? {}) === original) return;
    const { namespace, name } = splitKey(objectKey(hpa as unknown as KubeObject));
    try {
      await this.ctx.client.update({ ...HPAS, namespace, name, subresource: 'status' }, { ...(hpa as unknown as KubeObject), status: status });
    } catch (e) {
      if (isStatus(e, 404)) return;
      throw e;
    }
  }
}

/** The HPA controller with options (sync period, downscale stabilisation window, calculator tunables). */
export function horizontalPodAutoscalerControllerWith(opts: HPAOptions): ControllerConstructor {
  return (ctx) => new HorizontalController(ctx, opts);
}
