/**
 * Protobuf field table: certificates.k8s.io/v1 CertificateSigningRequest (kubectl certificate approve/deny).
 * Field numbers, json names and zero handling follow the Go structs in k8s.io/api and
 * k8s.io/apimachinery (protobuf and json struct tags); checked against generated.proto.
 */
import type { MessageTable } from './protobuf-types-schema.js';
import { bytes, i32, map, msg, str, stringList } from './protobuf-types-schema.js';

export const certificatesMessages: MessageTable = {
  'certificates.v1.CertificateSigningRequestSpec': [
    bytes(1, 'request', 'keep'),
    str(7, 'signerName', 'keep'),
    i32(8, 'expirationSeconds', 'keep'),
    str(5, 'usages', 'rep'),
    str(2, 'username'),
    str(3, 'uid'),
    str(4, 'groups', 'rep'),
    map(6, 'extra', 'certificates.v1.ExtraValue'),
  ],
  'certificates.v1.CertificateSigningRequestCondition': [
    str(1, 'type', 'keep'),
    str(6, 'status', 'keep'),
    str(2, 'reason'),
    str(3, 'message'),
    msg(4, 'lastUpdateTime', 'meta.v1.Time'),
    msg(5, 'lastTransitionTime', 'meta.v1.Time'),
  ],
  'certificates.v1.CertificateSigningRequestStatus': [
    msg(1, 'conditions', 'certificates.v1.CertificateSigningRequestCondition', 'rep'),
    bytes(2, 'certificate'),
  ],
  'certificates.v1.CertificateSigningRequest': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'spec', 'certificates.v1.CertificateSigningRequestSpec', 'keep'),
    msg(3, 'status', 'certificates.v1.CertificateSigningRequestStatus'),
  ],
  'certificates.v1.ExtraValue': [stringList(1)],
};
