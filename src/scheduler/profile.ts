/**
 * Profiles from a KubeSchedulerConfiguration-style object (kubescheduler.config.k8s.io/v1):
 * the default plugin set and weights of upstream's default profile, with per-profile
 * enabled/disabled lists, score weights and pluginConfig args.
 */
import { Framework } from './framework.js';
import { DefaultPreemption } from './plugins/defaultpreemption/index.js';
import { ImageLocality } from './plugins/imagelocality/index.js';
import { InterPodAffinity } from './plugins/interpodaffinity/index.js';
import { NodeAffinity } from './plugins/nodeaffinity/index.js';
import { NodeName } from './plugins/nodename/index.js';
import { NodePorts } from './plugins/nodeports/index.js';
import { NodeResourcesBalancedAllocation, NodeResourcesFit } from './plugins/noderesources/index.js';
import { NodeUnschedulable } from './plugins/nodeunschedulable/index.js';
import { PodTopologySpread } from './plugins/podtopologyspread/index.js';
import { TaintToleration } from './plugins/tainttoleration/index.js';
import { VolumeBinding } from './plugins/volumebinding/index.js';
import type { Handle, Plugin } from './types.js';

/** A plugin reference in a profile (plugins.<point>.enabled[]). */
export interface PluginRef {
  name: string;
  weight?: number;
}

/** One KubeSchedulerProfile. */
export interface ProfileConfig {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins?: {
    multiPoint?: { enabled?: PluginRef[]; disabled?: PluginRef[] };
    score?: { enabled?: PluginRef[]; disabled?: PluginRef[] };
    filter?: { disabled?: PluginRef[] };
    preFilter?: { disabled?: PluginRef[] };
    postFilter?: { disabled?: PluginRef[] };
  };
  pluginConfig?: { name: string; args?: Record<string, unknown> }[];
}

/** KubeSchedulerConfiguration (the subset we honour). */
export interface SchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  percentageOfNodesToScore?: number;
  profiles?: ProfileConfig[];
}

/** Upstream's default score weights (getDefaultPlugins in v1 defaults). */
export const DEFAULT_WEIGHTS: Readonly<Record<string, number>> = {
  TaintToleration: 3,
  NodeAffinity: 2,
  PodTopologySpread: 2,
  InterPodAffinity: 2,
  NodeResourcesFit: 1,
  NodeResourcesBalancedAllocation: 1,
  ImageLocality: 1,
};

// Args are taken as given (KubeSchedulerConfiguration pluginConfig[].args); each plugin reads its own fields.
type Factory = (args: Record<string, never>, handle: Handle) => Plugin;

/** Every known plugin by upstream name, in the default profile's order. */
export const REGISTRY: ReadonlyArray<[string, Factory]> = [
  ['NodeUnschedulable', () => new NodeUnschedulable()],
  ['NodeName', () => new NodeName()],
  ['TaintToleration', () => new TaintToleration()],
  ['NodeAffinity', () => new NodeAffinity()],
  ['NodePorts', () => new NodePorts()],
  ['NodeResourcesFit', (a) => new NodeResourcesFit(a)],
  ['VolumeBinding', () => new VolumeBinding()],
  ['PodTopologySpread', (a) => new PodTopologySpread(a)],
  ['InterPodAffinity', (a) => new InterPodAffinity(a)],
  ['DefaultPreemption', (a) => new DefaultPreemption(a)],
  ['NodeResourcesBalancedAllocation', (a) => new NodeResourcesBalancedAllocation(a)],
  ['ImageLocality', (_a, h) => new ImageLocality(h)],
];

/** A configuration error naming the offending field. */
export class SchedulerConfigError extends Error {
  readonly code = 'SchedulerConfigInvalid';
}

/** Which extension points a name is disabled at, '*' disabling all defaults. */
function disabledSet(refs: PluginRef[] | undefined): Set<string> {
  return new Set((refs ?? []).map((r) => r.name));
}

/**
 * Builds one Framework per profile (default: one "default-scheduler" profile with every plugin).
 * Disabling at filter/preFilter/postFilter/score removes a plugin from that point only.
 */
export function buildFrameworks(config: SchedulerConfiguration, handle: Handle, random?: () => number): Map<string, Framework> {
  const profiles = config.profiles?.length ? config.profiles : [{}];
  const out = new Map<string, Framework>();
  profiles.forEach((p, idx) => {
    const name = p.schedulerName ?? 'default-scheduler';
    if (out.has(name)) throw new SchedulerConfigError(`profiles[${idx}].schedulerName: Duplicate value: "${name}"`);
    const args = new Map((p.pluginConfig ?? []).map((c) => [c.name, c.args ?? {}]));
    const multiOff = disabledSet(p.plugins?.multiPoint?.disabled);
    const weights: Record<string, number> = { ...DEFAULT_WEIGHTS };
    for (const r of p.plugins?.multiPoint?.enabled ?? []) if (r.weight !== undefined) weights[r.name] = r.weight;
    for (const r of p.plugins?.score?.enabled ?? []) if (r.weight !== undefined) weights[r.name] = r.weight;
    const scoreOff = disabledSet(p.plugins?.score?.disabled);
    for (const n of scoreOff) if (n === '*') for (const k of Object.keys(weights)) weights[k] = 0;
    for (const n of scoreOff) weights[n] = 0;
    for (const r of p.plugins?.score?.enabled ?? []) weights[r.name] = r.weight ?? DEFAULT_WEIGHTS[r.name] ?? 1;
    const plugins: Plugin[] = [];
    const known = new Set(REGISTRY.map(([n]) => n));
    for (const r of [...(p.plugins?.multiPoint?.enabled ?? []), ...(p.plugins?.score?.enabled ?? [])]) {
      if (!known.has(r.name)) throw new SchedulerConfigError(`profiles[${idx}].plugins: Invalid value: "${r.name}": plugin not found`);
    }
    for (const [n, make] of REGISTRY) {
      if (multiOff.has(n) || multiOff.has('*')) {
        const reenabled = (p.plugins?.multiPoint?.enabled ?? []).some((r) => r.name === n) || (p.plugins?.score?.enabled ?? []).some((r) => r.name === n);
        if (!reenabled) continue;
      }
      plugins.push(restrict(make((args.get(n) ?? {}) as Record<string, never>, handle), p, n));
    }
    const pct = p.percentageOfNodesToScore ?? config.percentageOfNodesToScore;
    if (pct !== undefined && (pct < 0 || pct > 100)) throw new SchedulerConfigError(`percentageOfNodesToScore: Invalid value: ${pct}: not in valid range [0-100]`);
    out.set(name, new Framework({ schedulerName: name, plugins, weights, handle, ...(pct !== undefined ? { percentageOfNodesToScore: pct } : {}), ...(random ? { random } : {}) }));
  });
  return out;
}

/** Hides the extension points a profile disabled for this plugin (by shadowing the methods). */
function restrict(plugin: Plugin, p: ProfileConfig, name: string): Plugin {
  const off = (refs: PluginRef[] | undefined) => (refs ?? []).some((r) => r.name === name || r.name === '*');
  const hidden: string[] = [];
  if (off(p.plugins?.filter?.disabled)) hidden.push('filter');
  if (off(p.plugins?.preFilter?.disabled)) hidden.push('preFilter');
  if (off(p.plugins?.postFilter?.disabled)) hidden.push('postFilter');
  if (hidden.length === 0) return plugin;
  const shadow = Object.create(plugin) as Record<string, unknown>;
  for (const h of hidden) shadow[h] = undefined;
  return shadow as unknown as Plugin;
}
