/**
 * batch/v1 Job (pkg/registry/batch/job): SetDefaults_Job, the generated selector and template
 * labels (generateSelector in PrepareForCreate, using the uid the pipeline already assigned),
 * ValidateJob / ValidateJobUpdate (immutable selector, completions, mode and template, except
 * scheduling directives of a suspended job that never started), `status.successful` field
 * selector and the printJob table.
 */
import type { KubeObject } from '../../object.js';
import { isPlainObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field, GoLiteral } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age, humanDuration } from '../printers.js';
import { defaultPodTemplateSpec } from '../../defaults/pod.js';
import { validateLabelSelector } from '../../validation/meta.js';
import { isDNS1123Label } from '../../validation/names.js';
import { asArr, asObj, asStr } from '../../validation/util.js';
import { ageColumn, col, containerCells, nameColumn, setDefault, specOf, view } from '../core/helpers.js';
import {
  goLabelSelector,
  goStringMap,
  selectorCell,
  selectorConvertible,
  selectorImmutable,
  selectorMatches,
  semanticEqual,
  templateLabelsMismatch,
} from '../apps/workload.js';
import { docs } from './docs.js';
import { defaultPodFailurePolicy, validateJobSpecFields } from './job-spec.js';

type Obj = Record<string, unknown>;

/** batch.ControllerUidLabel and friends (the unprefixed ones are the legacy spellings). */
export const jobLabels = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
} as const;

/** SetDefaults_Job (JobPodReplacementPolicy on, as 1.29+) plus the template's pod defaults. */
export function defaultJob(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!isPlainObject(spec.template)) spec.template = {};
  const tmpl = spec.template as Obj;
  const none = (v: unknown): boolean => v === undefined || v === null;
  // A non-parallel job may leave both unset; both then default to 1.
  if (none(spec.completions) && none(spec.parallelism)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  if (none(spec.backoffLimit)) spec.backoffLimit = none(spec.backoffLimitPerIndex) ? 6 : 2147483647;
  const tmplLabels = asObj(tmpl.metadata).labels;
  if (isPlainObject(tmplLabels) && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...(tmplLabels as Record<string, string>) };
  setDefault(spec, 'completionMode', 'NonIndexed');
  if (none(spec.suspend)) spec.suspend = false;
  defaultPodFailurePolicy(spec);
  if (none(spec.podReplacementPolicy)) spec.podReplacementPolicy = none(spec.podFailurePolicy) ? 'TerminatingOrFailed' : 'Failed';
  if (none(spec.manualSelector)) spec.manualSelector = false;
  defaultPodTemplateSpec(tmpl);
}

/** generateSelector: job-name and controller-uid labels on the template, a controller-uid selector. */
export function generateSelector(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!isPlainObject(spec.template)) spec.template = {};
  const tmpl = spec.template as Obj;
  if (!isPlainObject(tmpl.metadata)) tmpl.metadata = {};
  const meta = tmpl.metadata as Obj;
  if (!isPlainObject(meta.labels)) meta.labels = {};
  const labels = meta.labels as Record<string, string>;
  const name = obj.metadata.name ?? '';
  const uid = obj.metadata.uid ?? '';
  // Labels the user set are kept; a conflicting value is then rejected by validation.
  for (const k of [jobLabels.legacyJobName, jobLabels.jobName]) if (!(k in labels)) labels[k] = name;
  for (const k of [jobLabels.legacyControllerUid, jobLabels.controllerUid]) if (!(k in labels)) labels[k] = uid;
  if (!isPlainObject(spec.selector)) spec.selector = {};
  const sel = spec.selector as Obj;
  if (!isPlainObject(sel.matchLabels)) sel.matchLabels = {};
  const ml = sel.matchLabels as Record<string, string>;
  if (!(jobLabels.controllerUid in ml)) ml[jobLabels.controllerUid] = uid;
}

/** ValidateHasLabel */
function hasLabel(labels: unknown, key: string, expected: string): FieldError[] {
  const path = `spec.template.metadata.labels[${key}]`;
  const l = asObj(labels);
  if (!(key in l)) return [field.required(path, expected)];
  return l[key] === expected ? [] : [field.invalid(path, new GoLiteral(goStringMap(labels)), `must be '${expected}'`)];
}

/** validateGeneratedSelector (with the batch.kubernetes.io labels required, as for new jobs). */
function validateGeneratedSelector(obj: KubeObject, requirePrefixed: boolean): FieldError[] {
  const spec = view(obj.spec);
  if (spec.manualSelector === true || !isPlainObject(spec.selector)) return [];
  const uid = obj.metadata.uid ?? '';
  const name = obj.metadata.name ?? '';
  const errs: FieldError[] = [];
  if (!uid) errs.push(field.required('metadata.uid'));
  const labels = asObj(view(spec.template).metadata).labels;
  errs.push(...hasLabel(labels, jobLabels.legacyControllerUid, uid), ...hasLabel(labels, jobLabels.legacyJobName, name));
  const expected: Record<string, string> = { [jobLabels.legacyControllerUid]: uid, [jobLabels.legacyJobName]: name };
  if (requirePrefixed) {
    errs.push(...hasLabel(labels, jobLabels.controllerUid, uid), ...hasLabel(labels, jobLabels.jobName, name));
    expected[jobLabels.controllerUid] = uid;
    expected[jobLabels.jobName] = name;
  }
  if (selectorConvertible(spec.selector) && !selectorMatches(spec.selector, expected)) {
    errs.push(field.invalid('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated'));
  }
  return errs;
}

/** ValidateJob (metadata itself is validated by the pipeline). */
export function validateJob(obj: KubeObject, requirePrefixed = true): FieldError[] {
  const spec = view(obj.spec);
  const errs = [...validateGeneratedSelector(obj, requirePrefixed), ...validateJobSpecFields(spec, 'spec')];
  if (spec.selector === undefined || spec.selector === null) errs.push(field.required('spec.selector'));
  else errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const labels = asObj(view(spec.template).metadata).labels;
  if (selectorConvertible(spec.selector) && !selectorMatches(spec.selector, labels)) errs.push(templateLabelsMismatch('spec.template', labels));
  if (spec.completionMode === 'Indexed' && typeof spec.completions === 'number' && spec.completions > 0) {
    // Pod hostnames are "<job>-<index>"; the largest index must still make a DNS label.
    const host = `${obj.metadata.name ?? ''}-${spec.completions - 1}`;
    if (isDNS1123Label(host).length) errs.push(field.invalid('metadata.name', obj.metadata.name ?? '', `will not able to create pod with invalid DNS label: ${host}`));
  }
  return errs;
}

/** The scheduling directives a suspended, never-started job may still change. */
function allowSchedulingChanges(newTmpl: Obj, oldTmpl: Obj): Obj {
  const nm = asObj(newTmpl.metadata);
  const ns = asObj(newTmpl.spec);
  const os = { ...asObj(oldTmpl.spec) };
  const newAff = ns.affinity;
  const oldAff = isPlainObject(os.affinity) ? { ...os.affinity } : undefined;
  if (!isPlainObject(newAff) && oldAff) {
    delete oldAff.nodeAffinity;
    os.affinity = Object.keys(oldAff).length ? oldAff : undefined;
  } else if (isPlainObject(newAff)) {
    os.affinity = { ...(oldAff ?? {}), nodeAffinity: newAff.nodeAffinity };
  }
  os.nodeSelector = ns.nodeSelector;
  os.tolerations = ns.tolerations;
  os.schedulingGates = ns.schedulingGates;
  return { ...oldTmpl, metadata: { ...asObj(oldTmpl.metadata), labels: nm.labels, annotations: nm.annotations }, spec: os };
}

/** ValidateJobSpecUpdate's immutability rules. */
export function validateJobUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const oldSpec = view(old.spec);
  const errs: FieldError[] = [];
  if (spec.completionMode !== 'Indexed') {
    if (!semanticEqual(spec.completions, oldSpec.completions)) errs.push(field.invalid('spec.completions', spec.completions ?? null, 'field is immutable'));
  } else if (!semanticEqual(spec.completions, oldSpec.completions) && typeof spec.completions === 'number' && spec.completions !== spec.parallelism) {
    errs.push(field.invalid('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism'));
  }
  errs.push(...selectorImmutable(spec.selector, oldSpec.selector, 'spec.selector'));
  let oldTmpl = asObj(oldSpec.template);
  if (oldSpec.suspend === true && !view(old.status).startTime) oldTmpl = allowSchedulingChanges(asObj(spec.template), oldTmpl);
  if (!semanticEqual(spec.template, oldTmpl)) errs.push(field.invalid('spec.template', spec.template ?? null, 'field is immutable'));
  for (const k of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    if (!semanticEqual(spec[k], oldSpec[k])) errs.push(field.invalid(`spec.${k}`, spec[k] ?? null, 'field is immutable'));
  }
  return errs;
}

function hasCondition(obj: KubeObject, type: string): boolean {
  const c = asArr(view(obj.status).conditions).map(asObj).find((x) => x.type === type);
  return c?.status === 'True';
}

/** printJob's STATUS: Complete, Failed, Terminating, Suspended, FailureTarget or Running. */
export function jobStatusCell(obj: KubeObject): string {
  if (hasCondition(obj, 'Complete')) return 'Complete';
  if (hasCondition(obj, 'Failed')) return 'Failed';
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(obj, 'Suspended')) return 'Suspended';
  if (hasCondition(obj, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** printJob's row; `now` is injectable for the DURATION of running jobs. */
export function jobRow(obj: KubeObject, now: number = Date.now()): unknown[] {
  const spec = view(obj.spec);
  const status = view(obj.status);
  const succeeded = Number(status.succeeded ?? 0);
  let completions: string;
  if (typeof spec.completions === 'number') completions = `${succeeded}/${spec.completions}`;
  else {
    const parallelism = typeof spec.parallelism === 'number' ? spec.parallelism : 0;
    completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
  }
  const start = Date.parse(asStr(status.startTime));
  const end = Date.parse(asStr(status.completionTime));
  let duration = '';
  if (!Number.isNaN(start)) duration = humanDuration((Number.isNaN(end) ? now : end) - start);
  const [names, images] = containerCells(view(spec.template).spec);
  return [obj.metadata.name ?? '', jobStatusCell(obj), completions, duration, age(obj.metadata.creationTimestamp, now), names, images, selectorCell(spec.selector)];
}

export const jobResource: ResourceDef = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  resource: 'jobs',
  singular: 'job',
  namespaced: true,
  categories: ['all'],
  subresources: { status: true },
  strategy: {
    default: defaultJob,
    prepareForCreate(obj) {
      if (view(obj.spec).manualSelector !== true) generateSelector(obj);
      obj.status = {};
      // Upstream re-defaults on every read from storage, which copies the (now generated)
      // template labels onto a job created without labels; do it once here to match.
      const tmplLabels = asObj(asObj(view(obj.spec).template).metadata).labels;
      if (isPlainObject(tmplLabels) && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...(tmplLabels as Record<string, string>) };
    },
    validate: (obj) => validateJob(obj),
    validateUpdate: validateJobUpdate,
    fieldSelectors: {
      'status.successful': (obj) => String(Number(view(obj.status).succeeded ?? 0)),
    },
    columns: [
      nameColumn,
      col('Status', 'string', 'Status of the job.'),
      col('Completions', 'string', docs['JobStatus.succeeded']),
      col('Duration', 'string', 'Time required to complete the job.'),
      ageColumn,
      col('Containers', 'string', docs.containers, 1),
      col('Images', 'string', docs.images, 1),
      col('Selector', 'string', docs['JobSpec.selector'], 1),
    ],
    row: (obj) => jobRow(obj),
  },
};
