/**
 * authorization.k8s.io/v1 access reviews (pkg/registry/authorization/*): SubjectAccessReview
 * (cluster-scoped, about any user), LocalSubjectAccessReview (the same, confined to one
 * namespace), SelfSubjectAccessReview (about the caller: `kubectl auth can-i`) and
 * SelfSubjectRulesReview (the caller's rules in a namespace: `kubectl auth can-i --list`).
 * Each asks the API server's own authorizer (read from deps at request time, so RBAC answers
 * once it is installed) and echoes the request with a filled status; nothing is stored.
 */
import type { KubeObject } from '../../api/object.js';
import { ApiError, errors } from '../../api/errors.js';
import type { FieldError } from '../../api/field.js';
import { field, GoLiteral } from '../../api/field.js';
import type { UserInfo } from '../authn/types.js';
import type { RequestCtx } from '../handlers/context.js';
import type { AuthorizationAttributes, Authorizer, RulesReview } from './types.js';
import type { ReviewApi } from './review-common.js';
import { goObjectMeta, metaIsEmpty, readReview, respondReview, reviewDef } from './review-common.js';

/** The API group and version of the access reviews. */
export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

/** authorization.k8s.io/v1 ResourceAttributes (the fields the authorizer sees; selectors are accepted and not evaluated). */
interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

/** authorization.k8s.io/v1 NonResourceAttributes. */
interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

/** SubjectAccessReviewSpec (SelfSubjectAccessReviewSpec is its first two fields). */
interface AccessReviewSpec {
  resourceAttributes?: ResourceAttributes | null;
  nonResourceAttributes?: NonResourceAttributes | null;
  user?: string;
  groups?: string[] | null;
  uid?: string;
  extra?: Record<string, string[] | null> | null;
}

function specOf(obj: KubeObject): AccessReviewSpec {
  const spec = obj.spec;
  if (spec && typeof spec === 'object' && !Array.isArray(spec)) return spec;
  obj.spec = {};
  return obj.spec as AccessReviewSpec;
}

/** Go's %#v of the internal NonResourceAttributes, as upstream prints the bad value. */
function goNonResource(a: NonResourceAttributes | null | undefined): GoLiteral | string {
  if (!a) return 'null';
  return new GoLiteral(`authorization.NonResourceAttributes{Path:${JSON.stringify(a.path ?? '')}, Verb:${JSON.stringify(a.verb ?? '')}}`);
}

/** ValidateSelfSubjectAccessReviewSpec (and the first half of ValidateSubjectAccessReviewSpec). */
function validateAttributesChoice(spec: AccessReviewSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    errs.push(field.invalid('spec.nonResourceAttributes', goNonResource(spec.nonResourceAttributes), 'cannot be specified in combination with resourceAttributes'));
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    errs.push(field.invalid('spec.resourceAttributes', goNonResource(spec.nonResourceAttributes), 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  }
  return errs;
}

/** ValidateSubjectAccessReviewSpec: one kind of attributes, and a user or a group to ask about. */
function validateSubjectSpec(spec: AccessReviewSpec): FieldError[] {
  const errs = validateAttributesChoice(spec);
  if (!spec.user && !spec.groups?.length) errs.push(field.invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
  return errs;
}

function invalid(rc: RequestCtx, errs: FieldError[]): ApiError {
  return errors.invalid(AUTHORIZATION_GROUP, rc.def.kind, '', errs);
}

/**
 * The authorizer's question (authorizationutil.ResourceAttributesFrom / NonResourceAttributesFrom):
 * an empty version means every version ("*").
 */
export function attributesFrom(user: UserInfo, spec: AccessReviewSpec): AuthorizationAttributes {
  const r = spec.resourceAttributes;
  if (r) {
    return {
      user,
      verb: r.verb ?? '',
      isResourceRequest: true,
      path: '',
      group: r.group ?? '',
      version: r.version || '*',
      resource: r.resource ?? '',
      subresource: r.subresource ?? '',
      namespace: r.namespace ?? '',
      name: r.name ?? '',
    };
  }
  const n = spec.nonResourceAttributes ?? {};
  return { user, verb: n.verb ?? '', isResourceRequest: false, path: n.path ?? '', group: '', version: '', resource: '', subresource: '', namespace: '', name: '' };
}

/** The user a SubjectAccessReviewSpec names (user, groups, uid, extra), taken as given: no implicit groups. */
function subjectOf(spec: AccessReviewSpec): UserInfo {
  const u: UserInfo = { name: spec.user ?? '', groups: [...(spec.groups ?? [])] };
  if (spec.uid) u.uid = spec.uid;
  if (spec.extra && Object.keys(spec.extra).length) {
    u.extra = Object.fromEntries(Object.entries(spec.extra).map(([k, v]) => [k, [...(v ?? [])]]));
  }
  return u;
}

/** SubjectAccessReviewStatus: allowed always present; reason and evaluationError when set (the authorizers here never deny outright, so no denied). */
async function decide(authorizer: Authorizer, attrs: AuthorizationAttributes): Promise<Record<string, unknown>> {
  try {
    const d = await authorizer.authorize(attrs);
    const status: Record<string, unknown> = { allowed: d.allowed };
    if (d.reason) status.reason = d.reason;
    return status;
  } catch (e) {
    // An authorizer failure is an evaluation error of this review, not a failed request.
    return { allowed: false, evaluationError: e instanceof Error ? e.message : String(e) };
  }
}

async function answer(rc: RequestCtx, obj: KubeObject, user: UserInfo, spec: AccessReviewSpec): Promise<void> {
  obj.status = await decide(rc.deps.authorizer, attributesFrom(user, spec));
  respondReview(rc, obj);
}

/** POST /apis/authorization.k8s.io/v1/subjectaccessreviews: may user/groups do this? */
export async function handleSubjectAccessReview(rc: RequestCtx): Promise<void> {
  const obj = await readReview(rc);
  const spec = specOf(obj);
  const errs = validateSubjectSpec(spec);
  if (!metaIsEmpty(obj.metadata)) errs.push(field.invalid('metadata', goObjectMeta(obj.metadata), 'must be empty'));
  if (errs.length) throw invalid(rc, errs);
  await answer(rc, obj, subjectOf(spec), spec);
}

/** POST /apis/authorization.k8s.io/v1/namespaces/{ns}/localsubjectaccessreviews: the same, within one namespace. */
export async function handleLocalSubjectAccessReview(rc: RequestCtx): Promise<void> {
  const obj = await readReview(rc);
  const spec = specOf(obj);
  const ns = obj.metadata.namespace ?? '';
  const errs = validateSubjectSpec(spec);
  if (!metaIsEmpty(obj.metadata, ['namespace'])) errs.push(field.invalid('metadata', goObjectMeta(obj.metadata), 'must be empty except for namespace'));
  if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? '') !== ns) {
    errs.push(field.invalid('spec.resourceAttributes.namespace', spec.resourceAttributes.namespace ?? '', 'must match metadata.namespace'));
  }
  if (spec.nonResourceAttributes) errs.push(field.invalid('spec.nonResourceAttributes', goNonResource(spec.nonResourceAttributes), 'disallowed on this kind of request'));
  if (errs.length) throw invalid(rc, errs);
  if (rc.info.namespace !== ns) throw errors.badRequest(`spec.resourceAttributes.namespace must match namespace: ${rc.info.namespace}`);
  await answer(rc, obj, subjectOf(spec), spec);
}

/** POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews: may I do this? (`kubectl auth can-i`) */
export async function handleSelfSubjectAccessReview(rc: RequestCtx): Promise<void> {
  const obj = await readReview(rc);
  const spec = specOf(obj);
  const errs = validateAttributesChoice(spec);
  if (!metaIsEmpty(obj.metadata)) errs.push(field.invalid('metadata', goObjectMeta(obj.metadata), 'must be empty'));
  if (errs.length) throw invalid(rc, errs);
  // Only the attributes are echoed: a self review has no subject fields.
  obj.spec = spec.resourceAttributes ? { resourceAttributes: spec.resourceAttributes } : { nonResourceAttributes: spec.nonResourceAttributes };
  await answer(rc, obj, rc.user, spec);
}

/**
 * The rules of a user in a namespace. Authorizers that cannot list rules (no rulesFor) give none
 * and incomplete=true, as upstream's union of authorizers does for one without a rule resolver.
 */
export async function rulesOf(authorizer: Authorizer, user: UserInfo, namespace: string): Promise<RulesReview> {
  if (!authorizer.rulesFor) return { resourceRules: [], nonResourceRules: [], incomplete: true };
  try {
    return await authorizer.rulesFor(user, namespace);
  } catch (e) {
    return { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: e instanceof Error ? e.message : String(e) };
  }
}

/** POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews: what may I do in spec.namespace? (`kubectl auth can-i --list`) */
export async function handleSelfSubjectRulesReview(rc: RequestCtx): Promise<void> {
  const obj = await readReview(rc);
  const spec = (obj.spec ?? {}) as { namespace?: string };
  if (!spec.namespace) throw errors.badRequest('no namespace on request');
  const rules = await rulesOf(rc.deps.authorizer, rc.user, spec.namespace);
  const status: Record<string, unknown> = {
    resourceRules: rules.resourceRules.map((r) => ({ ...r, verbs: [...r.verbs] })),
    nonResourceRules: rules.nonResourceRules.map((r) => ({ ...r, verbs: [...r.verbs] })),
    incomplete: rules.incomplete,
  };
  if (rules.evaluationError) status.evaluationError = rules.evaluationError;
  // Upstream answers a fresh object: the spec is not echoed.
  respondReview(rc, { apiVersion: obj.apiVersion, kind: obj.kind, metadata: {}, spec: {}, status });
}

/** The four access review APIs, for index.ts to serve (ResourceTable source "reviews", ApiServer.registerCreate). */
export function accessReviewApis(): ReviewApi[] {
  const g = AUTHORIZATION_GROUP;
  return [
    { def: reviewDef(g, 'v1', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', true), handler: handleLocalSubjectAccessReview },
    { def: reviewDef(g, 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false), handler: handleSelfSubjectAccessReview },
    { def: reviewDef(g, 'v1', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false), handler: handleSelfSubjectRulesReview },
    { def: reviewDef(g, 'v1', 'SubjectAccessReview', 'subjectaccessreviews', false), handler: handleSubjectAccessReview },
  ];
}
