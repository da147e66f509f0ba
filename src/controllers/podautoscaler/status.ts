/**
 * HPA status helpers (horizontal.go setCondition / setStatus), pure: a condition's
 * lastTransitionTime moves only when its status changes; quantities in status are
 * resource.NewMilliQuantity(x, DecimalSI) in canonical form ("250m", "1", "64M").
 */
import type { HorizontalPodAutoscalerCondition } from 'kubernetes-types/autoscaling/v2.js';

/** Sets (or adds) a condition; the transition time changes only with the status. */
export function setCondition(conds: HorizontalPodAutoscalerCondition[], type: string, status: 'True' | 'False', reason: string, message: string, now: string): HorizontalPodAutoscalerCondition[] {
  const out = conds.map((c) => ({ ...c }));
  const existing = out.find((c) => c.type === type);
  if (!existing) {
    out.push({ type, status, lastTransitionTime: now, reason, message });
    return out;
  }
  if (existing.status !== status) existing.lastTransitionTime = now;
  existing.status = status;
  existing.reason = reason;
  existing.message = message;
  return out;
}

const suffixes: [number, string][] = [
  [18, 'E'],
  [15, 'P'],
  [12, 'T'],
  [9, 'G'],
  [6, 'M'],
  [3, 'k'],
  [0, ''],
];

/** A milli-value as a canonical DecimalSI quantity (NewMilliQuantity(...).String()). */
export function formatMilliQuantity(milli: number): string {
  const n = BigInt(Math.trunc(milli));
  if (n === 0n) return '0';
  const neg = n < 0n;
  const abs = neg ? -n : n;
  for (const [exp, suffix] of suffixes) {
    const div = 10n ** BigInt(exp + 3);
    if (abs % div === 0n) return `${neg ? '-' : ''}${abs / div}${suffix}`;
  }
  return `${neg ? '-' : ''}${abs}m`;
}

/** metav1.Time: RFC 3339, second precision. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}
