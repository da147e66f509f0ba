/**
 * Validation of pluginConfig[].args, after upstream's pkg/scheduler/apis/config/validation
 * (validation_pluginargs.go): same field paths and the field.Error message shapes
 * ("<path>: Invalid value: <v>: <detail>", "Unsupported value", "Required value", "Forbidden").
 */

/** One field error: the path and the whole message. */
export type FieldErrors = string[];

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));
/** field.Invalid. */
export const invalid = (path: string, v: unknown, detail: string): string => `${path}: Invalid value: ${show(v)}: ${detail}`;
/** field.NotSupported. */
export const unsupported = (path: string, v: unknown, allowed: readonly string[]): string =>
  `${path}: Unsupported value: ${show(v)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
/** field.Required. */
export const required = (path: string, detail = ''): string => `${path}: Required value${detail ? `: ${detail}` : ''}`;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Strict decoding: fields the args type does not have are errors (kube-scheduler decodes strictly). */
function unknownFields(path: string, o: Record<string, unknown>, known: readonly string[], errs: FieldErrors): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) errs.push(`${path}: unknown field "${k}"`);
}

function intIn(path: string, v: unknown, lo: number, hi: number, errs: FieldErrors): void {
  if (v === undefined) return;
  if (!isInt(v) || v < lo || v > hi) errs.push(invalid(path, v, `not in valid range [${lo}-${hi}]`));
}

const STRATEGIES = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'] as const;

/** NodeResourcesFitArgs: scoringStrategy type, resources (weight 1..100), RequestedToCapacityRatio shape. */
function validateFit(path: string, a: Record<string, unknown>, errs: FieldErrors): void {
  unknownFields(path, a, ['kind', 'apiVersion', 'ignoredResources', 'ignoredResourceGroups', 'scoringStrategy'], errs);
  for (const f of ['ignoredResources', 'ignoredResourceGroups'] as const) {
    const v = a[f];
    if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) errs.push(invalid(`${path}.${f}`, v, 'must be a list of resource names'));
  }
  const groups = a.ignoredResourceGroups;
  if (Array.isArray(groups)) groups.forEach((g, i) => typeof g === 'string' && g.includes('/') && errs.push(invalid(`${path}.ignoredResourceGroups[${i}]`, g, "resource group name can't contain '/'")));
  const s = a.scoringStrategy;
  if (s === undefined) return;
  const sp = `${path}.scoringStrategy`;
  if (!isObj(s)) {
    errs.push(invalid(sp, s, 'must be an object'));
    return;
  }
  unknownFields(sp, s, ['type', 'resources', 'requestedToCapacityRatio'], errs);
  const type = s.type ?? 'LeastAllocated';
  if (!STRATEGIES.includes(type as (typeof STRATEGIES)[number])) errs.push(unsupported(`${sp}.type`, type, STRATEGIES));
  validateResources(`${sp}.resources`, s.resources, 1, 100, errs);
  const r = s.requestedToCapacityRatio;
  if (type === 'RequestedToCapacityRatio') {
    if (!isObj(r) || !Array.isArray(r.shape) || r.shape.length === 0) {
      errs.push(required(`${sp}.requestedToCapacityRatio.shape`, 'at least one point must be specified'));
      return;
    }
    let prev = -1;
    r.shape.forEach((pt: unknown, i: number) => {
      const pp = `${sp}.requestedToCapacityRatio.shape[${i}]`;
      if (!isObj(pt)) return void errs.push(invalid(pp, pt, 'must be an object with utilization and score'));
      intIn(`${pp}.utilization`, pt.utilization, 0, 100, errs);
      intIn(`${pp}.score`, pt.score, 0, 10, errs);
      if (isInt(pt.utilization)) {
        if (pt.utilization <= prev) errs.push(invalid(`${pp}.utilization`, pt.utilization, 'utilization values must be sorted in increasing order'));
        prev = pt.utilization;
      }
    });
  } else if (r !== undefined) {
    errs.push(`${sp}.requestedToCapacityRatio: Forbidden: only allowed with type "RequestedToCapacityRatio"`);
  }
}

function validateResources(path: string, v: unknown, lo: number, hi: number, errs: FieldErrors): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) return void errs.push(invalid(path, v, 'must be a list of {name, weight}'));
  const seen = new Set<string>();
  v.forEach((r: unknown, i: number) => {
    if (!isObj(r) || typeof r.name !== 'string' || r.name === '') return void errs.push(required(`${path}[${i}].name`));
    if (seen.has(r.name)) errs.push(`${path}[${i}].name: Duplicate value: ${JSON.stringify(r.name)}`);
    seen.add(r.name);
    if (!isInt(r.weight) || r.weight < lo || r.weight > hi) errs.push(invalid(`${path}[${i}].weight`, r.weight, `resource weight of ${r.name} should be in range [${lo}, ${hi}]`));
  });
}

const DEFAULTING = ['System', 'List'] as const;
const WHEN = ['DoNotSchedule', 'ScheduleAnyway'] as const;

/** PodTopologySpreadArgs: defaultingType, and default constraints without selectors. */
function validateSpread(path: string, a: Record<string, unknown>, errs: FieldErrors): void {
  unknownFields(path, a, ['kind', 'apiVersion', 'defaultConstraints', 'defaultingType'], errs);
  const type = a.defaultingType ?? 'System';
  if (!DEFAULTING.includes(type as (typeof DEFAULTING)[number])) errs.push(unsupported(`${path}.defaultingType`, type, DEFAULTING));
  const cs = a.defaultConstraints;
  if (cs === undefined) return;
  if (!Array.isArray(cs)) return void errs.push(invalid(`${path}.defaultConstraints`, cs, 'must be a list'));
  if (type === 'System' && cs.length > 0) errs.push(invalid(`${path}.defaultingType`, type, 'when .defaultConstraints are not empty, defaultingType can only be "List"'));
  const seen = new Set<string>();
  cs.forEach((c: unknown, i: number) => {
    const cp = `${path}.defaultConstraints[${i}]`;
    if (!isObj(c)) return void errs.push(invalid(cp, c, 'must be an object'));
    if (!isInt(c.maxSkew) || c.maxSkew <= 0) errs.push(invalid(`${cp}.maxSkew`, c.maxSkew, 'must be greater than zero'));
    if (typeof c.topologyKey !== 'string' || c.topologyKey === '') errs.push(required(`${cp}.topologyKey`, 'can not be empty'));
    if (!WHEN.includes(c.whenUnsatisfiable as (typeof WHEN)[number])) errs.push(unsupported(`${cp}.whenUnsatisfiable`, c.whenUnsatisfiable, WHEN));
    if (c.labelSelector !== undefined) errs.push(`${cp}.labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod`);
    const key = `${String(c.topologyKey)}/${String(c.whenUnsatisfiable)}`;
    if (seen.has(key)) errs.push(`${cp}: Duplicate value: {${JSON.stringify(c.topologyKey)}, ${JSON.stringify(c.whenUnsatisfiable)}}`);
    seen.add(key);
  });
}

/** InterPodAffinityArgs: hardPodAffinityWeight in [0, 100]. */
function validateInterPodAffinity(path: string, a: Record<string, unknown>, errs: FieldErrors): void {
  unknownFields(path, a, ['kind', 'apiVersion', 'hardPodAffinityWeight', 'ignorePreferredTermsOfExistingPods'], errs);
  intIn(`${path}.hardPodAffinityWeight`, a.hardPodAffinityWeight, 0, 100, errs);
  const ig = a.ignorePreferredTermsOfExistingPods;
  if (ig !== undefined && typeof ig !== 'boolean') errs.push(invalid(`${path}.ignorePreferredTermsOfExistingPods`, ig, 'must be a boolean'));
}

/** DefaultPreemptionArgs: percentage in [0, 100], absolute ≥ 0, not both zero. */
function validatePreemption(path: string, a: Record<string, unknown>, errs: FieldErrors): void {
  unknownFields(path, a, ['kind', 'apiVersion', 'minCandidateNodesPercentage', 'minCandidateNodesAbsolute'], errs);
  intIn(`${path}.minCandidateNodesPercentage`, a.minCandidateNodesPercentage, 0, 100, errs);
  const abs = a.minCandidateNodesAbsolute;
  if (abs !== undefined && (!isInt(abs) || abs < 0)) errs.push(invalid(`${path}.minCandidateNodesAbsolute`, abs, 'not in valid range [0, inf)'));
  if (a.minCandidateNodesPercentage === 0 && abs === 0) errs.push(invalid(`${path}.minCandidateNodesPercentage`, 0, 'cannot be zero at the same time as minCandidateNodesAbsolute'));
}

/** NodeResourcesBalancedAllocationArgs: resources with weight 1 (upstream allows only 1). */
function validateBalanced(path: string, a: Record<string, unknown>, errs: FieldErrors): void {
  unknownFields(path, a, ['kind', 'apiVersion', 'resources'], errs);
  validateResources(`${path}.resources`, a.resources, 1, 1, errs);
}

const VALIDATORS: Record<string, (path: string, a: Record<string, unknown>, errs: FieldErrors) => void> = {
  NodeResourcesFit: validateFit,
  PodTopologySpread: validateSpread,
  InterPodAffinity: validateInterPodAffinity,
  DefaultPreemption: validatePreemption,
  NodeResourcesBalancedAllocation: validateBalanced,
};

/**
 * Validates one plugin's args at `path` (e.g. "profiles[0].pluginConfig[1].args"); plugins without
 * args (NodeAffinity's addedAffinity aside) accept an empty object only.
 */
export function validatePluginArgs(plugin: string, path: string, args: unknown, errs: FieldErrors): void {
  if (args === undefined || args === null) return;
  if (!isObj(args)) return void errs.push(invalid(path, args, 'must be an object'));
  const v = VALIDATORS[plugin];
  if (v) return v(path, args, errs);
  unknownFields(path, args, ['kind', 'apiVersion'], errs);
}
