/**
 * The audit Policy (audit.k8s.io/v1, kube-apiserver --audit-policy-file): an ordered rule list
 * where the first rule matching a request decides its level (None, Metadata, Request,
 * RequestResponse) and the stages to omit. Matching follows upstream's policy checker: users,
 * userGroups and verbs narrow any rule; resources/namespaces only match resource requests,
 * nonResourceURLs only non-resource ones (`/healthz*` prefixes, `*` everything); a request no
 * rule matches is not logged.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { UserInfo } from '../authn/types.js';

/** How much of a request is recorded. */
export type Level = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
/** The points of a request's life an event is written at. */
export type Stage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

export const LEVELS: readonly Level[] = ['None', 'Metadata', 'Request', 'RequestResponse'];
export const STAGES: readonly Stage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

/** audit.k8s.io/v1 GroupResources. */
export interface GroupResources {
  group?: string;
  resources?: string[];
  resourceNames?: string[];
}

/** audit.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  level: Level;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

/** audit.k8s.io/v1 Policy. */
export interface Policy {
  rules: PolicyRule[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

/** What the policy looks at: the authorization attributes of the request (upstream uses the same). */
export interface PolicyAttributes {
  user?: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  path: string;
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

/** The outcome for one request. */
export interface RequestAuditConfig {
  level: Level;
  omitStages: Stage[];
  omitManagedFields: boolean;
}

/**
 * Kubeling's policy for `--audit-log-path` without `--audit-policy-file`: every request at
 * Metadata (who, what, when, the outcome; never a body), one event per request
 * (RequestReceived omitted).
 */
export function defaultPolicy(): Policy {
  return { omitStages: ['RequestReceived'], rules: [{ level: 'Metadata' }] };
}

/** Decides the level and stages of one request: the first matching rule wins, none means None. */
export function evaluatePolicy(policy: Policy, a: PolicyAttributes): RequestAuditConfig {
  for (const r of policy.rules) {
    if (!ruleMatches(r, a)) continue;
    return {
      level: r.level,
      omitStages: [...new Set([...(policy.omitStages ?? []), ...(r.omitStages ?? [])])],
      omitManagedFields: r.omitManagedFields ?? policy.omitManagedFields ?? false,
    };
  }
  return { level: 'None', omitStages: [], omitManagedFields: false };
}

function ruleMatches(r: PolicyRule, a: PolicyAttributes): boolean {
  if (r.users?.length && (!a.user || !r.users.includes(a.user.name))) return false;
  if (r.userGroups?.length && (!a.user || !a.user.groups.some((g) => r.userGroups!.includes(g)))) return false;
  if (r.verbs?.length && !r.verbs.includes(a.verb)) return false;
  if (r.namespaces?.length || r.resources?.length) return resourceMatches(r, a);
  if (r.nonResourceURLs?.length) return !a.isResourceRequest && r.nonResourceURLs.some((spec) => pathMatches(a.path, spec));
  return true;
}

function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.slice(0, -1));
}

function resourceMatches(r: PolicyRule, a: PolicyAttributes): boolean {
  if (!a.isResourceRequest) return false;
  // cluster-scoped resources have the namespace "" (listed as "" in a policy)
  if (r.namespaces?.length && !r.namespaces.includes(a.namespace)) return false;
  if (!r.resources?.length) return true;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  for (const gr of r.resources) {
    if ((gr.group ?? '') !== a.group) continue;
    if (!gr.resources?.length) return true;
    if (gr.resourceNames?.length && !gr.resourceNames.includes(a.name)) continue;
    for (const res of gr.resources) {
      if (res === combined || res === '*') return true;
      if (a.subresource && res.startsWith('*/') && res.slice(2) === a.subresource) return true;
      if (res.endsWith('/*') && res.slice(0, -2) === a.resource) return true;
    }
  }
  return false;
}

/** A policy file that does not parse or validate; the message names the field as upstream's validation does. */
export class AuditPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditPolicyError';
  }
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const q = (v: unknown): string => JSON.stringify(v) ?? 'null';
const supported = (vals: readonly string[]) => `supported values: ${vals.map((v) => q(v)).join(', ')}`;

function strings(v: unknown, path: string, errs: string[]): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    errs.push(`${path}: Invalid value: ${q(v)}: must be a list of strings`);
    return undefined;
  }
  return v as string[];
}

function stages(v: unknown, path: string, errs: string[]): Stage[] | undefined {
  const list = strings(v, path, errs);
  list?.forEach((s, i) => {
    if (!STAGES.includes(s as Stage)) errs.push(`${path}[${i}]: Unsupported value: ${q(s)}: ${supported(STAGES)}`);
  });
  return list as Stage[] | undefined;
}

/** Parses and validates a Policy document (YAML or JSON). */
export function parsePolicy(text: string): Policy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new AuditPolicyError(`failed decoding: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw new AuditPolicyError('failed decoding: the file must hold an audit Policy object');
  if (doc.kind !== 'Policy' || (doc.apiVersion !== 'audit.k8s.io/v1' && doc.apiVersion !== 'audit.k8s.io/v1beta1')) {
    throw new AuditPolicyError(`failed decoding: unexpected object ${q(`${typeof doc.apiVersion === 'string' ? doc.apiVersion : ''}, Kind=${typeof doc.kind === 'string' ? doc.kind : ''}`)}, expected apiVersion audit.k8s.io/v1 and kind Policy`);
  }
  const errs: string[] = [];
  const policy: Policy = { rules: [] };
  const os = stages(doc.omitStages, 'omitStages', errs);
  if (os) policy.omitStages = os;
  if (typeof doc.omitManagedFields === 'boolean') policy.omitManagedFields = doc.omitManagedFields;
  const rules = Array.isArray(doc.rules) ? (doc.rules as unknown[]) : [];
  rules.forEach((raw, i) => {
    const p = `rules[${i}]`;
    if (!isObject(raw)) return errs.push(`${p}: Invalid value: ${q(raw)}: must be an object`);
    const rule: PolicyRule = { level: raw.level as Level };
    if (raw.level === undefined || raw.level === '') errs.push(`${p}.level: Required value`);
    else if (!LEVELS.includes(raw.level as Level)) errs.push(`${p}.level: Unsupported value: ${q(raw.level)}: ${supported(LEVELS)}`);
    for (const f of ['users', 'userGroups', 'verbs', 'namespaces', 'nonResourceURLs'] as const) {
      const v = strings(raw[f], `${p}.${f}`, errs);
      if (v) rule[f] = v;
    }
    rule.nonResourceURLs?.forEach((u, j) => {
      if (u === '*') return;
      if (!u.startsWith('/')) errs.push(`${p}.nonResourceURLs[${j}]: Invalid value: ${q(u)}: non-resource URL rules must begin with a '/' character`);
      if (u.slice(0, -1).includes('*')) errs.push(`${p}.nonResourceURLs[${j}]: Invalid value: ${q(u)}: non-resource URL wildcards '*' must be the final character of the rule`);
    });
    if (raw.resources !== undefined) {
      if (!Array.isArray(raw.resources)) errs.push(`${p}.resources: Invalid value: ${q(raw.resources)}: must be a list`);
      else rule.resources = (raw.resources as unknown[]).map((gr, j) => groupResources(gr, `${p}.resources[${j}]`, errs));
    }
    if (rule.nonResourceURLs?.length && (rule.resources?.length || rule.namespaces?.length)) {
      errs.push(`${p}.nonResourceURLs: Invalid value: ${q(rule.nonResourceURLs)}: rules cannot apply to both regular resources and non-resource URLs`);
    }
    const ros = stages(raw.omitStages, `${p}.omitStages`, errs);
    if (ros) rule.omitStages = ros;
    if (typeof raw.omitManagedFields === 'boolean') rule.omitManagedFields = raw.omitManagedFields;
    return policy.rules.push(rule);
  });
  if (errs.length) throw new AuditPolicyError(errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`);
  return policy;
}

function groupResources(raw: unknown, p: string, errs: string[]): GroupResources {
  if (!isObject(raw)) {
    errs.push(`${p}: Invalid value: ${q(raw)}: must be an object`);
    return {};
  }
  const gr: GroupResources = {};
  if (raw.group !== undefined) {
    if (typeof raw.group !== 'string' || (raw.group !== '' && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(raw.group))) {
      errs.push(`${p}.group: Invalid value: ${q(raw.group)}: must be a valid DNS subdomain (the core group is "")`);
    } else gr.group = raw.group;
  }
  const res = strings(raw.resources, `${p}.resources`, errs);
  if (res) gr.resources = res;
  const names = strings(raw.resourceNames, `${p}.resourceNames`, errs);
  if (names) {
    gr.resourceNames = names;
    if (res?.some((r) => r.includes('*'))) errs.push(`${p}.resourceNames: Invalid value: ${q(names)}: using resource names with a wildcard resource is not supported`);
  }
  return gr;
}

/** Reads and validates --audit-policy-file; errors name the file. */
export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AuditPolicyError(`failed to read audit policy file ${q(path)}: ${(e as Error).message}`);
  }
  try {
    return parsePolicy(text);
  } catch (e) {
    if (e instanceof AuditPolicyError) throw new AuditPolicyError(`invalid audit policy file ${q(path)}: ${e.message}`);
    throw e;
  }
}
