/**
 * The default admission chain, in kube-apiserver's plugin order (mutating plugins run in this
 * order, then validating ones in this order; see runAdmission): NamespaceLifecycle, LimitRanger,
 * ServiceAccount, NodeRestriction, Priority, DefaultTolerationSeconds, PodSecurity, Kubeling's
 * image policy, RBAC escalation checks, ResourceQuota last (it charges only what every other
 * plugin accepted).
 */
import type { ApiDeps } from '../pipeline.js';
import type { AdmissionPlugin } from './types.js';
import { namespaceLifecycle } from './namespace-lifecycle.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';
import { priorityAdmission } from './priority.js';
import { limitRanger } from './limit-ranger.js';
import { serviceAccountAdmission } from './service-account.js';
import { resourceQuotaAdmission } from './resource-quota.js';
import { nodeRestriction } from './node-restriction.js';
import { podSecurityAdmission } from './pod-security/index.js';
import { imagePolicy } from './image-policy.js';
import { rbacEscalationAdmission } from '../authz/escalation.js';

/** What plugins that need more than the attributes (storage writes, the authorizer) are built from. */
export type AdmissionDeps = Omit<ApiDeps, 'admission'>;

/** The chain `kubeling up` and `kubeling server` run. */
export function defaultAdmissionPlugins(deps: AdmissionDeps): AdmissionPlugin[] {
  void deps;
  return [
    namespaceLifecycle,
    limitRanger,
    serviceAccountAdmission,
    nodeRestriction,
    priorityAdmission,
    defaultTolerationSeconds,
    podSecurityAdmission(),
    imagePolicy,
    rbacEscalationAdmission(deps),
    resourceQuotaAdmission(deps),
  ];
}
