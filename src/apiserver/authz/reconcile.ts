/**
 * Default-policy reconciliation at every start (pkg/registry/rbac/rest PostStartHook with
 * pkg/registry/rbac/reconciliation): missing roles and bindings are created; existing ones whose
 * `rbac.authorization.kubernetes.io/autoupdate` annotation is not "false" get the missing rules,
 * aggregation selectors, subjects, labels and annotations added (never removed); a binding whose
 * roleRef changed is recreated. Objects annotated autoupdate=false are left alone.
 */
import type { KubeObject } from '../../api/object.js';
import { deepCopy, deepEqual } from '../../api/object.js';
import { ApiError } from '../../api/errors.js';
import type { ApiDeps, OpContext } from '../pipeline.js';
import { createObject, updateObject } from '../pipeline.js';
import { storageKey } from '../resources.js';
import { AUTOUPDATE_ANNOTATION, userClusterRoleBindings, userClusterRoles } from './bootstrap-policy.js';
import { componentClusterRoleBindings, componentClusterRoles, componentRoleBindings, componentRoles } from './bootstrap-policy-components.js';
import { canResync } from './rbac.js';
import { covers, rulesOf } from './rules.js';

const RBAC = 'rbac.authorization.k8s.io';

/** The objects reconciliation ensures. */
export interface PolicySet {
  clusterRoles: KubeObject[];
  clusterRoleBindings: KubeObject[];
  /** namespaced (metadata.namespace set) */
  roles: KubeObject[];
  roleBindings: KubeObject[];
}

/** The user-facing defaults plus the components' roles and bindings. */
export function defaultPolicy(): PolicySet {
  return {
    clusterRoles: [...userClusterRoles(), ...componentClusterRoles.map(deepCopy)],
    clusterRoleBindings: [...userClusterRoleBindings(), ...componentClusterRoleBindings.map(deepCopy)],
    roles: componentRoles.map(deepCopy),
    roleBindings: componentRoleBindings.map(deepCopy),
  };
}

function ctxFor(deps: ApiDeps, resource: string, namespace: string): OpContext {
  const def = deps.resources.preferred(RBAC, resource);
  if (!def) throw new Error(`rbac reconciliation: ${resource} is not served`);
  return {
    deps,
    def,
    namespace,
    user: { name: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] },
    dryRun: false,
    fieldManager: 'kube-apiserver',
    fieldValidation: 'Ignore',
    warnings: [],
  };
}

function isProtected(existing: KubeObject): boolean {
  return existing.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false';
}

/** merge(expected, existing): keys of expected are added, existing values win. */
function mergeMaps(expected: Record<string, string> | undefined, existing: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!expected && !existing) return undefined;
  return { ...(expected ?? {}), ...(existing ?? {}) };
}

function mergeMeta(out: KubeObject, expected: KubeObject): void {
  const labels = mergeMaps(expected.metadata.labels, out.metadata.labels);
  const annotations = mergeMaps(expected.metadata.annotations, out.metadata.annotations);
  if (labels) out.metadata.labels = labels;
  if (annotations) out.metadata.annotations = annotations;
}

interface AggregationRule {
  clusterRoleSelectors?: unknown[];
}

/** computeReconciledRole in union mode. */
export function reconciledRole(existing: KubeObject, expected: KubeObject): KubeObject {
  const out = deepCopy(existing);
  mergeMeta(out, expected);
  const missing = covers(rulesOf(existing), rulesOf(expected)).missing;
  if (missing.length) out.rules = [...(Array.isArray(existing.rules) ? existing.rules : []), ...missing];
  const want = expected.aggregationRule as AggregationRule | undefined;
  if (want) {
    const have = (existing.aggregationRule as AggregationRule | undefined)?.clusterRoleSelectors ?? [];
    const add = (want.clusterRoleSelectors ?? []).filter((w) => !have.some((h) => deepEqual(h, w)));
    if (add.length || !existing.aggregationRule) out.aggregationRule = { clusterRoleSelectors: [...have, ...add] };
  }
  return out;
}

function sameSubject(a: unknown, b: unknown): boolean {
  const x = (a ?? {}) as Record<string, unknown>;
  const y = (b ?? {}) as Record<string, unknown>;
  return x.kind === y.kind && x.name === y.name && (x.namespace ?? '') === (y.namespace ?? '');
}

/** computeReconciledRoleBinding in union mode (missing subjects added). */
export function reconciledBinding(existing: KubeObject, expected: KubeObject): KubeObject {
  const out = deepCopy(existing);
  mergeMeta(out, expected);
  const have = Array.isArray(existing.subjects) ? existing.subjects : [];
  const add = (Array.isArray(expected.subjects) ? expected.subjects : []).filter((s) => !have.some((h) => sameSubject(h, s)));
  if (add.length) out.subjects = [...have, ...add];
  return out;
}

function roleRefChanged(existing: KubeObject, expected: KubeObject): boolean {
  const a = (existing.roleRef ?? {}) as Record<string, unknown>;
  const b = (expected.roleRef ?? {}) as Record<string, unknown>;
  return a.kind !== b.kind || a.name !== b.name;
}

async function ensureOne(deps: ApiDeps, resource: string, expected: KubeObject, binding: boolean): Promise<void> {
  const namespace = expected.metadata.namespace ?? '';
  const name = expected.metadata.name ?? '';
  const ctx = ctxFor(deps, resource, namespace);
  const existing = await deps.store.get(storageKey(ctx.def, namespace, name));
  if (!existing) {
    try {
      await createObject(ctx, deepCopy(expected));
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
    }
    return;
  }
  if (isProtected(existing)) return;
  if (binding && roleRefChanged(existing, expected)) {
    // roleRef is immutable: upstream deletes and recreates the binding.
    await deps.store.delete(storageKey(ctx.def, namespace, name), { uid: existing.metadata.uid });
    await createObject(ctx, reconciledBinding({ ...deepCopy(expected), subjects: existing.subjects ?? [] }, expected));
    return;
  }
  const want = binding ? reconciledBinding(existing, expected) : reconciledRole(existing, expected);
  if (deepEqual(want, existing)) return;
  await updateObject(ctx, name, (cur) => {
    if (!cur || isProtected(cur)) return cur ?? want;
    return binding ? reconciledBinding(cur, expected) : reconciledRole(cur, expected);
  });
}

/**
 * Ensures the policy (default: defaultPolicy()), then brings the authorizer's cache up to date so
 * components starting right after see their bindings. A failure of one object is logged and the
 * others still reconcile, as upstream retries the hook rather than failing the server.
 */
export async function reconcilePolicy(deps: ApiDeps, policy: PolicySet = defaultPolicy(), log?: (msg: string, fields?: Record<string, unknown>) => void): Promise<void> {
  const steps: [string, KubeObject[], boolean][] = [
    ['clusterroles', policy.clusterRoles, false],
    ['clusterrolebindings', policy.clusterRoleBindings, true],
    ['roles', policy.roles, false],
    ['rolebindings', policy.roleBindings, true],
  ];
  // Objects of one kind are independent: ensuring them concurrently lets the store commit each
  // kind's writes in one transaction (a first start writes ~100 objects). Roles still precede bindings.
  for (const [resource, objects, binding] of steps) {
    const results = await Promise.allSettled(objects.map((obj) => ensureOne(deps, resource, obj, binding)));
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      if (!log) throw r.reason;
      const obj = objects[i]!;
      log('rbac reconciliation failed', { resource, name: obj.metadata.name, namespace: obj.metadata.namespace, error: r.reason instanceof Error ? r.reason.message : String(r.reason) });
    });
  }
  if (canResync(deps.authorizer)) await deps.authorizer.resync();
}
