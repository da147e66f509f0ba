/**
 * scheduling.k8s.io/v1 PriorityClass (pkg/registry/scheduling/priorityclass): cluster-scoped,
 * `value` and `preemptionPolicy` immutable, the "system-" name prefix reserved for the built-in
 * classes, and (as the Priority admission plugin) at most one globalDefault class.
 */
import type { KubeObject } from '../../object.js';
import { deepEqual } from '../../object.js';
import { errors } from '../../errors.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { ageColumn, col, nameColumn, setDefault, str } from '../core/helpers.js';
import { docs } from './docs.js';

/** scheduling.HighestUserDefinablePriority */
export const highestUserDefinablePriority = 1_000_000_000;
/** scheduling.SystemPriorityClassPrefix */
export const systemPriorityClassPrefix = 'system-';

/** The bootstrap classes kube-apiserver creates (scheduling.SystemPriorityClasses()). */
export const systemPriorityClasses: KubeObject[] = [
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-node-critical' },
    value: 2_000_001_000,
    description: 'Used for system critical pods that must not be moved from their current node.',
    preemptionPolicy: 'PreemptLowerPriority',
  },
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-cluster-critical' },
    value: 2_000_000_000,
    description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
    preemptionPolicy: 'PreemptLowerPriority',
  },
];

/** scheduling.IsKnownSystemPriorityClass: the error text, or undefined when the class is a known one. */
function systemClassError(name: string, value: unknown, globalDefault: unknown): string | undefined {
  const known = systemPriorityClasses.find((c) => c.metadata.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (value !== known.value) return `value of ${name} PriorityClass must be ${String(known.value)}`;
  if (globalDefault === true) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

/** SetDefaults_PriorityClass: preemptionPolicy PreemptLowerPriority. */
export function defaultPriorityClass(obj: KubeObject): void {
  setDefault(obj, 'preemptionPolicy', 'PreemptLowerPriority');
}

/** ValidatePriorityClass. */
export function validatePriorityClass(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const name = obj.metadata.name ?? '';
  if (name.startsWith(systemPriorityClassPrefix)) {
    const why = systemClassError(name, obj.value, obj.globalDefault);
    if (why) errs.push(field.forbidden('metadata.name', `priority class names with '${systemPriorityClassPrefix}' prefix are reserved for system use only. error: ${why}`));
  } else if (typeof obj.value === 'number' && obj.value > highestUserDefinablePriority) {
    errs.push(field.forbidden('value', `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
  }
  if (obj.preemptionPolicy !== undefined && obj.preemptionPolicy !== null && obj.preemptionPolicy !== 'PreemptLowerPriority' && obj.preemptionPolicy !== 'Never') {
    errs.push(field.notSupported('preemptionPolicy', obj.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  }
  return errs;
}

/** ValidatePriorityClassUpdate: value and preemptionPolicy may not change. */
export function validatePriorityClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.value !== old.value) errs.push(field.forbidden('value', 'may not be changed in an update.'));
  if (!deepEqual(obj.preemptionPolicy, old.preemptionPolicy)) errs.push(field.invalid('preemptionPolicy', obj.preemptionPolicy, 'field is immutable'));
  return errs;
}

export const priorityClassResource: ResourceDef = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  resource: 'priorityclasses',
  singular: 'priorityclass',
  namespaced: false,
  shortNames: ['pc'],
  strategy: {
    default: defaultPriorityClass,
    validate: validatePriorityClass,
    validateUpdate: validatePriorityClassUpdate,
    async beforeWrite(obj, _old, ctx) {
      // Priority admission: only one PriorityClass may be the global default.
      if (obj.globalDefault !== true) return [];
      const other = (await ctx.list('scheduling.k8s.io', 'priorityclasses')).find((pc) => pc.globalDefault === true && pc.metadata.name !== obj.metadata.name);
      if (other) {
        throw errors.forbidden(
          `priorityclasses.scheduling.k8s.io "${obj.metadata.name ?? ''}" is forbidden: PriorityClass ${other.metadata.name ?? ''} is already marked as default. Only one default can exist`,
          { group: 'scheduling.k8s.io', resource: 'priorityclasses' },
          obj.metadata.name,
        );
      }
      return [];
    },
    columns: [
      nameColumn,
      col('Value', 'integer', docs['PriorityClass.value']),
      col('Global-Default', 'boolean', docs['PriorityClass.globalDefault']),
      ageColumn,
      col('PreemptionPolicy', 'string', docs['PriorityClass.preemptionPolicy']),
    ],
    row: (obj) => [
      obj.metadata.name ?? '',
      Number(obj.value ?? 0),
      obj.globalDefault === true,
      age(obj.metadata.creationTimestamp),
      str(obj.preemptionPolicy) || '<unset>',
    ],
  },
};
