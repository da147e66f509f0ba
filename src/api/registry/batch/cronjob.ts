/**
 * batch/v1 CronJob (pkg/registry/batch/cronjob): SetDefaults_CronJob (Allow, not suspended,
 * history limits 3/1; the job template gets pod defaults only), ValidateCronJobCreate/Update
 * (cron schedule, no TZ= in the schedule, IANA timeZone, 52-character names, a job template
 * without a selector) and the printCronJob table.
 */
import type { KubeObject } from '../../object.js';
import { isPlainObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { defaultPodTemplateSpec } from '../../defaults/pod.js';
import { maxLenError } from '../../validation/names.js';
import { asArr, asObj, asStr, nonNegative } from '../../validation/util.js';
import { ageColumn, col, containerCells, nameColumn, setDefault, specOf, view } from '../core/helpers.js';
import { goLabelSelector, selectorCell } from '../apps/workload.js';
import { loadLocationError, scheduleError } from './cron.js';
import { docs } from './docs.js';
import { defaultPodFailurePolicy, validateJobSpecFields } from './job-spec.js';

type Obj = Record<string, unknown>;

/** Job names get an 11-character "-<minutes>" suffix and must stay within a 63-character label. */
export const maxCronJobNameLength = 63 - 11;

/** SetDefaults_CronJob plus the nested template defaulters (not SetDefaults_Job). */
export function defaultCronJob(obj: KubeObject): void {
  const spec = specOf(obj);
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  if (spec.suspend === undefined || spec.suspend === null) spec.suspend = false;
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  if (!isPlainObject(spec.jobTemplate)) spec.jobTemplate = {};
  const jt = spec.jobTemplate as Obj;
  if (!isPlainObject(jt.spec)) jt.spec = {};
  const jobSpec = jt.spec as Obj;
  defaultPodFailurePolicy(jobSpec);
  if (!isPlainObject(jobSpec.template)) jobSpec.template = {};
  defaultPodTemplateSpec(jobSpec.template as Obj);
}

/** validateTimeZone: IANA names only (no "Local"), as time.LoadLocation resolves them. */
function validateTimeZone(tz: unknown, path: string): FieldError[] {
  if (tz === undefined || tz === null) return [];
  const s = asStr(tz);
  if (s === '') return [field.invalid(path, s, 'timeZone must be nil or non-empty string')];
  for (const part of s.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part)) {
      return [field.invalid(path, s, `unknown time zone ${s}`)];
    }
  }
  const errs: FieldError[] = [];
  if (s.toLowerCase() === 'local') errs.push(field.invalid(path, s, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  const loadErr = s === 'Local' ? undefined : loadLocationError(s);
  if (loadErr) errs.push(field.invalid(path, s, loadErr));
  return errs;
}

/** validateScheduleFormat: a robfig/cron standard spec; TZ=/CRON_TZ= only if the old schedule had it. */
function validateSchedule(schedule: string, allowTZ: boolean, timeZone: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const parseErr = scheduleError(schedule);
  if (parseErr) errs.push(field.invalid(path, schedule, parseErr));
  if (allowTZ && schedule.includes('TZ') && timeZone !== undefined && timeZone !== null) {
    errs.push(field.invalid(path, schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  } else if (!allowTZ && schedule.includes('TZ')) {
    errs.push(field.invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  return errs;
}

/** validateCronJobSpec; `old` is the previous spec on update. */
export function validateCronJobSpec(specIn: unknown, old: Obj | undefined): FieldError[] {
  const spec = asObj(specIn);
  const errs: FieldError[] = [];
  const schedule = asStr(spec.schedule);
  if (!schedule) errs.push(field.required('spec.schedule'));
  else errs.push(...validateSchedule(schedule, old !== undefined && asStr(old.schedule).includes('TZ'), spec.timeZone, 'spec.schedule'));
  errs.push(...nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  if (old === undefined || (old.timeZone ?? null) !== (spec.timeZone ?? null)) errs.push(...validateTimeZone(spec.timeZone, 'spec.timeZone'));
  const cp = asStr(spec.concurrencyPolicy);
  if (!cp) errs.push(field.required('spec.concurrencyPolicy'));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(field.notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  // ValidateJobTemplateSpec: the controller generates each job's selector.
  const jobSpec = asObj(asObj(spec.jobTemplate).spec);
  errs.push(...validateJobSpecFields(jobSpec, 'spec.jobTemplate.spec'));
  if (jobSpec.selector !== undefined && jobSpec.selector !== null) {
    errs.push(field.invalid('spec.jobTemplate.spec.selector', goLabelSelector(jobSpec.selector), '`selector` will be auto-generated'));
  }
  if (jobSpec.manualSelector === true) errs.push(field.notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  errs.push(...nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  return errs;
}

/** ValidateCronJobCreate's extra name-length rule. */
export function validateCronJob(obj: KubeObject): FieldError[] {
  const errs = validateCronJobSpec(obj.spec, undefined);
  const name = obj.metadata.name ?? '';
  if (name.length > maxCronJobNameLength) errs.push(field.invalid('metadata.name', name, maxLenError(maxCronJobNameLength)));
  return errs;
}

/** printBoolPtr */
function boolCell(v: unknown): string {
  if (typeof v !== 'boolean') return '<unset>';
  return v ? 'True' : 'False';
}

/** printCronJob's row; `now` is injectable for LAST SCHEDULE and AGE. */
export function cronJobRow(obj: KubeObject, now: number = Date.now()): unknown[] {
  const spec = view(obj.spec);
  const status = view(obj.status);
  const jobSpec = view(view(spec.jobTemplate).spec);
  const [names, images] = containerCells(view(jobSpec.template).spec);
  const last = status.lastScheduleTime ? age(asStr(status.lastScheduleTime), now) : '<none>';
  return [
    obj.metadata.name ?? '',
    asStr(spec.schedule),
    typeof spec.timeZone === 'string' ? spec.timeZone : '<none>',
    boolCell(spec.suspend),
    asArr(status.active).length,
    last,
    age(obj.metadata.creationTimestamp, now),
    names,
    images,
    selectorCell(jobSpec.selector),
  ];
}

export const cronJobResource: ResourceDef = {
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  resource: 'cronjobs',
  singular: 'cronjob',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  subresources: { status: true },
  strategy: {
    default: defaultCronJob,
    prepareForCreate(obj) {
      obj.status = {};
    },
    // The create path's validate (52-character names included; stored names already satisfy it).
    validate: validateCronJob,
    columns: [
      nameColumn,
      col('Schedule', 'string', docs['CronJobSpec.schedule']),
      col('Timezone', 'string', docs['CronJobSpec.timeZone']),
      col('Suspend', 'boolean', docs['CronJobSpec.suspend']),
      col('Active', 'integer', docs['CronJobStatus.active']),
      col('Last Schedule', 'string', docs['CronJobStatus.lastScheduleTime']),
      ageColumn,
      col('Containers', 'string', docs.containers, 1),
      col('Images', 'string', docs.images, 1),
      col('Selector', 'string', docs['JobSpec.selector'], 1),
    ],
    row: (obj) => cronJobRow(obj),
  },
};
