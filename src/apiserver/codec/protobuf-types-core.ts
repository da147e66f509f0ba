/**
 * Protobuf field table: core/v1 objects kubectl create sends: ConfigMap, Secret, Namespace, Service, ServiceAccount, ResourceQuota.
 * Field numbers, json names and zero handling follow the Go structs in k8s.io/api and
 * k8s.io/apimachinery (protobuf and json struct tags); checked against generated.proto.
 */
import type { MessageTable } from './protobuf-types-schema.js';
import { bool, i32, map, msg, str } from './protobuf-types-schema.js';

export const coreMessages: MessageTable = {
  'core.v1.ConfigMap': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    bool(4, 'immutable', 'keep'),
    map(2, 'data', 'string'),
    map(3, 'binaryData', 'bytes'),
  ],
  'core.v1.Secret': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    bool(5, 'immutable', 'keep'),
    map(2, 'data', 'bytes'),
    map(4, 'stringData', 'string'),
    str(3, 'type'),
  ],
  'core.v1.NamespaceSpec': [str(1, 'finalizers', 'rep')],
  'core.v1.NamespaceCondition': [
    str(1, 'type', 'keep'),
    str(2, 'status', 'keep'),
    msg(4, 'lastTransitionTime', 'meta.v1.Time'),
    str(5, 'reason'),
    str(6, 'message'),
  ],
  'core.v1.NamespaceStatus': [str(1, 'phase'), msg(2, 'conditions', 'core.v1.NamespaceCondition', 'rep')],
  'core.v1.Namespace': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'spec', 'core.v1.NamespaceSpec'),
    msg(3, 'status', 'core.v1.NamespaceStatus'),
  ],
  'core.v1.ServicePort': [
    str(1, 'name'),
    str(2, 'protocol'),
    str(6, 'appProtocol', 'keep'),
    i32(3, 'port', 'keep'),
    msg(4, 'targetPort', 'intstr.IntOrString'),
    i32(5, 'nodePort'),
  ],
  'core.v1.ClientIPConfig': [i32(1, 'timeoutSeconds', 'keep')],
  'core.v1.SessionAffinityConfig': [msg(1, 'clientIP', 'core.v1.ClientIPConfig', 'keep')],
  'core.v1.ServiceSpec': [
    msg(1, 'ports', 'core.v1.ServicePort', 'rep'),
    map(2, 'selector', 'string'),
    str(3, 'clusterIP'),
    str(18, 'clusterIPs', 'rep'),
    str(4, 'type'),
    str(5, 'externalIPs', 'rep'),
    str(7, 'sessionAffinity'),
    str(8, 'loadBalancerIP'),
    str(9, 'loadBalancerSourceRanges', 'rep'),
    str(10, 'externalName'),
    str(11, 'externalTrafficPolicy'),
    i32(12, 'healthCheckNodePort'),
    bool(13, 'publishNotReadyAddresses'),
    msg(14, 'sessionAffinityConfig', 'core.v1.SessionAffinityConfig', 'keep'),
    str(19, 'ipFamilies', 'rep'),
    str(17, 'ipFamilyPolicy', 'keep'),
    bool(20, 'allocateLoadBalancerNodePorts', 'keep'),
    str(21, 'loadBalancerClass', 'keep'),
    str(22, 'internalTrafficPolicy', 'keep'),
    str(23, 'trafficDistribution', 'keep'),
  ],
  'core.v1.PortStatus': [i32(1, 'port', 'keep'), str(2, 'protocol', 'keep'), str(3, 'error', 'keep')],
  'core.v1.LoadBalancerIngress': [
    str(1, 'ip'),
    str(2, 'hostname'),
    str(3, 'ipMode', 'keep'),
    msg(4, 'ports', 'core.v1.PortStatus', 'rep'),
  ],
  'core.v1.LoadBalancerStatus': [msg(1, 'ingress', 'core.v1.LoadBalancerIngress', 'rep')],
  'core.v1.ServiceStatus': [
    msg(1, 'loadBalancer', 'core.v1.LoadBalancerStatus'),
    msg(2, 'conditions', 'meta.v1.Condition', 'rep'),
  ],
  'core.v1.Service': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'spec', 'core.v1.ServiceSpec'),
    msg(3, 'status', 'core.v1.ServiceStatus'),
  ],
  'core.v1.ObjectReference': [
    str(1, 'kind'),
    str(2, 'namespace'),
    str(3, 'name'),
    str(4, 'uid'),
    str(5, 'apiVersion'),
    str(6, 'resourceVersion'),
    str(7, 'fieldPath'),
  ],
  'core.v1.ServiceAccount': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'secrets', 'core.v1.ObjectReference', 'rep'),
    msg(3, 'imagePullSecrets', 'core.v1.LocalObjectReference', 'rep'),
    bool(4, 'automountServiceAccountToken', 'keep'),
  ],
  'core.v1.ScopedResourceSelectorRequirement': [
    str(1, 'scopeName', 'keep'),
    str(2, 'operator', 'keep'),
    str(3, 'values', 'rep'),
  ],
  'core.v1.ScopeSelector': [msg(1, 'matchExpressions', 'core.v1.ScopedResourceSelectorRequirement', 'rep')],
  'core.v1.ResourceQuotaSpec': [
    map(1, 'hard', 'resource.Quantity'),
    str(2, 'scopes', 'rep'),
    msg(3, 'scopeSelector', 'core.v1.ScopeSelector', 'keep'),
  ],
  'core.v1.ResourceQuotaStatus': [map(1, 'hard', 'resource.Quantity'), map(2, 'used', 'resource.Quantity')],
  'core.v1.ResourceQuota': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'spec', 'core.v1.ResourceQuotaSpec'),
    msg(3, 'status', 'core.v1.ResourceQuotaStatus'),
  ],
};
