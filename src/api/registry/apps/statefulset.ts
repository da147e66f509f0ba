/**
 * apps/v1 StatefulSet (pkg/registry/apps/statefulset): SetDefaults_StatefulSet (OrderedReady,
 * RollingUpdate partition 0, PVC retention Retain/Retain, replicas 1, revisionHistoryLimit 10,
 * defaulted volumeClaimTemplates), ValidateStatefulSetSpec / ValidateStatefulSetUpdate (only
 * replicas, ordinals, template, updateStrategy, PVC retention policy and minReadySeconds may
 * change) and the printStatefulSet table.
 */
import type { KubeObject } from '../../object.js';
import { isPlainObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field, GoLiteral } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { defaultPodTemplateSpec } from '../../defaults/pod.js';
import { validateAnnotations, validateLabels } from '../../validation/meta.js';
import { asArr, asObj, nonNegative } from '../../validation/util.js';
import { ageColumn, col, containerCells, nameColumn, setDefault, specOf, view } from '../core/helpers.js';
import { docs } from './docs.js';
import {
  checkTemplateMatch,
  goIntOrString,
  intOrPercentValue,
  notMoreThan100Percent,
  semanticEqual,
  validatePositiveIntOrPercent,
  validateRequiredSelector,
} from './workload.js';

type Obj = Record<string, unknown>;

/** SetDefaults_StatefulSet (StatefulSetAutoDeletePVC on; MaxUnavailableStatefulSet off, as 1.32). */
export function defaultStatefulSet(obj: KubeObject): void {
  const spec = specOf(obj);
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  if (!isPlainObject(spec.updateStrategy)) spec.updateStrategy = {};
  const us = spec.updateStrategy as Obj;
  if (!us.type) {
    us.type = 'RollingUpdate';
    if (!isPlainObject(us.rollingUpdate)) us.rollingUpdate = {};
  }
  // An explicit `type: RollingUpdate` without rollingUpdate stays without it, as upstream.
  if (us.type === 'RollingUpdate' && isPlainObject(us.rollingUpdate)) setDefault(us.rollingUpdate, 'partition', 0);
  if (!isPlainObject(spec.persistentVolumeClaimRetentionPolicy)) spec.persistentVolumeClaimRetentionPolicy = {};
  const pvc = spec.persistentVolumeClaimRetentionPolicy as Obj;
  setDefault(pvc, 'whenDeleted', 'Retain');
  setDefault(pvc, 'whenScaled', 'Retain');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  if (!isPlainObject(spec.template)) spec.template = {};
  defaultPodTemplateSpec(spec.template as Obj);
  for (const t of asArr(spec.volumeClaimTemplates)) {
    if (!isPlainObject(t)) continue;
    // The v1 conversion stamps apiVersion/kind on the nested claims; SetDefaults_PersistentVolumeClaim(Spec).
    setDefault(t, 'apiVersion', 'v1');
    setDefault(t, 'kind', 'PersistentVolumeClaim');
    if (!isPlainObject(t.spec)) t.spec = {};
    setDefault(t.spec as Obj, 'volumeMode', 'Filesystem');
    if (!isPlainObject(t.status)) t.status = {};
    setDefault(t.status as Obj, 'phase', 'Pending');
  }
}

function goUpdateStrategy(us: Obj): GoLiteral {
  const ru = isPlainObject(us.rollingUpdate) ? '(*apps.RollingUpdateStatefulSetStrategy)(0xc000010000)' : '(*apps.RollingUpdateStatefulSetStrategy)(nil)';
  return new GoLiteral(`apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(typeof us.type === 'string' ? us.type : '')}, RollingUpdate:${ru}}`);
}

/** validateRollingUpdateStatefulSet */
function validateRollingUpdate(ru: Obj, path: string): FieldError[] {
  const errs = nonNegative(ru.partition, `${path}.partition`);
  if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
    const p = `${path}.maxUnavailable`;
    errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, p));
    if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(field.invalid(p, goIntOrString(ru.maxUnavailable), 'cannot be 0'));
    errs.push(...notMoreThan100Percent(ru.maxUnavailable, p));
  }
  return errs;
}

function validateRetention(v: unknown, path: string): FieldError[] {
  return v === 'Retain' || v === 'Delete' ? [] : [field.notSupported(path, v ?? '', ['Retain', 'Delete'])];
}

/**
 * ValidateStatefulSetSpec. Upstream deliberately does not run pod-spec validation on the
 * template (volume mounts may name claim templates); only labels and annotations are checked.
 */
export function validateStatefulSet(obj: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const errs: FieldError[] = [];
  const pmp = spec.podManagementPolicy;
  if (!pmp) errs.push(field.required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(field.invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = asObj(spec.updateStrategy);
  const hasRU = isPlainObject(us.rollingUpdate);
  switch (us.type ?? '') {
    case '':
      errs.push(field.required('spec.updateStrategy'));
      break;
    case 'OnDelete':
      if (hasRU) errs.push(field.invalid('spec.updateStrategy.rollingUpdate', us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (hasRU) errs.push(...validateRollingUpdate(asObj(us.rollingUpdate), 'spec.updateStrategy.rollingUpdate'));
      break;
    default:
      errs.push(field.invalid('spec.updateStrategy', goUpdateStrategy(us), "must be 'RollingUpdate' or 'OnDelete'"));
  }
  if (isPlainObject(spec.persistentVolumeClaimRetentionPolicy)) {
    const p = spec.persistentVolumeClaimRetentionPolicy;
    errs.push(...validateRetention(p.whenDeleted, 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted'));
    errs.push(...validateRetention(p.whenScaled, 'spec.persistentVolumeClaimRetentionPolicy.whenScaled'));
  }
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  if (isPlainObject(spec.ordinals)) errs.push(...nonNegative(spec.ordinals.start, 'spec.ordinals.start'));
  const tmpl = asObj(spec.template);
  if (validateRequiredSelector(spec.selector, 'spec.selector', 'statefulset', errs, '')) {
    errs.push(...checkTemplateMatch(spec.selector, tmpl, 'spec.template'));
    const meta = asObj(tmpl.metadata);
    // Upstream's quirk: these paths omit "metadata".
    errs.push(...validateLabels(meta.labels, 'spec.template.labels'), ...validateAnnotations(meta.annotations, 'spec.template.annotations'));
  }
  const podSpec = asObj(tmpl.spec);
  if (podSpec.restartPolicy !== 'Always') errs.push(field.notSupported('spec.template.spec.restartPolicy', podSpec.restartPolicy ?? '', ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(field.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

const mutableFields = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/** ValidateStatefulSetUpdate: everything but the mutable fields must stay as it was. */
export function validateStatefulSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const strip = (s: unknown): Obj => Object.fromEntries(Object.entries(asObj(s)).filter(([k]) => !mutableFields.includes(k)));
  if (semanticEqual(strip(obj.spec), strip(old.spec))) return [];
  return [
    field.forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

export const statefulSetResource: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  resource: 'statefulsets',
  singular: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  subresources: {
    status: true,
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' },
  },
  strategy: {
    // Pod names are "<name>-<ordinal>" hostnames, so ValidateStatefulSetName is a DNS label.
    nameRule: 'label',
    default: defaultStatefulSet,
    prepareForCreate(obj) {
      obj.status = { replicas: 0, availableReplicas: 0 };
    },
    validate: validateStatefulSet,
    validateUpdate: validateStatefulSetUpdate,
    columns: [
      nameColumn,
      col('Ready', 'string', docs.ready),
      ageColumn,
      col('Containers', 'string', docs.containers, 1),
      col('Images', 'string', docs.images, 1),
    ],
    row(obj) {
      const spec = view(obj.spec);
      const status = view(obj.status);
      const [names, images] = containerCells(view(spec.template).spec);
      return [obj.metadata.name ?? '', `${Number(status.readyReplicas ?? 0)}/${Number(spec.replicas ?? 0)}`, age(obj.metadata.creationTimestamp), names, images];
    },
  },
};
