/**
 * The KubeSchedulerConfiguration file (`kubeling up --scheduler-config FILE`, as
 * `kube-scheduler --config`): YAML or JSON of kubescheduler.config.k8s.io/v1, decoded strictly
 * (unknown fields are errors, as kube-scheduler's strict decoder), defaulted and validated with
 * upstream's field paths, then checked by building the frameworks once.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { invalid, required, unsupported, validatePluginArgs, type FieldErrors } from './config-args.js';
import { EXTENSION_POINTS, REGISTRY, SchedulerConfigError, buildFrameworks, type ProfileConfig, type SchedulerConfiguration } from './profile.js';
import { SchedulerCache } from './cache.js';

/** The only served version (v1beta2/v1beta3 were removed in Kubernetes 1.28/1.29). */
export const SCHEDULER_CONFIG_API_VERSION = 'kubescheduler.config.k8s.io/v1';

/**
 * Top-level fields kube-scheduler accepts. The ones after percentageOfNodesToScore and
 * profiles configure the process (its own leader election, client, ports, back-off, extenders)
 * and are accepted but not applied: Kubeling's scheduler runs in the server's process under its
 * Lease, with the queue's upstream back-off defaults (1 s → 10 s).
 */
const TOP_FIELDS = ['apiVersion', 'kind', 'percentageOfNodesToScore', 'profiles', 'parallelism', 'leaderElection', 'clientConnection', 'healthzBindAddress', 'metricsBindAddress', 'enableProfiling', 'enableContentionProfiling', 'podInitialBackoffSeconds', 'podMaxBackoffSeconds', 'extenders', 'delayCacheUntilActive'];
const APPLIED = new Set(['apiVersion', 'kind', 'percentageOfNodesToScore', 'profiles']);
const PROFILE_FIELDS = ['schedulerName', 'percentageOfNodesToScore', 'plugins', 'pluginConfig'];
const POINTS = ['preEnqueue', 'queueSort', ...EXTENSION_POINTS, 'preBind', 'postBind', 'multiPoint'] as const;
/**
 * Upstream plugins without a counterpart here: the queue sort, binder and scheduling gates are
 * built into the runner, and the volume-limit/zone/DRA plugins have nothing to check. They may be
 * named (disabling them is common in real files) but not given args that change anything.
 */
const BUILT_IN = new Set(['PrioritySort', 'DefaultBinder', 'SchedulingGates']);
const ABSENT = new Set(['NodeVolumeLimits', 'VolumeRestrictions', 'VolumeZone', 'DynamicResources', 'EBSLimits', 'GCEPDLimits', 'AzureDiskLimits', 'CinderLimits']);

/** A parsed configuration and the fields that were accepted without effect. */
export interface LoadedSchedulerConfig {
  config: SchedulerConfiguration;
  /** Human-readable notes about accepted-but-ignored settings, for the log. */
  warnings: string[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and validates a KubeSchedulerConfiguration file; throws SchedulerConfigError naming every bad field. */
export function loadSchedulerConfig(path: string): LoadedSchedulerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SchedulerConfigError(`scheduler config ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseSchedulerConfig(text, path);
}

/** Parses YAML or JSON text (JSON is YAML) and validates it; `source` names it in errors. */
export function parseSchedulerConfig(text: string, source = 'scheduler config'): LoadedSchedulerConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: true });
  } catch (e) {
    throw new SchedulerConfigError(`${source}: not valid YAML or JSON: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const warnings: string[] = [];
  const errs = validateSchedulerConfig(doc, warnings);
  if (errs.length) throw new SchedulerConfigError(`${source} is invalid:\n${errs.map((e) => `  - ${e}`).join('\n')}`);
  const config = defaulted(doc as SchedulerConfiguration);
  try {
    // Framework construction catches what only the plugin objects know (extension points).
    buildFrameworks(config, new SchedulerCache());
  } catch (e) {
    if (e instanceof SchedulerConfigError) throw new SchedulerConfigError(`${source} is invalid:\n  - ${e.message}`);
    throw e;
  }
  return { config, warnings };
}

/** SetDefaults_KubeSchedulerConfiguration: one profile named default-scheduler when none is given. */
function defaulted(c: SchedulerConfiguration): SchedulerConfiguration {
  const profiles: ProfileConfig[] = c.profiles?.length ? c.profiles.map((p) => ({ ...p })) : [{}];
  // Only a single profile gets the default name; several must all be named (validation).
  if (profiles.length === 1 && profiles[0]!.schedulerName === undefined) profiles[0]!.schedulerName = 'default-scheduler';
  return { ...c, profiles };
}

/** Every field error of a decoded document (empty when valid); notes ignored settings in `warnings`. */
export function validateSchedulerConfig(doc: unknown, warnings: string[] = []): FieldErrors {
  const errs: FieldErrors = [];
  if (!isObj(doc)) return [invalid('<root>', doc, 'must be a KubeSchedulerConfiguration object')];
  if (doc.apiVersion === undefined) errs.push(required('apiVersion'));
  else if (doc.apiVersion !== SCHEDULER_CONFIG_API_VERSION) errs.push(unsupported('apiVersion', doc.apiVersion, [SCHEDULER_CONFIG_API_VERSION]));
  if (doc.kind === undefined) errs.push(required('kind'));
  else if (doc.kind !== 'KubeSchedulerConfiguration') errs.push(unsupported('kind', doc.kind, ['KubeSchedulerConfiguration']));
  for (const k of Object.keys(doc)) {
    if (!TOP_FIELDS.includes(k)) errs.push(`${k}: unknown field "${k}"`);
    else if (!APPLIED.has(k)) warnings.push(`${k} is accepted but not applied (the scheduler runs inside the Kubeling server)`);
  }
  percentage('percentageOfNodesToScore', doc.percentageOfNodesToScore, errs);
  const profiles = doc.profiles;
  if (profiles === undefined) return errs;
  if (!Array.isArray(profiles)) return [...errs, invalid('profiles', profiles, 'must be a list')];
  const seen = new Set<string>();
  profiles.forEach((p: unknown, i: number) => {
    const path = `profiles[${i}]`;
    if (!isObj(p)) return void errs.push(invalid(path, p, 'must be a KubeSchedulerProfile object'));
    for (const k of Object.keys(p)) if (!PROFILE_FIELDS.includes(k)) errs.push(`${path}: unknown field "${k}"`);
    const name = p.schedulerName;
    if (name === undefined && profiles.length === 1) {
      // defaulted to default-scheduler
    } else if (typeof name !== 'string' || name === '') errs.push(required(`${path}.schedulerName`));
    else if (seen.has(name)) errs.push(`${path}.schedulerName: Duplicate value: ${JSON.stringify(name)}`);
    else seen.add(name);
    percentage(`${path}.percentageOfNodesToScore`, p.percentageOfNodesToScore, errs);
    validatePlugins(`${path}.plugins`, p.plugins, errs, warnings);
    validatePluginConfig(`${path}.pluginConfig`, p.pluginConfig, errs);
  });
  return errs;
}

function percentage(path: string, v: unknown, errs: FieldErrors): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100) errs.push(invalid(path, v, 'not in valid range [0-100]'));
}

const implemented = new Set(REGISTRY.map(([n]) => n));

function validatePlugins(path: string, plugins: unknown, errs: FieldErrors, warnings: string[]): void {
  if (plugins === undefined || plugins === null) return;
  if (!isObj(plugins)) return void errs.push(invalid(path, plugins, 'must be an object of extension points'));
  for (const [point, set] of Object.entries(plugins)) {
    const pp = `${path}.${point}`;
    if (!(POINTS as readonly string[]).includes(point)) {
      errs.push(`${path}: unknown field "${point}"`);
      continue;
    }
    if (set === null || set === undefined) continue;
    if (!isObj(set)) {
      errs.push(invalid(pp, set, 'must be {enabled, disabled}'));
      continue;
    }
    for (const k of Object.keys(set)) if (k !== 'enabled' && k !== 'disabled') errs.push(`${pp}: unknown field "${k}"`);
    for (const list of ['enabled', 'disabled'] as const) {
      const refs = set[list];
      if (refs === undefined || refs === null) continue;
      if (!Array.isArray(refs)) {
        errs.push(invalid(`${pp}.${list}`, refs, 'must be a list of {name, weight}'));
        continue;
      }
      const seen = new Set<string>();
      refs.forEach((r: unknown, i: number) => {
        const rp = `${pp}.${list}[${i}]`;
        if (!isObj(r) || typeof r.name !== 'string' || r.name === '') return void errs.push(required(`${rp}.name`));
        for (const k of Object.keys(r)) if (k !== 'name' && k !== 'weight') errs.push(`${rp}: unknown field "${k}"`);
        if (seen.has(r.name)) errs.push(`${rp}.name: Duplicate value: ${JSON.stringify(r.name)}`);
        seen.add(r.name);
        if (r.weight !== undefined) {
          if (typeof r.weight !== 'number' || !Number.isInteger(r.weight) || r.weight < 0 || r.weight > 100) errs.push(invalid(`${rp}.weight`, r.weight, 'not in valid range [0-100]'));
          else if (list === 'disabled' || (point !== 'score' && point !== 'multiPoint')) warnings.push(`${rp}.weight only applies to score plugins`);
        }
        const known = implemented.has(r.name) || BUILT_IN.has(r.name) || ABSENT.has(r.name) || (list === 'disabled' && r.name === '*');
        if (!known) errs.push(invalid(`${rp}.name`, r.name, 'plugin not found'));
        else if (list === 'enabled' && ABSENT.has(r.name)) errs.push(invalid(`${rp}.name`, r.name, 'plugin is not supported by Kubeling'));
      });
    }
  }
}

function validatePluginConfig(path: string, pcs: unknown, errs: FieldErrors): void {
  if (pcs === undefined || pcs === null) return;
  if (!Array.isArray(pcs)) return void errs.push(invalid(path, pcs, 'must be a list of {name, args}'));
  const seen = new Set<string>();
  pcs.forEach((pc: unknown, i: number) => {
    const pp = `${path}[${i}]`;
    if (!isObj(pc) || typeof pc.name !== 'string' || pc.name === '') return void errs.push(required(`${pp}.name`));
    for (const k of Object.keys(pc)) if (k !== 'name' && k !== 'args') errs.push(`${pp}: unknown field "${k}"`);
    if (seen.has(pc.name)) errs.push(`${pp}.name: Duplicate value: ${JSON.stringify(pc.name)}`);
    seen.add(pc.name);
    if (!implemented.has(pc.name) && !BUILT_IN.has(pc.name)) return void errs.push(invalid(`${pp}.name`, pc.name, 'plugin not found'));
    validatePluginArgs(pc.name, `${pp}.args`, pc.args, errs);
  });
}
