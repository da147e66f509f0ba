/**
 * Protobuf field table: networking.k8s.io/v1 Ingress.
 * Field numbers, json names and zero handling follow the Go structs in k8s.io/api and
 * k8s.io/apimachinery (protobuf and json struct tags); checked against generated.proto.
 */
import type { MessageTable } from './protobuf-types-schema.js';
import { i32, inline, msg, str } from './protobuf-types-schema.js';

export const networkingMessages: MessageTable = {
  'networking.v1.ServiceBackendPort': [str(1, 'name'), i32(2, 'number')],
  'networking.v1.IngressServiceBackend': [str(1, 'name', 'keep'), msg(2, 'port', 'networking.v1.ServiceBackendPort')],
  'networking.v1.IngressBackend': [
    msg(4, 'service', 'networking.v1.IngressServiceBackend', 'keep'),
    msg(3, 'resource', 'core.v1.TypedLocalObjectReference', 'keep'),
  ],
  'networking.v1.IngressTLS': [str(1, 'hosts', 'rep'), str(2, 'secretName')],
  'networking.v1.HTTPIngressPath': [
    str(1, 'path'),
    str(3, 'pathType', 'keep'),
    msg(2, 'backend', 'networking.v1.IngressBackend', 'keep'),
  ],
  'networking.v1.HTTPIngressRuleValue': [msg(1, 'paths', 'networking.v1.HTTPIngressPath', 'rep')],
  'networking.v1.IngressRuleValue': [msg(1, 'http', 'networking.v1.HTTPIngressRuleValue', 'keep')],
  'networking.v1.IngressRule': [str(1, 'host'), inline(2, 'networking.v1.IngressRuleValue')],
  'networking.v1.IngressSpec': [
    str(4, 'ingressClassName', 'keep'),
    msg(1, 'defaultBackend', 'networking.v1.IngressBackend', 'keep'),
    msg(2, 'tls', 'networking.v1.IngressTLS', 'rep'),
    msg(3, 'rules', 'networking.v1.IngressRule', 'rep'),
  ],
  'networking.v1.IngressPortStatus': [i32(1, 'port', 'keep'), str(2, 'protocol', 'keep'), str(3, 'error', 'keep')],
  'networking.v1.IngressLoadBalancerIngress': [
    str(1, 'ip'),
    str(2, 'hostname'),
    msg(4, 'ports', 'networking.v1.IngressPortStatus', 'rep'),
  ],
  'networking.v1.IngressLoadBalancerStatus': [msg(1, 'ingress', 'networking.v1.IngressLoadBalancerIngress', 'rep')],
  'networking.v1.IngressStatus': [msg(1, 'loadBalancer', 'networking.v1.IngressLoadBalancerStatus')],
  'networking.v1.Ingress': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'spec', 'networking.v1.IngressSpec'),
    msg(3, 'status', 'networking.v1.IngressStatus'),
  ],
};
