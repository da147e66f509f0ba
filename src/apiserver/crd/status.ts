/**
 * CustomResourceDefinition status as kube-apiserver's naming and establishing controllers write
 * it (apiextensions-apiserver pkg/controller/status, pkg/controller/establish): NamesAccepted,
 * Established, acceptedNames and storedVersions.
 */
import type { KubeObject } from '../../api/object.js';

type Obj = Record<string, unknown>;
const view = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

export interface CrdNames {
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames?: string[];
  categories?: string[];
}

/** spec.names with upstream's defaults: singular = lowercase kind, listKind = kind + "List". */
export function namesOf(crd: KubeObject): CrdNames {
  const n = view(view(crd.spec).names);
  const kind = typeof n.kind === 'string' ? n.kind : '';
  const out: CrdNames = {
    plural: typeof n.plural === 'string' ? n.plural : '',
    singular: typeof n.singular === 'string' && n.singular ? n.singular : kind.toLowerCase(),
    kind,
    listKind: typeof n.listKind === 'string' && n.listKind ? n.listKind : `${kind}List`,
  };
  if (Array.isArray(n.shortNames) && n.shortNames.length) out.shortNames = n.shortNames.filter((x): x is string => typeof x === 'string');
  if (Array.isArray(n.categories) && n.categories.length) out.categories = n.categories.filter((x): x is string => typeof x === 'string');
  return out;
}

interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

/** Keeps a condition's lastTransitionTime when its status did not change. */
function withTime(c: Condition, old: Obj[], now: Date): Condition {
  const prev = old.find((o) => o.type === c.type);
  const t = prev && prev.status === c.status && typeof prev.lastTransitionTime === 'string' ? prev.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { type: c.type, status: c.status, lastTransitionTime: t, message: c.message, reason: c.reason };
}

/**
 * The status the API server maintains for a CRD. `conflictsWith`, when set, is the name (plural,
 * singular, short name or kind) another resource of the group already uses: names are then not
 * accepted and the CRD is not established, as the naming controller reports it.
 */
export function crdStatusFor(crd: KubeObject, conflictsWith?: string, now: Date = new Date()): object {
  const old = view(crd.status);
  const oldConds = Array.isArray(old.conditions) ? old.conditions.map(view) : [];
  const names = namesOf(crd);
  const accepted: Condition = conflictsWith
    ? { type: 'NamesAccepted', status: 'False', reason: 'PluralConflict', message: `"${conflictsWith}" is already in use` }
    : { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' };
  const established: Condition = conflictsWith
    ? { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' }
    : { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' };
  // Conditions owned by others (Terminating, NonStructuralSchema, KubernetesAPIApprovalPolicyConformant) are kept.
  const others = oldConds.filter((c) => c.type !== 'NamesAccepted' && c.type !== 'Established');
  const versions = Array.isArray(view(crd.spec).versions) ? (view(crd.spec).versions as unknown[]).map(view) : [];
  const storage = versions.find((v) => v.storage === true)?.name;
  const stored = Array.isArray(old.storedVersions) ? old.storedVersions.filter((x): x is string => typeof x === 'string') : [];
  if (typeof storage === 'string' && !stored.includes(storage)) stored.push(storage);
  const acceptedNames = conflictsWith ? view(old.acceptedNames) : { ...names };
  return {
    conditions: [withTime(accepted, oldConds, now), withTime(established, oldConds, now), ...others],
    acceptedNames: { plural: '', kind: '', ...acceptedNames },
    storedVersions: stored,
  };
}
