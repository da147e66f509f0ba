/**
 * JobSpec validation shared by Job and CronJob's jobTemplate (pkg/apis/batch/validation
 * validateJobSpec): counts, completion modes, backoff-per-index, pod failure and success
 * policies, pod replacement policy, the pod template and its restartPolicy.
 */
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import { isPlainObject } from '../../object.js';
import { validatePodTemplateSpec } from '../../validation/pod.js';
import { isQualifiedName } from '../../validation/names.js';
import { asArr, asObj, asStr, invalidEach, nonNegative } from '../../validation/util.js';

type Obj = Record<string, unknown>;

const maxParallelismForIndexedJob = 100_000;
const maxFailedIndexesForIndexedJob = 100_000;
const maxPodFailurePolicyRules = 20;
const maxOnExitCodesValues = 255;
const maxOnPodConditionsPatterns = 20;
const maxManagedByLength = 63;
const maxSuccessPolicyRules = 20;
const failureActions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const exitCodeOperators = ['In', 'NotIn'];
const conditionStatuses = ['False', 'True', 'Unknown'];

const present = (v: unknown): boolean => v !== undefined && v !== null;
/** fmt's %q of a []string: ["a" "b"]. */
const goQuotedList = (xs: string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;

function validateOnExitCodes(req: Obj, path: string, containers: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const op = asStr(req.operator);
  if (!op) errs.push(field.required(`${path}.operator`, `valid values: ${goQuotedList(exitCodeOperators)}`));
  else if (!exitCodeOperators.includes(op)) errs.push(field.notSupported(`${path}.operator`, op, exitCodeOperators));
  if (present(req.containerName) && !containers.has(asStr(req.containerName))) {
    errs.push(field.invalid(`${path}.containerName`, req.containerName, 'must be one of the container or initContainer names in the pod template'));
  }
  const values = asArr(req.values).map((v) => Number(v));
  if (values.length === 0) errs.push(field.invalid(`${path}.values`, req.values ?? null, 'at least one value is required'));
  else if (values.length > maxOnExitCodesValues) errs.push({ type: 'FieldValueTooMany', field: `${path}.values`, detail: `must have at most ${maxOnExitCodesValues} items` });
  const seen = new Set<number>();
  let ordered = true;
  values.forEach((v, j) => {
    if (op === 'In' && v === 0) errs.push(field.invalid(`${path}.values[${j}]`, v, 'must not be 0 for the In operator'));
    if (seen.has(v)) errs.push(field.duplicate(`${path}.values[${j}]`, v));
    else seen.add(v);
    if (j > 0 && (values[j - 1] ?? 0) > v) ordered = false;
  });
  if (!ordered) errs.push(field.invalid(`${path}.values`, req.values, 'must be ordered'));
  return errs;
}

function validatePodFailurePolicy(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = asArr(asObj(spec.podFailurePolicy).rules);
  if (rules.length > maxPodFailurePolicyRules) errs.push({ type: 'FieldValueTooMany', field: `${path}.rules`, detail: `must have at most ${maxPodFailurePolicyRules} items` });
  const podSpec = asObj(asObj(spec.template).spec);
  const containers = new Set([...asArr(podSpec.containers), ...asArr(podSpec.initContainers)].map((c) => asStr(asObj(c).name)));
  rules.forEach((raw, i) => {
    const rule = asObj(raw);
    const rp = `${path}.rules[${i}]`;
    const action = asStr(rule.action);
    if (!action) errs.push(field.required(`${rp}.action`, `valid values: ${goQuotedList(failureActions)}`));
    else if (action === 'FailIndex') {
      if (!present(spec.backoffLimitPerIndex)) errs.push(field.invalid(`${rp}.action`, action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!failureActions.includes(action)) errs.push(field.notSupported(`${rp}.action`, action, failureActions));
    const onExit = present(rule.onExitCodes);
    const conds = asArr(rule.onPodConditions);
    if (onExit) errs.push(...validateOnExitCodes(asObj(rule.onExitCodes), `${rp}.onExitCodes`, containers));
    if (conds.length > maxOnPodConditionsPatterns) {
      errs.push({ type: 'FieldValueTooMany', field: `${rp}.onPodConditions`, detail: `must have at most ${maxOnPodConditionsPatterns} items` });
    }
    conds.forEach((c, j) => {
      const pat = asObj(c);
      const pp = `${rp}.onPodConditions[${j}]`;
      errs.push(...invalidEach(`${pp}.type`, asStr(pat.type), isQualifiedName(asStr(pat.type))));
      const st = asStr(pat.status);
      if (!st) errs.push(field.required(`${pp}.status`, `valid values: ${goQuotedList(conditionStatuses)}`));
      else if (!conditionStatuses.includes(st)) errs.push(field.notSupported(`${pp}.status`, st, conditionStatuses));
    });
    if (onExit && conds.length > 0) errs.push({ type: 'FieldValueInvalid', field: rp, detail: 'specifying both OnExitCodes and OnPodConditions is not supported' });
    if (!onExit && conds.length === 0) errs.push({ type: 'FieldValueInvalid', field: rp, detail: 'specifying one of OnExitCodes and OnPodConditions is required' });
  });
  return errs;
}

function validateSuccessPolicy(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = asArr(asObj(spec.successPolicy).rules);
  if (rules.length === 0) errs.push(field.required(`${path}.rules`, 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > maxSuccessPolicyRules) errs.push({ type: 'FieldValueTooMany', field: `${path}.rules`, detail: `must have at most ${maxSuccessPolicyRules} items` });
  const completions = typeof spec.completions === 'number' ? spec.completions : 0;
  rules.forEach((raw, i) => {
    const rule = asObj(raw);
    const rp = `${path}.rules[${i}]`;
    if (!present(rule.succeededCount) && !present(rule.succeededIndexes)) {
      errs.push(field.required(rp, 'at least one of succeededCount or succeededIndexes must be specified'));
    }
    if (typeof rule.succeededCount === 'number') {
      errs.push(...nonNegative(rule.succeededCount, `${rp}.succeededCount`));
      if (rule.succeededCount > completions) {
        errs.push(field.invalid(`${rp}.succeededCount`, rule.succeededCount, `must be less than or equal to ${completions} (the number of specified completions)`));
      }
    }
  });
  return errs;
}

/** validateJobSpec: everything but the selector (which Job and CronJob treat differently). */
export function validateJobSpecFields(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex']) {
    errs.push(...nonNegative(spec[k], `${path}.${k}`));
  }
  if (present(spec.maxFailedIndexes)) {
    errs.push(...nonNegative(spec.maxFailedIndexes, `${path}.maxFailedIndexes`));
    if (!present(spec.backoffLimitPerIndex)) errs.push(field.required(`${path}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  }
  if (present(spec.managedBy)) {
    const mb = asStr(spec.managedBy);
    if (!mb.includes('/') || mb.startsWith('/')) errs.push(field.invalid(`${path}.managedBy`, mb, 'must be a domain-prefixed path (such as "acme.io/foo")'));
    if (mb.length > maxManagedByLength) errs.push(field.tooLong(`${path}.managedBy`, undefined, maxManagedByLength));
  }
  const mode = spec.completionMode;
  if (present(mode)) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(field.notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (!present(spec.completions)) errs.push(field.required(`${path}.completions`, 'when completion mode is Indexed'));
      if (typeof spec.parallelism === 'number' && spec.parallelism > maxParallelismForIndexedJob) {
        errs.push(field.invalid(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${maxParallelismForIndexedJob} when completion mode is Indexed`));
      }
      if (typeof spec.completions === 'number' && typeof spec.maxFailedIndexes === 'number' && spec.maxFailedIndexes > spec.completions) {
        errs.push(field.invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, 'must be less than or equal to completions'));
      }
      if (typeof spec.maxFailedIndexes === 'number' && spec.maxFailedIndexes > maxFailedIndexesForIndexedJob) {
        errs.push(field.invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, `must be less than or equal to ${maxFailedIndexesForIndexedJob}`));
      }
    }
  }
  if (!present(mode) || mode === 'NonIndexed') {
    if (present(spec.backoffLimitPerIndex)) errs.push(field.invalid(`${path}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (present(spec.maxFailedIndexes)) errs.push(field.invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, 'requires indexed completion mode'));
  }
  if (present(spec.podFailurePolicy)) errs.push(...validatePodFailurePolicy(spec, `${path}.podFailurePolicy`));
  if (present(spec.successPolicy)) {
    if (mode !== 'Indexed') errs.push(field.invalid(`${path}.successPolicy`, spec.successPolicy, 'requires indexed completion mode'));
    else errs.push(...validateSuccessPolicy(spec, `${path}.successPolicy`));
  }
  if (present(spec.podReplacementPolicy)) {
    const prp = spec.podReplacementPolicy;
    if (present(spec.podFailurePolicy)) {
      if (prp !== 'Failed') errs.push(field.notSupported(`${path}.podReplacementPolicy`, prp, ['Failed']));
    } else if (prp !== 'Failed' && prp !== 'TerminatingOrFailed') {
      errs.push(field.notSupported(`${path}.podReplacementPolicy`, prp, ['Failed', 'TerminatingOrFailed']));
    }
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`));
  // The pod defaulter turns a missing restartPolicy into Always, so both read as "not chosen".
  const rp = asStr(asObj(asObj(spec.template).spec).restartPolicy);
  const rpPath = `${path}.template.spec.restartPolicy`;
  if (rp === 'Always' || rp === '') errs.push(field.required(rpPath, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') errs.push(field.notSupported(rpPath, rp, ['OnFailure', 'Never']));
  else if (present(spec.podFailurePolicy) && rp !== 'Never') errs.push(field.invalid(rpPath, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

/** SetDefaults_PodFailurePolicyOnPodConditionsPattern: status True (nested defaulter, also in jobTemplates). */
export function defaultPodFailurePolicy(spec: Obj): void {
  if (!isPlainObject(spec.podFailurePolicy)) return;
  for (const rule of asArr(spec.podFailurePolicy.rules)) {
    for (const pat of asArr(asObj(rule).onPodConditions)) {
      if (isPlainObject(pat) && !pat.status) pat.status = 'True';
    }
  }
}
