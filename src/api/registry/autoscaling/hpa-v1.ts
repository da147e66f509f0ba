/**
 * autoscaling/v1 HorizontalPodAutoscaler, served by converting to and from the stored v2 form
 * as pkg/apis/autoscaling/v1/conversion.go does: targetCPUUtilizationPercentage ⇄ a Resource
 * cpu Utilization metric, currentCPUUtilizationPercentage ⇄ its current status. Other metrics,
 * behavior and conditions are not representable in v1 (upstream keeps them in
 * autoscaling.alpha.kubernetes.io annotations, which are not reproduced here).
 */
import type { KubeObject } from '../../object.js';
import { deepCopy, isPlainObject } from '../../object.js';
import type { ResourceDef } from '../../resource.js';
import { list, specOf, view } from '../core/helpers.js';
import { hpaColumns, hpaNames, hpaRow } from './hpa.js';
import { defaultHPAv2, validateHPAv2 } from './hpa-validation.js';

type Obj = Record<string, unknown>;

function isCpuUtilization(m: unknown): boolean {
  const r = view(view(m).resource);
  return view(m).type === 'Resource' && r.name === 'cpu' && view(r.target).type === 'Utilization';
}

function copy(from: Obj, to: Obj, keys: string[]): void {
  for (const k of keys) if (from[k] !== undefined) to[k] = deepCopy(from[k]);
}

/** autoscaling/v1 → autoscaling/v2 (defaulted, as a decode from storage would be). */
export function hpaV1ToV2(obj: KubeObject): KubeObject {
  const spec = view(obj.spec);
  const status = view(obj.status);
  const v2spec: Obj = {};
  copy(spec, v2spec, ['scaleTargetRef', 'minReplicas', 'maxReplicas']);
  if (typeof spec.targetCPUUtilizationPercentage === 'number') {
    v2spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } }];
  }
  const out: KubeObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: deepCopy(obj.metadata), spec: v2spec };
  if (isPlainObject(obj.status)) {
    const v2status: Obj = {};
    copy(status, v2status, ['observedGeneration', 'lastScaleTime', 'currentReplicas', 'desiredReplicas']);
    v2status.currentMetrics =
      typeof status.currentCPUUtilizationPercentage === 'number'
        ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }]
        : null;
    out.status = v2status;
  }
  defaultHPAv2(out);
  return out;
}

/** autoscaling/v2 → autoscaling/v1. */
export function hpaV2ToV1(obj: KubeObject): KubeObject {
  const spec = view(obj.spec);
  const status = view(obj.status);
  const v1spec: Obj = {};
  copy(spec, v1spec, ['scaleTargetRef', 'minReplicas', 'maxReplicas']);
  const cpu = list(spec.metrics).find(isCpuUtilization);
  if (cpu) v1spec.targetCPUUtilizationPercentage = view(view(view(cpu).resource).target).averageUtilization;
  const out: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: deepCopy(obj.metadata), spec: v1spec };
  if (isPlainObject(obj.status)) {
    const v1status: Obj = { currentReplicas: 0, desiredReplicas: 0 };
    copy(status, v1status, ['observedGeneration', 'lastScaleTime', 'currentReplicas', 'desiredReplicas']);
    const cur = list(status.currentMetrics).find((m) => view(m).type === 'Resource' && view(view(m).resource).name === 'cpu');
    const util = cur ? view(view(view(cur).resource).current).averageUtilization : undefined;
    if (typeof util === 'number') v1status.currentCPUUtilizationPercentage = util;
    out.status = v1status;
  }
  return out;
}

/** SetDefaults_HorizontalPodAutoscaler (v1): minReplicas 1. */
export function defaultHPAv1(obj: KubeObject): void {
  const spec = specOf(obj);
  if (spec.minReplicas === undefined || spec.minReplicas === null) spec.minReplicas = 1;
}

export const hpaV1Resource: ResourceDef = {
  ...hpaNames,
  shortNames: [...hpaNames.shortNames],
  categories: [...hpaNames.categories],
  subresources: { ...hpaNames.subresources },
  version: 'v1',
  strategy: {
    default: defaultHPAv1,
    prepareForCreate(obj) {
      obj.status = { currentReplicas: 0, desiredReplicas: 0 };
    },
    // Upstream validates the internal (v2-shaped) object, so v1 clients see v2 field paths.
    validate: (obj) => validateHPAv2(hpaV1ToV2(obj)),
    columns: hpaColumns,
    row: (obj) => hpaRow(hpaV1ToV2(obj)),
  },
  conversion: {
    storageGroup: 'autoscaling',
    storageVersion: 'v2',
    storageResource: 'horizontalpodautoscalers',
    toStorage: hpaV1ToV2,
    fromStorage: hpaV2ToV1,
  },
};
