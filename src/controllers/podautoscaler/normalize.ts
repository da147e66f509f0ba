/**
 * Turning a metric proposal into the replica count to set (horizontal.go normalizeDesiredReplicas*),
 * pure over explicit history: without spec.behavior, the highest recommendation of the
 * downscale-stabilisation window (300 s) wins and a scale-up is capped at max(2×current, 4); with
 * spec.behavior, both stabilisation windows apply and the Pods/Percent policies over their
 * periods limit the rate (selectPolicy Max/Min/Disabled). Each returns the AbleToScale and
 * ScalingLimited verdicts upstream records.
 */
import type { HPAScalingRules } from 'kubernetes-types/autoscaling/v2.js';

/** A past recommendation (timestampedRecommendation). */
export interface Recommendation {
  replicas: number;
  at: number;
}

/** A past rescale (timestampedScaleEvent); outdated ones are dropped when the history is pruned. */
export interface ScaleEvent {
  change: number;
  at: number;
}

/** A condition verdict: reason and message (status derived by the caller). */
export interface Verdict {
  reason: string;
  message: string;
}

/** The result of normalization. */
export interface Normalized {
  replicas: number;
  /** AbleToScale=True with this reason (ReadyForNewScale, ScaleUpStabilized, ScaleDownStabilized) */
  ableToScale: Verdict;
  /** ScalingLimited: status True when `limited` */
  scalingLimited: Verdict & { limited: boolean };
}

const READY: Verdict = { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
const DOWN_STABILIZED: Verdict = { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
const UP_STABILIZED: Verdict = { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' };
const WITHIN: Verdict = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };

/**
 * stabilizeRecommendation: the maximum over the window, and the new recommendation recorded in
 * place of the oldest expired one (so the history stays bounded). Mutates `history`.
 */
export function stabilize(history: Recommendation[], desired: number, now: number, windowMs: number): number {
  let max = desired;
  let oldIndex = -1;
  const cutoff = now - windowMs;
  history.forEach((r, i) => {
    if (r.at < cutoff) oldIndex = i;
    else if (r.replicas > max) max = r.replicas;
  });
  if (oldIndex >= 0) history[oldIndex] = { replicas: desired, at: now };
  else history.push({ replicas: desired, at: now });
  return max;
}

/** convertDesiredReplicasWithRules: min/max replicas and the legacy scale-up limit max(2×current, 4). */
export function applyRules(current: number, desired: number, minReplicas: number, maxReplicas: number): { replicas: number } & Verdict {
  const scaleUpLimit = Math.max(2 * current, 4);
  let maxAllowed: number;
  let limiting: Verdict;
  if (maxReplicas > scaleUpLimit) {
    maxAllowed = scaleUpLimit;
    limiting = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
  } else {
    maxAllowed = maxReplicas;
    limiting = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
  }
  if (desired < minReplicas) return { replicas: minReplicas, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
  if (desired > maxAllowed) return { replicas: maxAllowed, ...limiting };
  return { replicas: desired, ...WITHIN };
}

/** normalizeDesiredReplicas (no spec.behavior). Mutates `history`. */
export function normalizeWithoutBehavior(a: { history: Recommendation[]; current: number; desired: number; minReplicas: number; maxReplicas: number; now: number; downscaleStabilizationMs: number }): Normalized {
  const stabilized = stabilize(a.history, a.desired, a.now, a.downscaleStabilizationMs);
  const ableToScale = stabilized !== a.desired ? DOWN_STABILIZED : READY;
  const r = applyRules(a.current, stabilized, a.minReplicas, a.maxReplicas);
  return { replicas: r.replicas, ableToScale, scalingLimited: { reason: r.reason, message: r.message, limited: r.replicas !== stabilized } };
}

/** Rules with upstream defaults filled (GenerateHPAScaleUpRules / GenerateHPAScaleDownRules). */
export interface Rules {
  stabilizationWindowSeconds: number;
  selectPolicy: string;
  policies: { type: string; value: number; periodSeconds: number }[];
}

/** Defaults for scale-up: no stabilisation, max(100% , 4 pods) per 15 s. */
export function scaleUpRules(r: HPAScalingRules | undefined): Rules {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? 0,
    selectPolicy: r?.selectPolicy ?? 'Max',
    policies: r?.policies?.length ? r.policies : [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** Defaults for scale-down: the controller's stabilisation window (300 s), 100% per 15 s. */
export function scaleDownRules(r: HPAScalingRules | undefined, defaultWindowSeconds: number): Rules {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? defaultWindowSeconds,
    selectPolicy: r?.selectPolicy ?? 'Max',
    policies: r?.policies?.length ? r.policies : [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  };
}

/** getReplicasChangePerPeriod: the replicas changed by events inside the period. */
export function changeInPeriod(events: ScaleEvent[], periodSeconds: number, now: number): number {
  const cutoff = now - periodSeconds * 1000;
  return events.filter((e) => e.at > cutoff).reduce((s, e) => s + e.change, 0);
}

/** calculateScaleUpLimitWithScalingRules. */
export function scaleUpLimit(current: number, up: ScaleEvent[], down: ScaleEvent[], rules: Rules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const min = rules.selectPolicy === 'Min';
  let result = min ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(up, p.periodSeconds, now) + changeInPeriod(down, p.periodSeconds, now);
    // Percent rounds up, or a small deployment could never grow.
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = min ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors. */
export function scaleDownLimit(current: number, up: ScaleEvent[], down: ScaleEvent[], rules: Rules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const min = rules.selectPolicy === 'Min';
  let result = min ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(up, p.periodSeconds, now) + changeInPeriod(down, p.periodSeconds, now);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = min ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** Input of normalizeWithBehaviors. */
export interface BehaviorArgs {
  history: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
  up: Rules;
  down: Rules;
  current: number;
  desired: number;
  minReplicas: number;
  maxReplicas: number;
  now: number;
}

/** stabilizeRecommendationWithBehaviors + convertDesiredReplicasWithBehaviorRate. Mutates `history`. */
export function normalizeWithBehaviors(a: BehaviorArgs): Normalized {
  const upCutoff = a.now - a.up.stabilizationWindowSeconds * 1000;
  const downCutoff = a.now - a.down.stabilizationWindowSeconds * 1000;
  let upRec = a.desired;
  let downRec = a.desired;
  let oldIndex = -1;
  a.history.forEach((r, i) => {
    if (r.at > upCutoff) upRec = Math.min(r.replicas, upRec);
    if (r.at > downCutoff) downRec = Math.max(r.replicas, downRec);
    if (r.at < upCutoff && r.at < downCutoff) oldIndex = i;
  });
  let stabilized = a.current;
  if (stabilized < upRec) stabilized = upRec;
  if (stabilized > downRec) stabilized = downRec;
  if (oldIndex >= 0) a.history[oldIndex] = { replicas: a.desired, at: a.now };
  else a.history.push({ replicas: a.desired, at: a.now });
  const ableToScale = stabilized !== a.desired ? (a.desired >= a.current ? UP_STABILIZED : DOWN_STABILIZED) : READY;

  let replicas = stabilized;
  let verdict = WITHIN;
  if (stabilized > a.current) {
    const limit = Math.max(scaleUpLimit(a.current, a.scaleUpEvents, a.scaleDownEvents, a.up, a.now), a.current);
    let maxAllowed = a.maxReplicas;
    let limiting: Verdict = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
    if (maxAllowed > limit) {
      maxAllowed = limit;
      limiting = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
    }
    if (stabilized > maxAllowed) {
      replicas = maxAllowed;
      verdict = limiting;
    }
  } else if (stabilized < a.current) {
    const limit = Math.min(scaleDownLimit(a.current, a.scaleUpEvents, a.scaleDownEvents, a.down, a.now), a.current);
    let minAllowed = a.minReplicas;
    let limiting: Verdict = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
    if (minAllowed < limit) {
      minAllowed = limit;
      limiting = { reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' };
    }
    if (stabilized < minAllowed) {
      replicas = minAllowed;
      verdict = limiting;
    }
  }
  return { replicas, ableToScale, scalingLimited: { ...verdict, limited: replicas !== stabilized } };
}

/** storeScaleEvent + pruning: records a rescale and drops events older than the longest policy period. */
export function recordScaleEvent(events: { up: ScaleEvent[]; down: ScaleEvent[] }, up: Rules, down: Rules, previous: number, next: number, now: number): void {
  const longest = (r: Rules): number => Math.max(0, ...r.policies.map((p) => p.periodSeconds)) * 1000;
  events.up = events.up.filter((e) => e.at > now - longest(up));
  events.down = events.down.filter((e) => e.at > now - longest(down));
  if (next > previous) events.up.push({ change: next - previous, at: now });
  else if (next < previous) events.down.push({ change: previous - next, at: now });
}
