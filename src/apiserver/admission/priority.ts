/**
 * Priority (upstream plugin/pkg/admission/priority): a pod's spec.priority and preemptionPolicy
 * come from its PriorityClass (or the globalDefault class, else priority 0), so the scheduler and
 * preemption read numbers, not names. A pod naming a missing class, or bringing its own different
 * value, is forbidden with upstream's messages.
 */
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

interface PodSpecPriority {
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: string;
}

interface PriorityClassFields {
  value?: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

function forbidden(a: AdmissionAttributes, message: string): Error {
  return errors.forbidden(`pods "${a.name}" is forbidden: ${message}`, { group: '', resource: 'pods' }, a.name);
}

async function globalDefault(a: AdmissionAttributes): Promise<KubeObject | undefined> {
  const all = (await a.list?.('scheduling.k8s.io', 'priorityclasses')) ?? [];
  // Upstream picks the lowest-valued global default if several exist (they cannot, normally).
  return all.filter((pc) => (pc as PriorityClassFields).globalDefault === true).sort((x, y) => ((x as PriorityClassFields).value ?? 0) - ((y as PriorityClassFields).value ?? 0))[0];
}

export const priorityAdmission: AdmissionPlugin = {
  name: 'Priority',
  async admit(a) {
    if (a.operation !== 'CREATE' || a.subresource !== '' || a.def.group !== '' || a.def.resource !== 'pods' || !a.object) return;
    const spec = (a.object.spec ??= {}) as PodSpecPriority;
    let pc: KubeObject | undefined;
    if (spec.priorityClassName) {
      pc = await a.get('scheduling.k8s.io', 'priorityclasses', '', spec.priorityClassName);
      if (!pc) throw forbidden(a, `no PriorityClass with name ${spec.priorityClassName} was found`);
    } else {
      pc = await globalDefault(a);
    }
    const fields = (pc ?? {}) as PriorityClassFields;
    const priority = pc ? (fields.value ?? 0) : 0;
    const policy = fields.preemptionPolicy ?? 'PreemptLowerPriority';
    if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
      throw forbidden(a, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
    }
    if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null && spec.preemptionPolicy !== policy) {
      throw forbidden(a, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
    }
    if (pc) spec.priorityClassName = pc.metadata.name;
    spec.priority = priority;
    spec.preemptionPolicy = policy;
  },
};
