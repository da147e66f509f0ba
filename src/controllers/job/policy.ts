/**
 * spec.podFailurePolicy (pkg/controller/job/pod_failure_policy.go): rules are tried in order on a
 * failed pod; onExitCodes looks at terminated containers with a non-zero exit code, onPodConditions
 * at the pod's conditions. FailJob fails the whole Job with upstream's message, Ignore keeps the
 * failure out of the backoffLimit count, Count (or no match) counts it.
 */
import type { ContainerStatus } from 'kubernetes-types/core/v1.js';
import type { PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement } from 'kubernetes-types/batch/v1.js';
import type { Pod } from './types.js';

/** The verdict on one failed pod. */
export interface PolicyMatch {
  /** set for FailJob: the FailureTarget/Failed condition message */
  failJobMessage?: string;
  /** whether the failure counts towards backoffLimit */
  countFailed: boolean;
  action?: string;
}

function exitCodeMatches(code: number, req: PodFailurePolicyOnExitCodesRequirement): boolean {
  const inValues = req.values.includes(code);
  return req.operator === 'In' ? inValues : req.operator === 'NotIn' ? !inValues : false;
}

function matchingContainer(statuses: readonly ContainerStatus[] | undefined, req: PodFailurePolicyOnExitCodesRequirement): ContainerStatus | undefined {
  for (const cs of statuses ?? []) {
    const t = cs.state?.terminated;
    // A container still running has no exit code; exit code 0 is never a failure to match.
    if (!t || t.exitCode === 0) continue;
    if (req.containerName !== undefined && req.containerName !== cs.name) continue;
    if (exitCodeMatches(t.exitCode, req)) return cs;
  }
  return undefined;
}

/** matchPodFailurePolicy */
export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: Pod): PolicyMatch {
  if (!policy) return { countFailed: true };
  const ns = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  for (const [index, rule] of policy.rules.entries()) {
    let failMsg: string | undefined;
    if (rule.onExitCodes) {
      const cs = matchingContainer(pod.status?.containerStatuses, rule.onExitCodes) ?? matchingContainer(pod.status?.initContainerStatuses, rule.onExitCodes);
      if (!cs) continue;
      failMsg = `Container ${cs.name} for pod ${ns}/${name} failed with exit code ${cs.state?.terminated?.exitCode ?? 0} matching ${rule.action} rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const cond = (pod.status?.conditions ?? []).find((c) => rule.onPodConditions?.some((p) => p.type === c.type && (p.status ?? 'True') === c.status));
      if (!cond) continue;
      failMsg = `Pod ${ns}/${name} has condition ${cond.type} matching ${rule.action} rule at index ${index}`;
    } else continue;
    switch (rule.action) {
      case 'Ignore':
        return { countFailed: false, action: 'Ignore' };
      case 'Count':
        return { countFailed: true, action: 'Count' };
      case 'FailJob':
        return { failJobMessage: failMsg, countFailed: true, action: 'FailJob' };
      case 'FailIndex':
        // Only meaningful with backoffLimitPerIndex, which this controller does not implement.
        return { countFailed: true, action: 'FailIndex' };
      default:
        return { countFailed: true };
    }
  }
  return { countFailed: true };
}
