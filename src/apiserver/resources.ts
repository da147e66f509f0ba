/**
 * The table of served resources: built-in ResourceDefs plus those derived from
 * CustomResourceDefinitions, indexed for routing, discovery and storage keys.
 */
import type { ResourceDef } from '../api/resource.js';

/** Where objects of a resource live in the store. */
export function storagePrefix(def: ResourceDef, namespace?: string): string {
  const g = def.conversion ? def.conversion.storageGroup : def.group;
  const r = def.conversion ? def.conversion.storageResource : def.resource;
  const base = `/${g || 'core'}/${r}/`;
  return def.namespaced && namespace ? `${base}${namespace}/` : base;
}

export function storageKey(def: ResourceDef, namespace: string, name: string): string {
  return `${storagePrefix(def, def.namespaced ? namespace : undefined)}${name}`;
}

export interface GroupVersions {
  group: string;
  /** preferred first */
  versions: string[];
}

export class ResourceTable {
  private readonly bySource = new Map<string, ResourceDef[]>();
  private index = new Map<string, ResourceDef>();
  private order: ResourceDef[] = [];
  /** bumped on every change, so discovery/openapi caches know when to rebuild */
  generation = 0;

  constructor(builtin: ResourceDef[]) {
    this.bySource.set('builtin', builtin);
    this.rebuild();
  }

  /** Replace the resources contributed by a source (e.g. "crd:<name>"); [] removes them. */
  set(source: string, defs: ResourceDef[]): void {
    if (defs.length === 0) this.bySource.delete(source);
    else this.bySource.set(source, defs);
    this.rebuild();
  }

  private rebuild(): void {
    this.order = [...this.bySource.values()].flat();
    this.index = new Map(this.order.map((d) => [`${d.group}/${d.version}/${d.resource}`, d]));
    this.groupsCache = undefined;
    this.generation++;
  }

  lookup(group: string, version: string, resource: string): ResourceDef | undefined {
    return this.index.get(`${group}/${version}/${resource}`);
  }

  all(): ResourceDef[] {
    return this.order;
  }

  resourcesFor(group: string, version: string): ResourceDef[] {
    return this.order.filter((d) => d.group === group && d.version === version);
  }

  private groupsCache: readonly GroupVersions[] | undefined;

  /**
   * Groups in a stable order (core first, then built-in order, then CRD groups), versions with the
   * preferred first. Computed once per table change: admission looks up preferred versions on
   * every write.
   */
  groups(): readonly GroupVersions[] {
    this.groupsCache ??= this.computeGroups();
    return this.groupsCache;
  }

  private computeGroups(): GroupVersions[] {
    const out = new Map<string, { versions: string[]; preferred?: string }>();
    for (const d of this.order) {
      let g = out.get(d.group);
      if (!g) {
        g = { versions: [] };
        out.set(d.group, g);
      }
      if (!g.versions.includes(d.version)) g.versions.push(d.version);
      if (d.preferred) g.preferred = d.version;
    }
    return [...out.entries()].map(([group, g]) => {
      const versions = [...g.versions].sort(compareKubeVersions);
      const pref = g.preferred ?? versions[0]!;
      return { group, versions: [pref, ...versions.filter((v) => v !== pref)] };
    });
  }

  /** The preferred-version def of a group/resource (for storage-independent lookups). */
  preferred(group: string, resource: string): ResourceDef | undefined {
    const gv = this.groups().find((g) => g.group === group);
    for (const v of gv?.versions ?? []) {
      const d = this.lookup(group, v, resource);
      if (d) return d;
    }
    return undefined;
  }
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (v2 > v1 > v1beta2 > v1beta1 > v1alpha1). */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stage = m[2] === 'alpha' ? 1 : m[2] === 'beta' ? 2 : 3;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
  return a.localeCompare(b);
}
