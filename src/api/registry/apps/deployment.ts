/**
 * apps/v1 Deployment (pkg/registry/apps/deployment): SetDefaults_Deployment, ValidateDeploymentSpec
 * (selector, template, strategy, minReadySeconds/progressDeadlineSeconds), selector immutability
 * on update, generation bumped by spec *or annotation* changes, and the printDeployment table.
 */
import type { KubeObject } from '../../object.js';
import { deepEqual } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field, GoLiteral } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { defaultPodTemplateSpec } from '../../defaults/pod.js';
import { validateWorkloadPodTemplate } from '../../validation/pod.js';
import { asObj, nonNegative } from '../../validation/util.js';
import { ageColumn, col, containerCells, nameColumn, setDefault, specOf, view } from '../core/helpers.js';
import { docs } from './docs.js';
import {
  checkTemplateMatch,
  goIntOrString,
  intOrPercentValue,
  notMoreThan100Percent,
  selectorCell,
  selectorImmutable,
  validatePositiveIntOrPercent,
  validateRequiredSelector,
} from './workload.js';

type Obj = Record<string, unknown>;

/** SetDefaults_Deployment plus the template's pod defaults. */
export function defaultDeployment(obj: KubeObject): void {
  const spec = specOf(obj);
  setDefault(spec, 'replicas', 1);
  if (spec.strategy === undefined || spec.strategy === null) spec.strategy = {};
  const strategy = spec.strategy as Obj;
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    if (strategy.rollingUpdate === undefined || strategy.rollingUpdate === null) strategy.rollingUpdate = {};
    const ru = strategy.rollingUpdate as Obj;
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  if (spec.template === undefined || spec.template === null) spec.template = {};
  defaultPodTemplateSpec(spec.template as Obj);
}

/** ValidateRollingUpdateDeployment */
function validateRollingUpdate(ru: Obj, path: string): FieldError[] {
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`),
    ...validatePositiveIntOrPercent(ru.maxSurge, `${path}.maxSurge`),
  ];
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    // Both zero would make a rollout impossible: nothing may go down and nothing may be added.
    errs.push(field.invalid(`${path}.maxUnavailable`, goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${path}.maxUnavailable`));
  return errs;
}

/** %#v of the internal apps.DeploymentStrategy, as its NotSupported error prints it. */
function goStrategy(s: Obj): GoLiteral {
  const ru = s.rollingUpdate === undefined || s.rollingUpdate === null ? '(*apps.RollingUpdateDeployment)(nil)' : '(*apps.RollingUpdateDeployment)(0xc000010000)';
  return new GoLiteral(`apps.DeploymentStrategy{Type:${JSON.stringify(typeof s.type === 'string' ? s.type : '')}, RollingUpdate:${ru}}`);
}

/** ValidateDeploymentStrategy */
function validateStrategy(s: Obj, path: string): FieldError[] {
  switch (s.type) {
    case 'Recreate':
      return s.rollingUpdate !== undefined && s.rollingUpdate !== null
        ? [field.forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")]
        : [];
    case 'RollingUpdate':
      if (s.rollingUpdate === undefined || s.rollingUpdate === null) return [field.required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
      return validateRollingUpdate(asObj(s.rollingUpdate), `${path}.rollingUpdate`);
    default:
      return [field.notSupported(path, goStrategy(s), ['Recreate', 'RollingUpdate'])];
  }
}

/** ValidateDeploymentSpec (after defaulting). */
export function validateDeployment(obj: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const errs: FieldError[] = [...nonNegative(spec.replicas, 'spec.replicas')];
  if (validateRequiredSelector(spec.selector, 'spec.selector', 'deployment', errs)) {
    if (spec.template === undefined || spec.template === null) errs.push(field.required('spec.template'));
    else {
      errs.push(...checkTemplateMatch(spec.selector, spec.template, 'spec.template'));
      errs.push(...validateWorkloadPodTemplate(spec.template, 'spec.template', 'ReplicaSet'));
    }
  }
  errs.push(...validateStrategy(asObj(spec.strategy), 'spec.strategy'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (typeof spec.progressDeadlineSeconds === 'number') {
    errs.push(...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
    if (spec.progressDeadlineSeconds <= minReady) {
      errs.push(field.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

export const deploymentResource: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  resource: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  subresources: {
    status: true,
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' },
  },
  strategy: {
    default: defaultDeployment,
    prepareForCreate(obj) {
      obj.status = {};
    },
    prepareForUpdate(obj, old) {
      // Annotations are copied onto the ReplicaSets, so changing them is a new generation too.
      const bumped = (obj.metadata.generation ?? 1) !== (old.metadata.generation ?? 1);
      if (!bumped && !deepEqual(obj.metadata.annotations ?? {}, old.metadata.annotations ?? {})) {
        obj.metadata.generation = (old.metadata.generation ?? 1) + 1;
      }
    },
    prepareForStatusUpdate(next, requested) {
      // deploymentStatusStrategy resets only spec and labels: the controller records the
      // revision annotation through the status subresource without bumping generation.
      if (requested.metadata.annotations === undefined) delete next.metadata.annotations;
      else next.metadata.annotations = requested.metadata.annotations;
    },
    validate: validateDeployment,
    validateUpdate: (obj, old) => selectorImmutable(view(obj.spec).selector, view(old.spec).selector, 'spec.selector'),
    columns: [
      nameColumn,
      col('Ready', 'string', docs.ready),
      col('Up-to-date', 'string', docs['DeploymentStatus.updatedReplicas']),
      col('Available', 'string', docs['DeploymentStatus.availableReplicas']),
      ageColumn,
      col('Containers', 'string', docs.containers, 1),
      col('Images', 'string', docs.images, 1),
      col('Selector', 'string', docs['DeploymentSpec.selector'], 1),
    ],
    row(obj) {
      const spec = view(obj.spec);
      const status = view(obj.status);
      const [names, images] = containerCells(view(spec.template).spec);
      // printDeployment uses selector.String(), which is empty (not "<none>") for no requirements.
      const sel = selectorCell(spec.selector);
      return [
        obj.metadata.name ?? '',
        `${Number(status.readyReplicas ?? 0)}/${Number(spec.replicas ?? 0)}`,
        Number(status.updatedReplicas ?? 0),
        Number(status.availableReplicas ?? 0),
        age(obj.metadata.creationTimestamp),
        names,
        images,
        sel === '<none>' ? '' : sel,
      ];
    },
  },
};
