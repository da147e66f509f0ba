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

/** One extension point's set in a profile (PluginSet). */
export interface PluginSet {
  enabled?: PluginRef[];
  disabled?: PluginRef[];
}

/** Extension points a plugin object implements, by config name = method name. */
export const EXTENSION_POINTS = ['preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'bind'] as const;
/** One extension point of the framework. */
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

/** One KubeSchedulerProfile. */
export interface ProfileConfig {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins?: { multiPoint?: PluginSet } & { [P in ExtensionPoint]?: PluginSet } & { queueSort?: PluginSet; preEnqueue?: PluginSet; preBind?: PluginSet; postBind?: PluginSet };
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

const names = (refs: PluginRef[] | undefined): Set<string> => new Set((refs ?? []).map((r) => r.name));

/**
 * Builds one Framework per profile (default: one "default-scheduler" profile with every plugin).
 * As upstream's v1 defaults, every default plugin is enabled at multiPoint (each extension point
 * it implements); multiPoint.disabled removes it (or "*": every default), <point>.disabled hides
 * it at that point only, and <point>.enabled turns it on at that point even when multiPoint
 * dropped it. Score weights: score.enabled[].weight, else multiPoint.enabled[].weight, else the
 * default weight (1 for a plugin without one); a weight of 0 means "the default", as upstream.
 */
export function buildFrameworks(config: SchedulerConfiguration, handle: Handle, random?: () => number): Map<string, Framework> {
  const profiles = config.profiles?.length ? config.profiles : [{}];
  const out = new Map<string, Framework>();
  const known = new Set(REGISTRY.map(([n]) => n));
  profiles.forEach((p, idx) => {
    const name = p.schedulerName ?? 'default-scheduler';
    if (out.has(name)) throw new SchedulerConfigError(`profiles[${idx}].schedulerName: Duplicate value: "${name}"`);
    const args = new Map((p.pluginConfig ?? []).map((c) => [c.name, c.args ?? {}]));
    const ps = p.plugins ?? {};
    const multiOff = names(ps.multiPoint?.disabled);
    const multiOn = names(ps.multiPoint?.enabled);
    const weights: Record<string, number> = { ...DEFAULT_WEIGHTS };
    const setWeight = (r: PluginRef) => {
      if (r.weight) weights[r.name] = r.weight;
    };
    for (const r of ps.multiPoint?.enabled ?? []) setWeight(r);
    for (const r of ps.score?.enabled ?? []) setWeight(r);
    for (const point of ['multiPoint', ...EXTENSION_POINTS] as const) {
      (ps[point]?.enabled ?? []).forEach((r, i) => {
        if (!known.has(r.name)) throw new SchedulerConfigError(`profiles[${idx}].plugins.${point}.enabled[${i}]: Invalid value: "${r.name}": plugin not found`);
      });
    }
    const plugins: Plugin[] = [];
    for (const [n, make] of REGISTRY) {
      const everywhere = multiOn.has(n) || !(multiOff.has(n) || multiOff.has('*'));
      const active = new Set<ExtensionPoint>();
      for (const point of EXTENSION_POINTS) {
        const set = ps[point];
        const on = names(set?.enabled).has(n);
        const off = names(set?.disabled);
        if (on || (everywhere && !off.has(n) && !off.has('*'))) active.add(point);
      }
      if (active.size === 0) continue;
      const plugin = make((args.get(n) ?? {}) as Record<string, never>, handle);
      for (const point of EXTENSION_POINTS) {
        if (!names(ps[point]?.enabled).has(n) || implementsPoint(plugin, point)) continue;
        throw new SchedulerConfigError(`profiles[${idx}].plugins.${point}.enabled: Invalid value: "${n}": plugin "${n}" does not extend ${point} plugin`);
      }
      if (!active.has('score')) weights[n] = 0;
      else weights[n] ||= 1;
      plugins.push(restrict(plugin, active));
    }
    const pct = p.percentageOfNodesToScore ?? config.percentageOfNodesToScore;
    if (pct !== undefined && (pct < 0 || pct > 100)) throw new SchedulerConfigError(`percentageOfNodesToScore: Invalid value: ${pct}: not in valid range [0-100]`);
    out.set(name, new Framework({ schedulerName: name, plugins, weights, handle, ...(pct !== undefined ? { percentageOfNodesToScore: pct } : {}), ...(random ? { random } : {}) }));
  });
  return out;
}

/** Whether a plugin object implements an extension point (its method exists). */
export function implementsPoint(plugin: Plugin, point: ExtensionPoint): boolean {
  return typeof (plugin as unknown as Record<string, unknown>)[point] === 'function';
}

/** Hides the extension points a profile turned off for this plugin (by shadowing the methods). */
function restrict(plugin: Plugin, active: ReadonlySet<ExtensionPoint>): Plugin {
  const hidden = EXTENSION_POINTS.filter((pt) => !active.has(pt) && implementsPoint(plugin, pt));
  if (hidden.length === 0) return plugin;
  const shadow = Object.create(plugin) as Record<string, unknown>;
  for (const h of hidden) shadow[h] = undefined;
  return shadow as unknown as Plugin;
}
