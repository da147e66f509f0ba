/**
 * policy/v1 PodDisruptionBudget (pkg/registry/policy/poddisruptionbudget): minAvailable xor
 * maxUnavailable, each a non-negative int or a percent ≤ 100%; status reset on create (the pipeline keeps
 * it on main-resource updates; the status subresource owns it).
 */
import type { KubeObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field, GoLiteral } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { isValidPercent } from '../../validation/names.js';
import { validateLabelSelector } from '../../validation/meta.js';
import { ageColumn, col, nameColumn, str, view } from '../core/helpers.js';

/** Go's %#v of an intstr.IntOrString, which upstream's messages print as the bad value. */
export function goIntOrString(v: unknown): GoLiteral {
  if (typeof v === 'number') return new GoLiteral(`intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`);
  return new GoLiteral(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(str(v))}}`);
}

/** appsvalidation.ValidatePositiveIntOrPercent + IsNotMoreThan100Percent. */
export function validateIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'number') return v < 0 ? [field.invalid(path, v, 'must be greater than or equal to 0')] : [];
  if (typeof v !== 'string') return [field.invalid(path, goIntOrString(v), "must be an integer or percentage (e.g '5%')")];
  const msgs = isValidPercent(v);
  if (msgs.length) return msgs.map((m) => field.invalid(path, goIntOrString(v), m));
  return Number(v.slice(0, -1)) > 100 ? [field.invalid(path, goIntOrString(v), 'must not be greater than 100%')] : [];
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** IntOrString.String(): the number or the percent string; "N/A" when unset, as printPodDisruptionBudget. */
function intOrStringCell(v: unknown): string {
  return present(v) ? str(v) : 'N/A';
}

/** ValidatePodDisruptionBudgetSpec. */
export function validatePodDisruptionBudget(obj: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const errs: FieldError[] = [];
  if (present(spec.minAvailable) && present(spec.maxUnavailable)) {
    const shown = `policy.PodDisruptionBudgetSpec{MinAvailable:${goIntOrString(spec.minAvailable).text}, MaxUnavailable:${goIntOrString(spec.maxUnavailable).text}}`;
    errs.push(field.invalid('spec', new GoLiteral(shown), 'minAvailable and maxUnavailable cannot be both set'));
  }
  if (present(spec.minAvailable)) errs.push(...validateIntOrPercent(spec.minAvailable, 'spec.minAvailable'));
  if (present(spec.maxUnavailable)) errs.push(...validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (present(policy) && policy !== 'IfHealthyBudget' && policy !== 'AlwaysAllow') {
    errs.push(field.notSupported('spec.unhealthyPodEvictionPolicy', policy, ['AlwaysAllow', 'IfHealthyBudget']));
  }
  return errs;
}

export const podDisruptionBudgetResource: ResourceDef = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  resource: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  namespaced: true,
  shortNames: ['pdb'],
  subresources: { status: true },
  strategy: {
    prepareForCreate(obj) {
      // PrepareForCreate: a fresh status; its counters have no omitempty, so they read as 0.
      obj.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    },
    validate: validatePodDisruptionBudget,
    columns: [
      nameColumn,
      col('Min Available', 'string', 'The minimum number of pods that must be available.'),
      col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
      col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
      ageColumn,
    ],
    row(obj) {
      const spec = view(obj.spec);
      return [
        obj.metadata.name ?? '',
        intOrStringCell(spec.minAvailable),
        intOrStringCell(spec.maxUnavailable),
        Number(view(obj.status).disruptionsAllowed ?? 0),
        age(obj.metadata.creationTimestamp),
      ];
    },
  },
};
