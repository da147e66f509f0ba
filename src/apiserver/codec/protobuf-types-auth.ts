/**
 * Protobuf field table: authentication.k8s.io (TokenRequest, SelfSubjectReview) and authorization.k8s.io (SelfSubject*Review).
 * Field numbers, json names and zero handling follow the Go structs in k8s.io/api and
 * k8s.io/apimachinery (protobuf and json struct tags); checked against generated.proto.
 */
import type { MessageTable } from './protobuf-types-schema.js';
import { bool, i64, map, msg, str, stringList } from './protobuf-types-schema.js';

export const authMessages: MessageTable = {
  'authentication.v1.BoundObjectReference': [str(1, 'kind'), str(2, 'apiVersion'), str(3, 'name'), str(4, 'uid')],
  'authentication.v1.TokenRequestSpec': [
    str(1, 'audiences', 'rep'),
    i64(4, 'expirationSeconds', 'keep'),
    msg(3, 'boundObjectRef', 'authentication.v1.BoundObjectReference', 'keep'),
    map(5, 'attestations', 'authentication.v1.AttestationValue'),
  ],
  'authentication.v1.TokenRequestStatus': [
    str(1, 'token', 'keep'),
    msg(2, 'expirationTimestamp', 'meta.v1.Time', 'keep'),
  ],
  'authentication.v1.TokenRequest': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'spec', 'authentication.v1.TokenRequestSpec', 'keep'),
    msg(3, 'status', 'authentication.v1.TokenRequestStatus'),
  ],
  'authentication.v1.UserInfo': [
    str(1, 'username'),
    str(2, 'uid'),
    str(3, 'groups', 'rep'),
    map(4, 'extra', 'authentication.v1.ExtraValue'),
  ],
  'authentication.v1.SelfSubjectReviewStatus': [msg(1, 'userInfo', 'authentication.v1.UserInfo')],
  'authentication.v1.SelfSubjectReview': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'status', 'authentication.v1.SelfSubjectReviewStatus'),
  ],
  'authentication.v1beta1.SelfSubjectReviewStatus': [msg(1, 'userInfo', 'authentication.v1.UserInfo')],
  'authentication.v1beta1.SelfSubjectReview': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'status', 'authentication.v1beta1.SelfSubjectReviewStatus'),
  ],
  'authorization.v1.FieldSelectorAttributes': [
    str(1, 'rawSelector'),
    msg(2, 'requirements', 'meta.v1.FieldSelectorRequirement', 'rep'),
  ],
  'authorization.v1.LabelSelectorAttributes': [
    str(1, 'rawSelector'),
    msg(2, 'requirements', 'meta.v1.LabelSelectorRequirement', 'rep'),
  ],
  'authorization.v1.ResourceAttributes': [
    str(1, 'namespace'),
    str(2, 'verb'),
    str(3, 'group'),
    str(4, 'version'),
    str(5, 'resource'),
    str(6, 'subresource'),
    str(7, 'name'),
    msg(8, 'fieldSelector', 'authorization.v1.FieldSelectorAttributes', 'keep'),
    msg(9, 'labelSelector', 'authorization.v1.LabelSelectorAttributes', 'keep'),
  ],
  'authorization.v1.NonResourceAttributes': [str(1, 'path'), str(2, 'verb')],
  'authorization.v1.SelfSubjectAccessReviewSpec': [
    msg(1, 'resourceAttributes', 'authorization.v1.ResourceAttributes', 'keep'),
    msg(2, 'nonResourceAttributes', 'authorization.v1.NonResourceAttributes', 'keep'),
  ],
  'authorization.v1.SubjectAccessReviewStatus': [
    bool(1, 'allowed', 'keep'),
    bool(4, 'denied'),
    str(2, 'reason'),
    str(3, 'evaluationError'),
  ],
  'authorization.v1.SelfSubjectAccessReview': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'spec', 'authorization.v1.SelfSubjectAccessReviewSpec', 'keep'),
    msg(3, 'status', 'authorization.v1.SubjectAccessReviewStatus'),
  ],
  'authorization.v1.SelfSubjectRulesReviewSpec': [str(1, 'namespace')],
  'authorization.v1.ResourceRule': [
    str(1, 'verbs', 'rep'),
    str(2, 'apiGroups', 'rep'),
    str(3, 'resources', 'rep'),
    str(4, 'resourceNames', 'rep'),
  ],
  'authorization.v1.NonResourceRule': [str(1, 'verbs', 'rep'), str(2, 'nonResourceURLs', 'rep')],
  'authorization.v1.SubjectRulesReviewStatus': [
    msg(1, 'resourceRules', 'authorization.v1.ResourceRule', 'rep'),
    msg(2, 'nonResourceRules', 'authorization.v1.NonResourceRule', 'rep'),
    bool(3, 'incomplete', 'keep'),
    str(4, 'evaluationError'),
  ],
  'authorization.v1.SelfSubjectRulesReview': [
    msg(1, 'metadata', 'meta.v1.ObjectMeta'),
    msg(2, 'spec', 'authorization.v1.SelfSubjectRulesReviewSpec', 'keep'),
    msg(3, 'status', 'authorization.v1.SubjectRulesReviewStatus'),
  ],
  'authentication.v1.AttestationValue': [stringList(1)],
  'authentication.v1.ExtraValue': [stringList(1)],
};
