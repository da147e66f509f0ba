/**
 * HorizontalPodAutoscaler defaults and validation on the autoscaling/v2 (stored) form, as
 * pkg/apis/autoscaling/v2/defaults.go and pkg/apis/autoscaling/validation do. autoscaling/v1
 * objects are converted to v2 first, so both versions report the same (internal) field paths.
 */
import type { KubeObject } from '../../object.js';
import { isPlainObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import { isValidPathSegmentName } from '../../validation/meta.js';
import { isDNS1123Label } from '../../validation/names.js';
import { parseQuantity } from '../../validation/quantity.js';
import { invalidEach } from '../../validation/util.js';
import { list, specOf, str, view } from '../core/helpers.js';

/** autoscaling.DefaultCPUUtilization */
export const defaultCPUUtilization = 80;
const maxPeriodSeconds = 1800;
const maxStabilizationWindowSeconds = 3600;
const metricTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];

type Obj = Record<string, unknown>;

function scaleUpDefaults(): Obj {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

function scaleDownDefaults(): Obj {
  // stabilizationWindowSeconds stays unset: the controller's --horizontal-pod-autoscaler-downscale-stabilization applies.
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

/** copyHPAScalingRules: the user's fields over the defaults. */
function fillRules(rules: unknown, defaults: Obj): Obj {
  if (!isPlainObject(rules)) return defaults;
  for (const k of ['selectPolicy', 'stabilizationWindowSeconds', 'policies']) {
    if (rules[k] !== undefined && rules[k] !== null) defaults[k] = rules[k];
  }
  for (const [k, v] of Object.entries(rules)) if (!(k in defaults)) defaults[k] = v;
  return defaults;
}

/** SetDefaults_HorizontalPodAutoscaler (v2): minReplicas 1, an 80% CPU metric, and behavior rules when behavior is set. */
export function defaultHPAv2(obj: KubeObject): void {
  const spec = specOf(obj);
  if (spec.minReplicas === undefined || spec.minReplicas === null) spec.minReplicas = 1;
  if (list(spec.metrics).length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } } }];
  }
  if (isPlainObject(spec.behavior)) {
    spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, scaleUpDefaults());
    spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, scaleDownDefaults());
  }
}

/** ValidateCrossVersionObjectReference. */
export function validateCrossVersionRef(raw: unknown, path: string): FieldError[] {
  const ref = view(raw);
  const errs: FieldError[] = [];
  for (const k of ['kind', 'name'] as const) {
    const v = str(ref[k]);
    if (!v) errs.push(field.required(`${path}.${k}`));
    else errs.push(...invalidEach(`${path}.${k}`, v, isValidPathSegmentName(v)));
  }
  return errs;
}

function positive(q: unknown): boolean {
  const n = typeof q === 'string' || typeof q === 'number' ? parseQuantity(q) : undefined;
  return n !== undefined && n > 0;
}

function validateTarget(raw: unknown, path: string): FieldError[] {
  const t = view(raw);
  const errs: FieldError[] = [];
  const type = str(t.type);
  if (!type) errs.push(field.required(`${path}.type`, 'must specify a metric target type'));
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') errs.push(field.invalid(`${path}.type`, type, 'must be either Utilization, Value, or AverageValue'));
  if (t.value !== undefined && t.value !== null && !positive(t.value)) errs.push(field.invalid(`${path}.value`, t.value, 'must be positive'));
  if (t.averageValue !== undefined && t.averageValue !== null && !positive(t.averageValue)) errs.push(field.invalid(`${path}.averageValue`, t.averageValue, 'must be positive'));
  if (typeof t.averageUtilization === 'number' && t.averageUtilization < 1) errs.push(field.invalid(`${path}.averageUtilization`, t.averageUtilization, 'must be greater than 0'));
  return errs;
}

function validateIdentifier(raw: unknown, path: string): FieldError[] {
  const name = str(view(raw).name);
  if (!name) return [field.required(`${path}.name`, 'must specify a metric name')];
  return invalidEach(`${path}.name`, name, isValidPathSegmentName(name));
}

function set(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** The per-source checks of validateMetricSpec. */
function validateSource(key: string, raw: unknown, path: string): FieldError[] {
  const src = view(raw);
  const target = view(src.target);
  const tp = `${path}.target`;
  const errs: FieldError[] = [];
  switch (key) {
    case 'object':
      errs.push(...validateCrossVersionRef(src.describedObject, `${path}.describedObject`), ...validateIdentifier(src.metric, `${path}.metric`), ...validateTarget(src.target, tp));
      if (!set(target.value) && !set(target.averageValue)) errs.push(field.required(`${tp}.averageValue`, 'must set either a target value or averageValue'));
      break;
    case 'pods':
      errs.push(...validateIdentifier(src.metric, `${path}.metric`), ...validateTarget(src.target, tp));
      if (!set(target.averageValue)) errs.push(field.required(`${tp}.averageValue`, 'must specify a positive target averageValue'));
      break;
    case 'external':
      errs.push(...validateIdentifier(src.metric, `${path}.metric`), ...validateTarget(src.target, tp));
      if (!set(target.value) && !set(target.averageValue)) errs.push(field.required(`${tp}.averageValue`, 'must set either a target value for metric or a per-pod target'));
      if (set(target.value) && set(target.averageValue)) errs.push(field.forbidden(`${tp}.value`, 'may not set both a target value for metric and a per-pod target'));
      break;
    default: {
      // resource and containerResource
      if (!str(src.name)) errs.push(field.required(`${path}.name`, 'must specify a resource name'));
      if (key === 'containerResource') {
        const c = str(src.container);
        if (!c) errs.push(field.required(`${path}.container`, 'must specify a container'));
        else errs.push(...invalidEach(`${path}.container`, c, isDNS1123Label(c)));
      }
      errs.push(...validateTarget(src.target, tp));
      if (!set(target.averageUtilization) && !set(target.averageValue)) errs.push(field.required(`${tp}.averageUtilization`, 'must set either a target raw value or a target utilization'));
      if (set(target.averageUtilization) && set(target.averageValue)) errs.push(field.forbidden(`${tp}.averageValue`, 'may not set both a target raw value and a target utilization'));
    }
  }
  return errs;
}

const sourceKeys: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', ContainerResource: 'containerResource', External: 'external' };

/** validateMetricSpec. */
function validateMetric(raw: unknown, path: string): FieldError[] {
  const m = view(raw);
  const type = str(m.type);
  const errs: FieldError[] = [];
  if (!type) errs.push(field.required(`${path}.type`, 'must specify a metric source type'));
  if (!metricTypes.includes(type)) errs.push(field.notSupported(`${path}.type`, type, metricTypes));
  const present = ['object', 'external', 'pods', 'resource', 'containerResource'].filter((k) => set(m[k]));
  const first = present[0];
  if (first) errs.push(...validateSource(first, m[first], `${path}.${first}`));
  const expected = sourceKeys[type];
  if (expected && !set(m[expected])) errs.push(field.required(`${path}.${expected}`, 'must populate information for the given metric source'));
  if (present.length > 1) {
    for (const k of present) if (k !== expected) errs.push(field.forbidden(`${path}.${k}`, 'must populate the given metric source only'));
  }
  return errs;
}

function validateRules(raw: unknown, path: string): FieldError[] {
  if (!isPlainObject(raw)) return [];
  const errs: FieldError[] = [];
  const w = raw.stabilizationWindowSeconds;
  if (typeof w === 'number' && w < 0) errs.push(field.invalid(`${path}.stabilizationWindowSeconds`, w, 'must be greater than or equal to zero'));
  if (typeof w === 'number' && w > maxStabilizationWindowSeconds) errs.push(field.invalid(`${path}.stabilizationWindowSeconds`, w, `must be less than or equal to ${maxStabilizationWindowSeconds}`));
  if (set(raw.selectPolicy) && !['Max', 'Min', 'Disabled'].includes(str(raw.selectPolicy))) errs.push(field.notSupported(`${path}.selectPolicy`, raw.selectPolicy, ['Disabled', 'Max', 'Min']));
  const policies = list(raw.policies);
  if (policies.length === 0) errs.push(field.required(`${path}.policies`, 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const pol = view(p);
    const pp = `${path}.policies[${i}]`;
    if (pol.type !== 'Pods' && pol.type !== 'Percent') errs.push(field.notSupported(`${pp}.type`, str(pol.type), ['Percent', 'Pods']));
    const value = Number(pol.value ?? 0);
    const period = Number(pol.periodSeconds ?? 0);
    if (value <= 0) errs.push(field.invalid(`${pp}.value`, value, 'must be greater than zero'));
    if (period <= 0) errs.push(field.invalid(`${pp}.periodSeconds`, period, 'must be greater than zero'));
    if (period > maxPeriodSeconds) errs.push(field.invalid(`${pp}.periodSeconds`, period, `must be less than or equal to ${maxPeriodSeconds}`));
  });
  return errs;
}

/** validateHorizontalPodAutoscalerSpec (minReplicas lower bound 1: HPAScaleToZero is off). */
export function validateHPAv2(obj: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const errs: FieldError[] = [];
  const min = typeof spec.minReplicas === 'number' ? spec.minReplicas : undefined;
  const max = Number(spec.maxReplicas ?? 0);
  if (min !== undefined && min < 1) errs.push(field.invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (max < 1) errs.push(field.invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(field.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateCrossVersionRef(spec.scaleTargetRef, 'spec.scaleTargetRef'));
  list(spec.metrics).forEach((m, i) => errs.push(...validateMetric(m, `spec.metrics[${i}]`)));
  if (isPlainObject(spec.behavior)) {
    errs.push(...validateRules(spec.behavior.scaleUp, 'spec.behavior.scaleUp'), ...validateRules(spec.behavior.scaleDown, 'spec.behavior.scaleDown'));
  }
  return errs;
}
