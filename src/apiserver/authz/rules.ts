/**
 * RBAC rule matching and comparison, with upstream's semantics:
 * - matching a request against one PolicyRule (plugin/pkg/auth/authorizer/rbac RuleAllows and
 *   rbacv1helpers VerbMatches/APIGroupMatches/ResourceMatches/ResourceNameMatches/NonResourceURLMatches);
 * - whether one rule set covers another (pkg/registry/rbac/validation policy_comparator: Covers,
 *   BreakdownRule), and the compact form of the missing rules an escalation error lists
 *   (CompactRules, rbacv1helpers.CompactString).
 */
import type { AuthorizationAttributes } from './types.js';

/** rbac.authorization.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** The request fields rule matching looks at. */
export type RuleRequest = Pick<AuthorizationAttributes, 'verb' | 'isResourceRequest' | 'path' | 'group' | 'resource' | 'subresource' | 'name'>;

function strings(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((x): x is string => typeof x === 'string');
}

/** A PolicyRule read from a stored object (tolerates missing and mistyped fields). */
export function toPolicyRule(raw: unknown): PolicyRule {
  const r = (raw ?? {}) as Record<string, unknown>;
  const out: PolicyRule = { verbs: strings(r.verbs) ?? [] };
  const apiGroups = strings(r.apiGroups);
  const resources = strings(r.resources);
  const resourceNames = strings(r.resourceNames);
  const urls = strings(r.nonResourceURLs);
  if (apiGroups?.length) out.apiGroups = apiGroups;
  if (resources?.length) out.resources = resources;
  if (resourceNames?.length) out.resourceNames = resourceNames;
  if (urls?.length) out.nonResourceURLs = urls;
  return out;
}

/** The rules of a Role or ClusterRole object. */
export function rulesOf(obj: { [field: string]: unknown } | undefined): PolicyRule[] {
  const rules = obj?.rules;
  return Array.isArray(rules) ? rules.map(toPolicyRule) : [];
}

/** VerbMatches: `*` or the exact verb. */
export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.includes('*') || rule.verbs.includes(verb);
}

/** APIGroupMatches: `*` or the exact group ("" is the core group). */
export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  const groups = rule.apiGroups ?? [];
  return groups.includes('*') || groups.includes(group);
}

/**
 * ResourceMatches: `*`, the exact `resource` or `resource/subresource`, or `*\/subresource` for a
 * subresource request. As upstream, `resource/*` is not a wildcard (it matches only itself), and a
 * rule naming `pods` does not grant `pods/log`.
 */
export function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

/**
 * ResourceNameMatches: a rule without resourceNames matches any name; with them, only a request
 * for one of those names. Requests without a name (create, list, watch, deletecollection) never
 * match a resourceNames rule.
 */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** NonResourceURLMatches: `*`, the exact path, or a prefix when the rule ends in `*`. */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

/** RuleAllows: whether one rule grants the request. */
export function ruleAllows(req: RuleRequest, rule: PolicyRule): boolean {
  if (!verbMatches(rule, req.verb)) return false;
  if (!req.isResourceRequest) return nonResourceURLMatches(rule, req.path);
  return apiGroupMatches(rule, req.group) && resourceMatches(rule, req.resource, req.subresource) && resourceNameMatches(rule, req.name);
}

/** Whether any of the rules grants the request. */
export function rulesAllow(req: RuleRequest, rules: readonly PolicyRule[]): boolean {
  for (const r of rules) if (ruleAllows(req, r)) return true;
  return false;
}

/** BreakdownRule: one rule per (group, resource, verb[, resourceName]) and per (URL, verb). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        if (rule.resourceNames?.length) {
          for (const n of rule.resourceNames) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [n] });
        } else {
          out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) {
    for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  }
  return out;
}

function hasAll(set: readonly string[], wanted: readonly string[]): boolean {
  return wanted.every((w) => set.includes(w));
}

/** resourceCoversAll: `*`, each exact resource, or `*\/sub` for a `resource/sub`. */
function resourcesCover(owner: readonly string[], wanted: readonly string[]): boolean {
  if (owner.includes('*')) return true;
  for (const w of wanted) {
    if (owner.includes(w)) continue;
    const slash = w.indexOf('/');
    if (slash < 0) return false;
    if (!owner.includes(`*/${w.slice(slash + 1)}`)) return false;
  }
  return true;
}

function urlsCover(owner: readonly string[], wanted: readonly string[]): boolean {
  return wanted.every((w) => owner.some((o) => o === w || (o.endsWith('*') && w.startsWith(o.replace(/\*+$/, '')))));
}

/** ruleCovers: whether ownerRule grants everything the (broken-down) subRule does. */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = owner.verbs.includes('*') || hasAll(owner.verbs, sub.verbs);
  const groups = (owner.apiGroups ?? []).includes('*') || hasAll(owner.apiGroups ?? [], sub.apiGroups ?? []);
  const resources = resourcesCover(owner.resources ?? [], sub.resources ?? []);
  const urls = urlsCover(owner.nonResourceURLs ?? [], sub.nonResourceURLs ?? []);
  const ownerNames = owner.resourceNames ?? [];
  const subNames = sub.resourceNames ?? [];
  const names = subNames.length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, subNames);
  return verbs && groups && resources && urls && names;
}

/** Covers: whether the owner's rules grant all of the servant's; also the uncovered pieces. */
export function covers(ownerRules: readonly PolicyRule[], servantRules: readonly PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing: PolicyRule[] = [];
  for (const s of servantRules.flatMap(breakdownRule)) {
    if (!ownerRules.some((o) => ruleCovers(o, s))) missing.push(s);
  }
  return { covered: missing.length === 0, missing };
}

/**
 * CompactRules: broken-down rules naming one group and one resource (and at most one name) that
 * differ only by verb are merged into one rule with all the verbs; everything else is kept.
 */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple = !r.nonResourceURLs?.length && (r.resourceNames?.length ?? 0) <= 1 && r.apiGroups?.length === 1 && r.resources?.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups, r.resources, r.resourceNames ?? null]);
    const existing = simple.get(key);
    if (!existing) {
      simple.set(key, { ...r, verbs: [...r.verbs] });
      continue;
    }
    for (const v of r.verbs) if (!existing.verbs.includes(v)) existing.verbs.push(v);
  }
  return [...out, ...simple.values()];
}

/** Go's %q of a []string: `["a" "b"]`. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

/** rbacv1helpers.CompactString: `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoteList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuoteList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuoteList(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${goQuoteList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}
