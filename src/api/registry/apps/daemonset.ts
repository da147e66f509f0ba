/**
 * apps/v1 DaemonSet (pkg/registry/apps/daemonset): SetDefaults_DaemonSet (RollingUpdate with
 * maxUnavailable 1 / maxSurge 0, revisionHistoryLimit 10), ValidateDaemonSetSpec, the template
 * generation kept in the `deprecated.daemonset.template.generation` annotation (as the v1
 * conversion of spec.templateGeneration does), selector immutability and printDaemonSet.
 */
import type { KubeObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field, GoLiteral } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age, formatLabels } from '../printers.js';
import { defaultPodTemplateSpec } from '../../defaults/pod.js';
import { validateLabelSelector } from '../../validation/meta.js';
import { validateWorkloadPodTemplate } from '../../validation/pod.js';
import { asObj, nonNegative } from '../../validation/util.js';
import { ageColumn, col, containerCells, nameColumn, setDefault, specOf, view } from '../core/helpers.js';
import { docs } from './docs.js';
import {
  goIntOrString,
  goLabelSelector,
  intOrPercentValue,
  notMoreThan100Percent,
  selectorCell,
  selectorConvertible,
  selectorEmpty,
  selectorImmutable,
  selectorMatches,
  semanticEqual,
  templateLabelsMismatch,
  validatePositiveIntOrPercent,
} from './workload.js';

type Obj = Record<string, unknown>;

/** The annotation apps/v1 carries the internal spec.templateGeneration in. */
export const templateGenerationAnnotation = 'deprecated.daemonset.template.generation';

/** SetDefaults_DaemonSet plus the template's pod defaults. */
export function defaultDaemonSet(obj: KubeObject): void {
  const spec = specOf(obj);
  if (spec.updateStrategy === undefined || spec.updateStrategy === null) spec.updateStrategy = {};
  const us = spec.updateStrategy as Obj;
  setDefault(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    if (us.rollingUpdate === undefined || us.rollingUpdate === null) us.rollingUpdate = {};
    const ru = us.rollingUpdate as Obj;
    setDefault(ru, 'maxUnavailable', 1);
    setDefault(ru, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  if (spec.template === undefined || spec.template === null) spec.template = {};
  defaultPodTemplateSpec(spec.template as Obj);
}

/** ValidateRollingUpdateDaemonSet: exactly one of maxUnavailable / maxSurge is non-zero. */
function validateRollingUpdate(ru: Obj, path: string): FieldError[] {
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`),
    ...validatePositiveIntOrPercent(ru.maxSurge, `${path}.maxSurge`),
    ...notMoreThan100Percent(ru.maxUnavailable, `${path}.maxUnavailable`),
    ...notMoreThan100Percent(ru.maxSurge, `${path}.maxSurge`),
  ];
  const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
  if (hasUnavailable && hasSurge) errs.push(field.invalid(`${path}.maxSurge`, goIntOrString(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
  else if (!hasUnavailable && !hasSurge) errs.push(field.required(`${path}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
  return errs;
}

/** ValidateDaemonSetUpdateStrategy */
function validateUpdateStrategy(us: Obj, path: string): FieldError[] {
  switch (us.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate':
      if (us.rollingUpdate === undefined || us.rollingUpdate === null) return [field.required(`${path}.rollingUpdate`)];
      return validateRollingUpdate(asObj(us.rollingUpdate), `${path}.rollingUpdate`);
    default: {
      const ru = us.rollingUpdate === undefined || us.rollingUpdate === null ? '(*apps.RollingUpdateDaemonSet)(nil)' : '(*apps.RollingUpdateDaemonSet)(0xc000010000)';
      const shown = new GoLiteral(`apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(typeof us.type === 'string' ? us.type : '')}, RollingUpdate:${ru}}`);
      return [field.notSupported(path, shown, ['RollingUpdate', 'OnDelete'])];
    }
  }
}

/** ValidateDaemonSetSpec (after defaulting). A missing selector only shows as a mismatch, as upstream. */
export function validateDaemonSet(obj: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const tmpl = asObj(spec.template);
  const errs: FieldError[] = [...validateLabelSelector(spec.selector, 'spec.selector')];
  const labels = asObj(tmpl.metadata).labels;
  if (selectorConvertible(spec.selector) && !selectorMatches(spec.selector, labels)) errs.push(templateLabelsMismatch('spec.template', labels));
  if (spec.selector !== undefined && spec.selector !== null && selectorEmpty(spec.selector)) {
    errs.push(field.invalid('spec.selector', goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'));
  }
  errs.push(...validateWorkloadPodTemplate(tmpl, 'spec.template', 'DaemonSet'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateUpdateStrategy(asObj(spec.updateStrategy), 'spec.updateStrategy'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

function templateGeneration(obj: KubeObject): number {
  const n = Number(obj.metadata.annotations?.[templateGenerationAnnotation]);
  return Number.isInteger(n) ? n : 0;
}

function setTemplateGeneration(obj: KubeObject, gen: number): void {
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [templateGenerationAnnotation]: String(gen) };
}

export const daemonSetResource: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  resource: 'daemonsets',
  singular: 'daemonset',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  subresources: { status: true },
  strategy: {
    default: defaultDaemonSet,
    prepareForCreate(obj) {
      obj.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
      if (templateGeneration(obj) < 1) setTemplateGeneration(obj, 1);
    },
    prepareForUpdate(obj, old) {
      // Clients may not set the template generation; it advances exactly when the template changes.
      const oldGen = templateGeneration(old);
      const changed = !semanticEqual(view(obj.spec).template, view(old.spec).template);
      setTemplateGeneration(obj, changed ? oldGen + 1 : oldGen);
    },
    validate: validateDaemonSet,
    validateUpdate: (obj, old) => selectorImmutable(view(obj.spec).selector, view(old.spec).selector, 'spec.selector'),
    columns: [
      nameColumn,
      col('Desired', 'integer', docs['DaemonSetStatus.desiredNumberScheduled']),
      col('Current', 'integer', docs['DaemonSetStatus.currentNumberScheduled']),
      col('Ready', 'integer', docs['DaemonSetStatus.numberReady']),
      col('Up-to-date', 'integer', docs['DaemonSetStatus.updatedNumberScheduled']),
      col('Available', 'integer', docs['DaemonSetStatus.numberAvailable']),
      col('Node Selector', 'string', docs['PodSpec.nodeSelector']),
      ageColumn,
      col('Containers', 'string', docs.containers, 1),
      col('Images', 'string', docs.images, 1),
      col('Selector', 'string', docs['DaemonSetSpec.selector'], 1),
    ],
    row(obj) {
      const spec = view(obj.spec);
      const status = view(obj.status);
      const podSpec = view(view(spec.template).spec);
      const [names, images] = containerCells(podSpec);
      return [
        obj.metadata.name ?? '',
        Number(status.desiredNumberScheduled ?? 0),
        Number(status.currentNumberScheduled ?? 0),
        Number(status.numberReady ?? 0),
        Number(status.updatedNumberScheduled ?? 0),
        Number(status.numberAvailable ?? 0),
        formatLabels(podSpec.nodeSelector as Record<string, string> | undefined),
        age(obj.metadata.creationTimestamp),
        names,
        images,
        selectorCell(spec.selector),
      ];
    },
  },
};
