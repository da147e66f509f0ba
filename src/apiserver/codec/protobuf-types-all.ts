/**
 * All protobuf field tables in one lookup, and the top-level kinds we accept as protobuf bodies.
 */
import type { FieldDescriptor } from './protobuf-types-schema.js';
import { appsMessages } from './protobuf-types-apps.js';
import { authMessages } from './protobuf-types-auth.js';
import { autoscalingMessages } from './protobuf-types-autoscaling.js';
import { batchMessages } from './protobuf-types-batch.js';
import { certificatesMessages } from './protobuf-types-certificates.js';
import { coreMessages } from './protobuf-types-core.js';
import { coreContainerMessages } from './protobuf-types-core-container.js';
import { corePodMessages } from './protobuf-types-core-pod.js';
import { corePodStatusMessages } from './protobuf-types-core-podstatus.js';
import { coreVolumeMessages } from './protobuf-types-core-volume.js';
import { metaMessages } from './protobuf-types-meta.js';
import { networkingMessages } from './protobuf-types-networking.js';
import { policyMessages } from './protobuf-types-policy.js';
import { rbacMessages } from './protobuf-types-rbac.js';
import { schedulingMessages } from './protobuf-types-scheduling.js';

/** Message name → fields, over every group's table. */
export const PROTOBUF_MESSAGES: ReadonlyMap<string, readonly FieldDescriptor[]> = new Map(
  Object.entries({
    ...metaMessages,
    ...coreVolumeMessages,
    ...coreContainerMessages,
    ...corePodMessages,
    ...corePodStatusMessages,
    ...coreMessages,
    ...appsMessages,
    ...batchMessages,
    ...schedulingMessages,
    ...policyMessages,
    ...networkingMessages,
    ...rbacMessages,
    ...certificatesMessages,
    ...authMessages,
    ...autoscalingMessages,
  }),
);

/**
 * "<apiVersion>/<kind>" → message name: every body kubectl >= 1.32 sends through a typed client
 * (each `kubectl create <sub>`, create token, auth, autoscale, drain, debug, certificate
 * approve), plus Eviction and the other apps/v1 workloads. DeleteOptions is accepted under any
 * apiVersion separately, because clients label it with the group of the resource being deleted.
 */
export const PROTOBUF_KINDS: Readonly<Record<string, string>> = {
  'apps/v1/Deployment': 'apps.v1.Deployment',
  'apps/v1/ReplicaSet': 'apps.v1.ReplicaSet',
  'apps/v1/StatefulSet': 'apps.v1.StatefulSet',
  'apps/v1/DaemonSet': 'apps.v1.DaemonSet',
  'batch/v1/Job': 'batch.v1.Job',
  'batch/v1/CronJob': 'batch.v1.CronJob',
  'v1/Pod': 'core.v1.Pod',
  'v1/ResourceQuota': 'core.v1.ResourceQuota',
  'rbac.authorization.k8s.io/v1/Role': 'rbac.v1.Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'rbac.v1.RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'rbac.v1.ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'rbac.v1.ClusterRoleBinding',
  'scheduling.k8s.io/v1/PriorityClass': 'scheduling.v1.PriorityClass',
  'policy/v1/PodDisruptionBudget': 'policy.v1.PodDisruptionBudget',
  'networking.k8s.io/v1/Ingress': 'networking.v1.Ingress',
  'certificates.k8s.io/v1/CertificateSigningRequest': 'certificates.v1.CertificateSigningRequest',
  'v1/ConfigMap': 'core.v1.ConfigMap',
  'v1/Secret': 'core.v1.Secret',
  'v1/Namespace': 'core.v1.Namespace',
  'v1/Service': 'core.v1.Service',
  'v1/ServiceAccount': 'core.v1.ServiceAccount',
  'authentication.k8s.io/v1/TokenRequest': 'authentication.v1.TokenRequest',
  'authentication.k8s.io/v1/SelfSubjectReview': 'authentication.v1.SelfSubjectReview',
  'authentication.k8s.io/v1beta1/SelfSubjectReview': 'authentication.v1beta1.SelfSubjectReview',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'authorization.v1.SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'authorization.v1.SelfSubjectRulesReview',
  'autoscaling/v1/HorizontalPodAutoscaler': 'autoscaling.v1.HorizontalPodAutoscaler',
  'autoscaling/v2/HorizontalPodAutoscaler': 'autoscaling.v2.HorizontalPodAutoscaler',
  'policy/v1/Eviction': 'policy.v1.Eviction',
  'v1/DeleteOptions': 'meta.v1.DeleteOptions',
  'meta.k8s.io/v1/DeleteOptions': 'meta.v1.DeleteOptions',
};

/** The message for a kind, or undefined when we cannot decode it. */
export function protobufMessageFor(apiVersion: string, kind: string): string | undefined {
  const direct = PROTOBUF_KINDS[`${apiVersion}/${kind}`];
  if (direct) return direct;
  // Every group registers meta/v1 DeleteOptions under its own version (AddToGroupVersion).
  return kind === 'DeleteOptions' ? 'meta.v1.DeleteOptions' : undefined;
}
