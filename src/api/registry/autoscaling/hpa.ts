/**
 * autoscaling/v2 HorizontalPodAutoscaler (pkg/registry/autoscaling/horizontalpodautoscaler), the
 * stored form: status subresource reset on create, the printHorizontalPodAutoscaler table with
 * upstream's TARGETS formatting ("cpu: <unknown>/50%", at most two metrics then "+ N more...").
 */
import type { KubeObject } from '../../object.js';
import type { ResourceDef, TableColumn } from '../../resource.js';
import { age } from '../printers.js';
import { formatQuantity } from '../../validation/quantity.js';
import { ageColumn, col, list, nameColumn, str, view } from '../core/helpers.js';
import { docs } from './docs.js';
import { defaultHPAv2, validateHPAv2 } from './hpa-validation.js';

function current(statuses: unknown[], i: number, key: string): Record<string, unknown> | undefined {
  const s = statuses[i];
  const src = s === undefined ? undefined : view(s)[key];
  return src === undefined || src === null ? undefined : view(view(src).current);
}

function q(v: unknown): string {
  return formatQuantity(v);
}

/** One metric's TARGETS piece. */
function formatMetric(spec: Record<string, unknown>, statuses: unknown[], i: number): string {
  switch (spec.type) {
    case 'External':
    case 'Object': {
      const key = spec.type === 'External' ? 'external' : 'object';
      const target = view(view(spec[key]).target);
      const cur = current(statuses, i, key);
      if (target.averageValue !== undefined && target.averageValue !== null) {
        const c = cur && cur.averageValue !== undefined && cur.averageValue !== null ? q(cur.averageValue) : '<unknown>';
        return `${c}/${q(target.averageValue)} (avg)`;
      }
      return `${cur ? q(cur.value) || '0' : '<unknown>'}/${q(target.value) || '0'}`;
    }
    case 'Pods': {
      const cur = current(statuses, i, 'pods');
      return `${cur ? q(cur.averageValue) || '0' : '<unknown>'}/${q(view(view(spec.pods).target).averageValue) || '0'}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const key = spec.type === 'Resource' ? 'resource' : 'containerResource';
      const src = view(spec[key]);
      const target = view(src.target);
      const cur = current(statuses, i, key);
      if (target.averageValue !== undefined && target.averageValue !== null) {
        return `${str(src.name)}: ${cur ? q(cur.averageValue) || '0' : '<unknown>'}/${q(target.averageValue)}`;
      }
      const c = cur && typeof cur.averageUtilization === 'number' ? `${cur.averageUtilization}%` : '<unknown>';
      const t = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
      return `${str(src.name)}: ${c}/${t}`;
    }
    default:
      return '<unknown type>';
  }
}

/** formatHPAMetrics. */
export function formatHPAMetrics(metrics: unknown, statuses: unknown): string {
  const specs = list(metrics);
  if (specs.length === 0) return '<none>';
  const parts = specs.map((m, i) => formatMetric(view(m), list(statuses), i));
  return parts.length > 2 ? `${parts.slice(0, 2).join(', ')} + ${parts.length - 2} more...` : parts.join(', ');
}

/** printHorizontalPodAutoscaler cells (v2 form). */
export function hpaRow(obj: KubeObject): unknown[] {
  const spec = view(obj.spec);
  const status = view(obj.status);
  const ref = view(spec.scaleTargetRef);
  return [
    obj.metadata.name ?? '',
    `${str(ref.kind)}/${str(ref.name)}`,
    formatHPAMetrics(spec.metrics, status.currentMetrics),
    typeof spec.minReplicas === 'number' ? String(spec.minReplicas) : '<unset>',
    Number(spec.maxReplicas ?? 0),
    Number(status.currentReplicas ?? 0),
    age(obj.metadata.creationTimestamp),
  ];
}

export const hpaColumns: TableColumn[] = [
  nameColumn,
  col('Reference', 'string', docs['HorizontalPodAutoscalerSpec.scaleTargetRef']),
  col('Targets', 'string', docs['HorizontalPodAutoscalerSpec.metrics']),
  col('MinPods', 'string', docs['HorizontalPodAutoscalerSpec.minReplicas']),
  col('MaxPods', 'string', docs['HorizontalPodAutoscalerSpec.maxReplicas']),
  col('Replicas', 'string', docs['HorizontalPodAutoscalerStatus.currentReplicas']),
  ageColumn,
];

/** Shared by both served versions. */
export const hpaNames = {
  group: 'autoscaling',
  kind: 'HorizontalPodAutoscaler',
  resource: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  subresources: { status: true },
} as const;

export const hpaV2Resource: ResourceDef = {
  ...hpaNames,
  shortNames: [...hpaNames.shortNames],
  categories: [...hpaNames.categories],
  subresources: { ...hpaNames.subresources },
  version: 'v2',
  preferred: true,
  strategy: {
    default: defaultHPAv2,
    prepareForCreate(obj) {
      // A fresh HorizontalPodAutoscalerStatus: currentMetrics and desiredReplicas have no omitempty.
      obj.status = { currentMetrics: null, desiredReplicas: 0 };
    },
    validate: validateHPAv2,
    columns: hpaColumns,
    row: hpaRow,
  },
};
