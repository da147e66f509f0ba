/**
 * The RBAC authorizer's view of Roles, ClusterRoles and their bindings: one list + watch of the
 * rbac.authorization.k8s.io storage prefix (kube-apiserver's RBAC authorizer reads informer
 * caches the same way), with bindings indexed by subject so a decision costs only the bindings
 * naming the caller's user name or one of its groups. A dropped or expired (410) watch relists.
 */
import type { KubeObject } from '../../api/object.js';
import type { Store } from '../../storage/store.js';
import { StoreMirror, type MirrorState } from '../store-mirror.js';
import type { PolicyRule } from './rules.js';
import { rulesOf } from './rules.js';

/** Where every RBAC object is stored (all four kinds share the group prefix). */
export const RBAC_PREFIX = '/rbac.authorization.k8s.io/';

/** rbac/v1 Subject. */
export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

/** A ClusterRoleBinding or RoleBinding as the authorizer needs it. */
export interface BindingEntry {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  /** '' for ClusterRoleBindings */
  namespace: string;
  roleRef: { kind: string; name: string };
  subjects: Subject[];
}

/** The subject key of a user name (and of a service account's user name). */
export function userKey(name: string): string {
  return `u:${name}`;
}

/** The subject key of a group. */
export function groupKey(name: string): string {
  return `g:${name}`;
}

/**
 * The key a binding subject is indexed under; a ServiceAccount without a namespace means the
 * binding's own namespace (upstream appliesToUser), and never matches in a ClusterRoleBinding.
 */
export function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case 'User':
      return userKey(s.name);
    case 'Group':
      return groupKey(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns ? userKey(`system:serviceaccount:${ns}:${s.name}`) : undefined;
    }
    default:
      return undefined;
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function toBinding(obj: KubeObject, kind: BindingEntry['kind']): BindingEntry {
  const ref = (obj.roleRef ?? {}) as { kind?: unknown; name?: unknown };
  const subjects = Array.isArray(obj.subjects) ? obj.subjects : [];
  return {
    kind,
    name: obj.metadata.name ?? '',
    namespace: kind === 'RoleBinding' ? (obj.metadata.namespace ?? '') : '',
    roleRef: { kind: str(ref.kind), name: str(ref.name) },
    subjects: subjects.map((s) => {
      const v = (s ?? {}) as { kind?: unknown; name?: unknown; namespace?: unknown };
      return { kind: str(v.kind), name: str(v.name), ...(str(v.namespace) ? { namespace: str(v.namespace) } : {}) };
    }),
  };
}

type Index = Map<string, Set<BindingEntry>>;

function indexAdd(index: Index, b: BindingEntry): void {
  for (const s of b.subjects) {
    const k = subjectKey(s, b.namespace);
    if (k === undefined) continue;
    let set = index.get(k);
    if (!set) index.set(k, (set = new Set()));
    set.add(b);
  }
}

function indexRemove(index: Index, b: BindingEntry): void {
  for (const s of b.subjects) {
    const k = subjectKey(s, b.namespace);
    if (k === undefined) continue;
    const set = index.get(k);
    set?.delete(b);
    if (set?.size === 0) index.delete(k);
  }
}

/** An immutable-by-convention set of maps, rebuilt wholesale on a relist. */
class Snapshot implements MirrorState {
  readonly clusterRoles = new Map<string, PolicyRule[]>();
  readonly roles = new Map<string, PolicyRule[]>();
  readonly clusterBindings = new Map<string, BindingEntry>();
  readonly roleBindings = new Map<string, BindingEntry>();
  readonly clusterIndex: Index = new Map();
  /** namespace → subject key → bindings */
  readonly nsIndex = new Map<string, Index>();

  upsert(obj: KubeObject): void {
    const name = obj.metadata.name ?? '';
    const ns = obj.metadata.namespace ?? '';
    switch (obj.kind) {
      case 'ClusterRole':
        this.clusterRoles.set(name, rulesOf(obj));
        return;
      case 'Role':
        this.roles.set(`${ns}/${name}`, rulesOf(obj));
        return;
      case 'ClusterRoleBinding': {
        this.remove(obj);
        const b = toBinding(obj, 'ClusterRoleBinding');
        this.clusterBindings.set(name, b);
        indexAdd(this.clusterIndex, b);
        return;
      }
      case 'RoleBinding': {
        this.remove(obj);
        const b = toBinding(obj, 'RoleBinding');
        this.roleBindings.set(`${ns}/${name}`, b);
        let idx = this.nsIndex.get(ns);
        if (!idx) this.nsIndex.set(ns, (idx = new Map()));
        indexAdd(idx, b);
        return;
      }
    }
  }

  remove(obj: KubeObject): void {
    const name = obj.metadata.name ?? '';
    const ns = obj.metadata.namespace ?? '';
    switch (obj.kind) {
      case 'ClusterRole':
        this.clusterRoles.delete(name);
        return;
      case 'Role':
        this.roles.delete(`${ns}/${name}`);
        return;
      case 'ClusterRoleBinding': {
        const old = this.clusterBindings.get(name);
        if (!old) return;
        this.clusterBindings.delete(name);
        indexRemove(this.clusterIndex, old);
        return;
      }
      case 'RoleBinding': {
        const key = `${ns}/${name}`;
        const old = this.roleBindings.get(key);
        if (!old) return;
        this.roleBindings.delete(key);
        const idx = this.nsIndex.get(ns);
        if (!idx) return;
        indexRemove(idx, old);
        if (idx.size === 0) this.nsIndex.delete(ns);
        return;
      }
    }
  }
}

function collect(index: Index | undefined, keys: readonly string[]): BindingEntry[] {
  if (!index) return [];
  const out: BindingEntry[] = [];
  const seen = new Set<BindingEntry>();
  for (const k of keys) {
    const set = index.get(k);
    if (!set) continue;
    for (const b of set) {
      if (seen.has(b)) continue;
      seen.add(b);
      out.push(b);
    }
  }
  return out;
}

/** Options of RbacCache. */
export interface RbacCacheOptions {
  store: Store;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** delay before relisting after a failed list (ms); default 1000 */
  retryMs?: number;
}

/** The cache. start() lists and begins watching; stop() ends the watch. */
export class RbacCache {
  private readonly mirror: StoreMirror<Snapshot>;

  constructor(opts: RbacCacheOptions) {
    this.mirror = new StoreMirror({ store: opts.store, prefix: RBAC_PREFIX, fresh: () => new Snapshot(), name: 'rbac cache', log: opts.log, retryMs: opts.retryMs });
  }

  private get snap(): Snapshot {
    return this.mirror.state;
  }

  /** Loads every RBAC object, then follows changes. */
  async start(): Promise<void> {
    await this.mirror.start();
  }

  /** Ends the watch. */
  stop(): void {
    this.mirror.stop();
  }

  /**
   * Rebuilds the snapshot from a fresh (consistent) list and restarts the watch there, so the
   * cache reflects every write that completed before the call (used after the bootstrap
   * reconciliation and before an escalation check denies).
   */
  async resync(): Promise<void> {
    await this.mirror.resync();
  }

  /** The rules of a ClusterRole, undefined when it does not exist. */
  clusterRoleRules(name: string): PolicyRule[] | undefined {
    return this.snap.clusterRoles.get(name);
  }

  /** The rules of a Role, undefined when it does not exist. */
  roleRules(namespace: string, name: string): PolicyRule[] | undefined {
    return this.snap.roles.get(`${namespace}/${name}`);
  }

  /** ClusterRoleBindings naming any of the subject keys. */
  clusterBindingsFor(keys: readonly string[]): BindingEntry[] {
    return collect(this.snap.clusterIndex, keys);
  }

  /** RoleBindings of a namespace naming any of the subject keys. */
  roleBindingsFor(namespace: string, keys: readonly string[]): BindingEntry[] {
    return collect(this.snap.nsIndex.get(namespace), keys);
  }
}
