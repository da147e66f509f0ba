/**
 * The namespace deleter's decision and status conditions, pure functions of what a deletion
 * pass found (upstream pkg/controller/namespace/deletion, status_condition_utils.go): the five
 * condition types with their upstream reasons and messages, whether the namespace may be
 * finalized, and when to look again.
 */

/** One namespace status condition (core/v1 NamespaceCondition). */
export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

/** What one deletion pass found for one resource. */
export interface ResourceOutcome {
  group: string;
  resource: string;
  /** the delete or verification list failed */
  error?: string;
  /** objects still present after deleting */
  remaining: number;
  /** finalizer → number of remaining objects carrying it */
  finalizers: Record<string, number>;
}

/** The whole pass: discovery outcome plus one outcome per resource. */
export interface DeletionPass {
  discoveryError?: string;
  outcomes: ResourceOutcome[];
}

export const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

const OK: Record<(typeof CONDITION_TYPES)[number], [string, string]> = {
  NamespaceDeletionDiscoveryFailure: ['ResourcesDiscovered', 'All resources successfully discovered'],
  NamespaceDeletionGroupVersionParsingFailure: ['ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  NamespaceDeletionContentFailure: ['ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  NamespaceContentRemaining: ['ContentRemoved', 'All content successfully removed'],
  NamespaceFinalizersRemaining: ['ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
};

/** How soon a namespace whose content is still going away is looked at again. */
export const REMAINING_RECHECK_MS = 1000;

/** GroupResource.String(): "configmaps" or "deployments.apps". */
function gr(o: { group: string; resource: string }): string {
  return o.group ? `${o.resource}.${o.group}` : o.resource;
}

/** The failing conditions of a pass (types absent from the result are OK). */
function failures(pass: DeletionPass): Map<string, [string, string]> {
  const f = new Map<string, [string, string]>();
  if (pass.discoveryError !== undefined) {
    f.set('NamespaceDeletionDiscoveryFailure', ['DiscoveryFailed', `Discovery failed for some groups, 1 failing: ${pass.discoveryError}`]);
  }
  const errs = pass.outcomes.filter((o) => o.error !== undefined);
  if (errs.length) {
    const joined = errs.length === 1 ? errs[0]!.error! : `[${errs.map((e) => e.error).join(', ')}]`;
    f.set('NamespaceDeletionContentFailure', ['ContentDeletionFailed', `Failed to delete all resource types, ${errs.length} remaining: ${joined}`]);
  }
  const remaining = pass.outcomes.filter((o) => o.remaining > 0).map((o) => `${gr(o)} has ${o.remaining} resource instances`).sort();
  if (remaining.length) f.set('NamespaceContentRemaining', ['SomeResourcesRemain', `Some resources are remaining: ${remaining.join(', ')}`]);
  const byFinalizer = new Map<string, number>();
  for (const o of pass.outcomes) for (const [fin, n] of Object.entries(o.finalizers)) byFinalizer.set(fin, (byFinalizer.get(fin) ?? 0) + n);
  if (byFinalizer.size) {
    const parts = [...byFinalizer].map(([fin, n]) => `${fin} in ${n} resource instances`).sort();
    f.set('NamespaceFinalizersRemaining', ['SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${parts.join(', ')}`]);
  }
  return f;
}

/**
 * The namespace's conditions after a pass: every type present, True when failing; the
 * lastTransitionTime moves only when a condition's status flips (or it is new).
 */
export function deletionConditions(prev: NamespaceCondition[], pass: DeletionPass, nowIso: string): NamespaceCondition[] {
  const fail = failures(pass);
  const out: NamespaceCondition[] = prev.filter((c) => !(CONDITION_TYPES as readonly string[]).includes(c.type));
  for (const type of CONDITION_TYPES) {
    const f = fail.get(type);
    const [reason, message] = f ?? OK[type];
    const status = f ? 'True' : 'False';
    const old = prev.find((c) => c.type === type);
    out.push({ type, status, reason, message, lastTransitionTime: old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : nowIso });
  }
  return out;
}

/** Whether the namespace may be finalized now, or when to look again. */
export function deletionVerdict(pass: DeletionPass): { finalize: boolean; requeueAfterMs?: number; failed: boolean } {
  const failed = pass.discoveryError !== undefined || pass.outcomes.some((o) => o.error !== undefined);
  const remaining = pass.outcomes.some((o) => o.remaining > 0);
  if (failed) return { finalize: false, failed: true };
  if (!remaining) return { finalize: true, failed: false };
  // Upstream waits an estimate (the longest pod grace period); re-checking every second instead
  // lets content that goes early (pods killed sooner, finalizers removed) end the wait promptly.
  return { finalize: false, failed: false, requeueAfterMs: REMAINING_RECHECK_MS };
}

/** spec.finalizers without "kubernetes": the body of PUT namespaces/<name>/finalize. */
export function finalizedFinalizers(finalizers: string[] | undefined): string[] {
  return (finalizers ?? []).filter((f) => f !== 'kubernetes');
}

/** Same conditions apart from timestamps (to skip no-op status writes). */
export function sameConditions(a: NamespaceCondition[], b: NamespaceCondition[]): boolean {
  const norm = (l: NamespaceCondition[]) => JSON.stringify(l.map((c) => [c.type, c.status, c.reason, c.message]).sort());
  return norm(a) === norm(b);
}
