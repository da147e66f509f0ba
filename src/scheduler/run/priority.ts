/**
 * Pod priority as the Priority admission plugin resolves it (plugin/pkg/admission/priority):
 * spec.priority from spec.priorityClassName, or from the globalDefault PriorityClass, else 0;
 * spec.preemptionPolicy from the class (default PreemptLowerPriority). The API server does not
 * run that admission plugin yet, so the scheduler resolves pods that arrive without
 * spec.priority itself; pods that carry one are left untouched.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PriorityClass } from 'kubernetes-types/scheduling/v1.js';

interface ClassInfo {
  value: number;
  globalDefault: boolean;
  preemptionPolicy?: string;
}

/** Upstream's built-in classes, known even before the informer has listed them. */
const SYSTEM: Record<string, ClassInfo> = {
  'system-cluster-critical': { value: 2_000_000_000, globalDefault: false },
  'system-node-critical': { value: 2_000_001_000, globalDefault: false },
};

/** PriorityClass lookups fed by an informer. */
export class PriorityResolver {
  private readonly classes = new Map<string, ClassInfo>();

  /** Records a PriorityClass. */
  upsert(pc: PriorityClass): void {
    const info: ClassInfo = { value: pc.value ?? 0, globalDefault: pc.globalDefault === true };
    if (pc.preemptionPolicy) info.preemptionPolicy = pc.preemptionPolicy;
    this.classes.set(pc.metadata?.name ?? '', info);
  }

  /** Forgets a PriorityClass. */
  remove(name: string): void {
    this.classes.delete(name);
  }

  private lookup(name: string | undefined): ClassInfo | undefined {
    if (name) return this.classes.get(name) ?? SYSTEM[name];
    // Admission picks the globalDefault class with the highest value when several claim it.
    let best: ClassInfo | undefined;
    for (const c of this.classes.values()) if (c.globalDefault && (!best || c.value > best.value)) best = c;
    return best;
  }

  /** The pod with spec.priority (and preemptionPolicy) filled in; the same object when nothing changes. */
  resolve(pod: Pod): Pod {
    const spec = pod.spec;
    if (!spec || typeof spec.priority === 'number') return pod;
    const c = this.lookup(spec.priorityClassName);
    if (!c) return pod;
    const next: Pod = { ...pod, spec: { ...spec, priority: c.value } };
    if (!spec.preemptionPolicy && c.preemptionPolicy) next.spec!.preemptionPolicy = c.preemptionPolicy;
    return next;
  }
}
