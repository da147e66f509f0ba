/**
 * The garbage collector's decision, a pure function of one object, the state of its owners and
 * its dependents (upstream pkg/controller/garbagecollector: attemptToDeleteItem,
 * processDeletingDependentsItem and attemptToOrphan):
 *
 * - orphan finalizer on an object being deleted: drop the ownerReferences pointing at it from its
 *   dependents, then remove the finalizer;
 * - foregroundDeletion finalizer: wait until no dependent with blockOwnerDeletion remains, then
 *   remove the finalizer (dependents delete themselves, seeing their owner "waiting");
 * - a dependent whose owners are all gone (absent or a different uid) or waiting for dependents
 *   is deleted; one that still has a live ("solid") owner only loses its dangling/waiting refs.
 */
import type { KubeObject, OwnerReference } from '../../api/object.js';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

/** An object and the resource it is served under. */
export interface GcNode {
  resource: { group: string; version: string; resource: string };
  object: KubeObject;
}

/**
 * What is known about one owner: present (same uid), absent (404 or a different uid), or
 * unknown (its kind cannot be resolved or the lookup failed), which is treated like present.
 */
export interface OwnerState {
  ref: OwnerReference;
  state: 'present' | 'absent' | 'unknown';
  owner?: KubeObject;
}

/** One step of work, executed in order. */
export type GcAction =
  | { kind: 'delete'; target: GcNode; propagationPolicy: 'Background' | 'Foreground' | 'Orphan' }
  | { kind: 'removeOwnerReferences'; target: GcNode; uids: string[] }
  | { kind: 'unblockOwnerReferences'; target: GcNode }
  | { kind: 'removeFinalizer'; target: GcNode; finalizer: string };

/** True for an object being deleted that carries the given finalizer. */
export function deletingWith(o: KubeObject, finalizer: string): boolean {
  return !!o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes(finalizer);
}

/** The dependent's reference to `ownerUid`, if any. */
export function refTo(o: KubeObject, ownerUid: string): OwnerReference | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.uid === ownerUid);
}

/** Decides what to do about `item`; see the module comment for the rules. */
export function decide(item: GcNode, owners: OwnerState[], dependents: GcNode[]): GcAction[] {
  const md = item.object.metadata;
  const uid = md.uid ?? '';
  if (deletingWith(item.object, FINALIZER_ORPHAN)) {
    // attemptToOrphan: dependents first, so none is collected once the owner is gone.
    const acts: GcAction[] = dependents.filter((d) => refTo(d.object, uid)).map((d) => ({ kind: 'removeOwnerReferences', target: d, uids: [uid] }));
    acts.push({ kind: 'removeFinalizer', target: item, finalizer: FINALIZER_ORPHAN });
    return acts;
  }
  if (deletingWith(item.object, FINALIZER_FOREGROUND)) {
    // processDeletingDependentsItem: only dependents that block owner deletion hold us.
    const blocking = dependents.filter((d) => refTo(d.object, uid)?.blockOwnerDeletion === true);
    return blocking.length === 0 ? [{ kind: 'removeFinalizer', target: item, finalizer: FINALIZER_FOREGROUND }] : [];
  }
  if (md.deletionTimestamp) return []; // being deleted by someone else's finalizer: not ours to act on
  if (owners.length === 0) return [];

  const solid: OwnerState[] = [];
  const dangling: OwnerState[] = [];
  const waiting: OwnerState[] = [];
  for (const o of owners) {
    if (o.state === 'absent') dangling.push(o);
    else if (o.state === 'present' && o.owner && deletingWith(o.owner, FINALIZER_FOREGROUND)) waiting.push(o);
    else solid.push(o);
  }
  if (solid.length > 0) {
    if (dangling.length === 0 && waiting.length === 0) return [];
    // Still owned by someone alive: only forget the references to owners that are gone or going.
    return [{ kind: 'removeOwnerReferences', target: item, uids: [...dangling, ...waiting].map((o) => o.ref.uid) }];
  }
  if (waiting.length > 0 && dependents.length > 0) {
    const acts: GcAction[] = [];
    // A dependent that is itself deleting its dependents may be an owner of ours: a cycle.
    // Upstream makes our references non-blocking so the waiting owners cannot deadlock.
    if (dependents.some((d) => deletingWith(d.object, FINALIZER_FOREGROUND)) && (md.ownerReferences ?? []).some((r) => r.blockOwnerDeletion)) {
      acts.push({ kind: 'unblockOwnerReferences', target: item });
    }
    acts.push({ kind: 'delete', target: item, propagationPolicy: 'Foreground' });
    return acts;
  }
  const fins = md.finalizers ?? [];
  const policy = fins.includes(FINALIZER_ORPHAN) ? 'Orphan' : fins.includes(FINALIZER_FOREGROUND) ? 'Foreground' : 'Background';
  return [{ kind: 'delete', target: item, propagationPolicy: policy }];
}
