/**
 * PodSecurity admission (k8s.io/pod-security-admission/admission, the in-tree plugin of
 * kube-apiserver): a validating plugin that judges pods against the Pod Security Standard their
 * namespace's `pod-security.kubernetes.io/*` labels select. Enforce rejects pods (403, upstream
 * message); warn answers Warning headers; audit records an audit annotation. Workload templates
 * (Deployments, Jobs, …) are only warned about and audited, never rejected, as upstream: their
 * pods are judged when the controller creates them. Namespace label values are validated, and
 * tightening a namespace's enforce level warns about existing pods that would be rejected.
 * Kubeling configures no exemptions.
 */
import type { PodSpec, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { errors } from '../../../api/errors.js';
import type { FieldError } from '../../../api/field.js';
import { formatFieldError } from '../../../api/field.js';
import type { KubeObject } from '../../../api/object.js';
import { deepEqual } from '../../../api/object.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../types.js';
import type { LevelVersion, Policy } from './api.js';
import { auditViolationsAnnotation, compareLevels, enforcedPolicyAnnotation, fullyPrivileged, labelPrefix, latest, levelVersionString, policyToEvaluate, sameLevelVersion, sameVersion } from './api.js';
import { aggregate, Evaluator, forbiddenDetail } from './evaluator.js';
import { evaluatePodsInNamespace } from './namespace.js';

/**
 * Attributes that can carry audit annotations (the audit slice's hook; absent, audit mode only
 * computes). Keys are recorded with the `pod-security.kubernetes.io/` prefix as upstream does.
 */
export interface AuditAnnotationSink {
  addAuditAnnotation?(key: string, value: string): void;
}

/** Options of the PodSecurity plugin. */
export interface PodSecurityOptions {
  evaluator?: Evaluator;
  /** existing pods checked when a namespace's enforce level tightens (upstream: 3000) */
  maxPodsToCheck?: number;
}

/** Pod subresources that cannot change what PodSecurity judges (ephemeralcontainers is judged). */
const ignoredPodSubresources = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);

type TemplateOf = (obj: KubeObject) => PodTemplateSpec | null | undefined;

const specTemplate: TemplateOf = (o) => (o.spec as { template?: PodTemplateSpec } | undefined)?.template;

/** The workload resources whose pod template PodSecurity inspects (upstream defaultPodSpecResources). */
const podControllers = new Map<string, TemplateOf>([
  ['/replicationcontrollers', specTemplate],
  ['/podtemplates', (o) => (o as { template?: PodTemplateSpec }).template],
  ['apps/replicasets', specTemplate],
  ['apps/deployments', specTemplate],
  ['apps/statefulsets', specTemplate],
  ['apps/daemonsets', specTemplate],
  ['batch/jobs', specTemplate],
  ['batch/cronjobs', (o) => (o.spec as { jobTemplate?: { spec?: { template?: PodTemplateSpec } } } | undefined)?.jobTemplate?.spec?.template],
]);

function labelsOf(o: KubeObject | undefined): Record<string, string> | undefined {
  return o?.metadata.labels ?? undefined;
}

function aggregateErrors(errs: FieldError[]): string {
  const msgs = errs.map((e) => formatFieldError(e));
  return msgs.length === 1 ? (msgs[0] ?? '') : `[${msgs.join(', ')}]`;
}

/** Only image changes (and new ephemeral containers) can change a stored pod's verdict. */
export function isSignificantPodUpdate(pod: KubeObject, old: KubeObject): boolean {
  const s = (pod.spec ?? {}) as PodSpec;
  const o = (old.spec ?? {}) as PodSpec;
  const cs = s.containers ?? [];
  const ocs = o.containers ?? [];
  const ics = s.initContainers ?? [];
  const oics = o.initContainers ?? [];
  if (cs.length !== ocs.length || ics.length !== oics.length) return true;
  if (cs.some((c, i) => c.image !== ocs[i]?.image) || ics.some((c, i) => c.image !== oics[i]?.image)) return true;
  const oldEphemeral = o.ephemeralContainers ?? [];
  return (s.ephemeralContainers ?? []).some((c) => {
    const prev = oldEphemeral.find((p) => p.name === c.name);
    return !prev || prev.image !== c.image;
  });
}

/** Builds the PodSecurity plugin. */
export function podSecurityAdmission(opts: PodSecurityOptions = {}): AdmissionPlugin {
  const evaluator = opts.evaluator ?? new Evaluator();
  const maxPods = opts.maxPodsToCheck ?? 3000;

  async function namespacePolicy(a: AdmissionAttributes): Promise<{ policy: Policy; errors: FieldError[] }> {
    // A missing namespace (NamespaceLifecycle already guards creates) reads as unlabelled.
    return policyToEvaluate(labelsOf(await a.get('', 'namespaces', '', a.namespace)));
  }

  function annotate(a: AdmissionAttributes, key: string, value: string): void {
    (a as AdmissionAttributes & AuditAnnotationSink).addAuditAnnotation?.(labelPrefix + key, value);
  }

  /** Runs enforce (pods only), audit and warn; throws the enforce rejection last. */
  function evaluatePod(a: AdmissionAttributes, policy: Policy, policyErrors: FieldError[], meta: ObjectMeta, spec: PodSpec, enforce: boolean): void {
    if (policyErrors.length) annotate(a, 'error', `Failed to parse policy: ${aggregateErrors(policyErrors)}`);
    const cache: { lv: LevelVersion; result: ReturnType<typeof aggregate> }[] = [];
    const judge = (lv: LevelVersion): ReturnType<typeof aggregate> => {
      const hit = cache.find((c) => sameLevelVersion(c.lv, lv));
      if (hit) return hit.result;
      const result = aggregate(evaluator.evaluate(lv, meta, spec));
      cache.push({ lv, result });
      return result;
    };
    let rejection: Error | undefined;
    if (enforce) {
      annotate(a, enforcedPolicyAnnotation, levelVersionString(policy.enforce));
      const r = judge(policy.enforce);
      if (!r.allowed) {
        rejection = errors.forbidden(`pods "${a.name}" is forbidden: violates PodSecurity ${JSON.stringify(levelVersionString(policy.enforce))}: ${forbiddenDetail(r)}`, { group: '', resource: 'pods' }, a.name);
      }
    }
    const audit = judge(policy.audit);
    if (!audit.allowed) annotate(a, auditViolationsAnnotation, `would violate PodSecurity ${JSON.stringify(levelVersionString(policy.audit))}: ${forbiddenDetail(audit)}`);
    if (rejection) throw rejection;
    const warn = judge(policy.warn);
    if (!warn.allowed) a.warn(`would violate PodSecurity ${JSON.stringify(levelVersionString(policy.warn))}: ${forbiddenDetail(warn)}`);
  }

  async function validatePod(a: AdmissionAttributes): Promise<void> {
    if (ignoredPodSubresources.has(a.subresource) || (a.operation !== 'CREATE' && a.operation !== 'UPDATE') || !a.object) return;
    const { policy, errors: errs } = await namespacePolicy(a);
    if (errs.length === 0 && fullyPrivileged(policy)) {
      annotate(a, enforcedPolicyAnnotation, levelVersionString({ level: 'privileged', version: latest }));
      return;
    }
    if (a.operation === 'UPDATE' && a.oldObject && !isSignificantPodUpdate(a.object, a.oldObject)) return;
    evaluatePod(a, policy, errs, a.object.metadata, (a.object.spec ?? {}) as PodSpec, true);
  }

  async function validateController(a: AdmissionAttributes, templateOf: TemplateOf): Promise<void> {
    if (a.subresource !== '' || (a.operation !== 'CREATE' && a.operation !== 'UPDATE') || !a.object) return;
    const { policy, errors: errs } = await namespacePolicy(a);
    if (errs.length === 0 && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') return;
    const template = templateOf(a.object);
    if (!template) return;
    evaluatePod(a, policy, errs, template.metadata ?? {}, template.spec ?? { containers: [] }, false);
  }

  async function validateNamespace(a: AdmissionAttributes): Promise<void> {
    if (a.subresource !== '' || !a.object) return;
    const next = policyToEvaluate(labelsOf(a.object));
    const invalid = (): Error => errors.invalid('', 'Namespace', a.name, next.errors);
    if (a.operation === 'CREATE') {
      if (next.errors.length) throw invalid();
      return;
    }
    if (a.operation !== 'UPDATE' || !a.oldObject) return;
    const prev = policyToEvaluate(labelsOf(a.oldObject));
    // Labels already invalid before (and unchanged in their errors) stay accepted, as upstream.
    if (next.errors.length && (prev.errors.length === 0 || !deepEqual(next.errors, prev.errors))) throw invalid();
    const ne = next.policy.enforce;
    const oe = prev.policy.enforce;
    if (sameLevelVersion(ne, oe) || ne.level === 'privileged') return;
    if (sameVersion(ne.version, oe.version) && compareLevels(ne.level, oe.level) < 1) return;
    if (!a.list) return;
    const pods = (await a.list('', 'pods')).filter((p) => p.metadata.namespace === a.name);
    for (const w of evaluatePodsInNamespace(evaluator, a.name, ne, pods, maxPods)) a.warn(w);
  }

  return {
    name: 'PodSecurity',
    async validate(a) {
      const key = `${a.def.group}/${a.def.resource}`;
      if (key === '/namespaces') return validateNamespace(a);
      if (key === '/pods') return validatePod(a);
      const templateOf = podControllers.get(key);
      if (templateOf) return validateController(a, templateOf);
    },
  };
}
