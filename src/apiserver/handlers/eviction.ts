/**
 * pods/eviction (upstream pkg/registry/core/pod/storage EvictionREST): a policy/v1 (or v1beta1)
 * Eviction deletes a pod only if the PodDisruptionBudget selecting it allows one more disruption.
 * The budget is checked and decremented atomically on the PDB's stored status (with the pod
 * recorded in disruptedPods so the disruption controller does not count it healthy meanwhile);
 * a broken budget answers 429 TooManyRequests, which `kubectl drain` retries. Pods that are not
 * running (Pending, Succeeded, Failed) or already terminating are deleted without a budget check.
 */
import { ApiError, errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { isPlainObject } from '../../api/object.js';
import type { ResourceDef } from '../../api/resource.js';
import { matchLabelSelector } from '../../api/validation/selector.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { StorageError } from '../../storage/store.js';
import { readBody, send } from '../http.js';
import { decodeBody } from '../negotiate.js';
import { translateStorageError } from '../pipeline.js';
import { rfc3339 } from '../object-meta.js';
import { storageKey, storagePrefix } from '../resources.js';
import type { RequestCtx } from './context.js';
import { isDryRun } from './context.js';
import { deleteOne } from './delete.js';

/** Above this many unconfirmed evictions the PDB refuses more (upstream's MaxDisruptedPodSize). */
export const MAX_DISRUPTED_POD_SIZE = 2000;
const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

interface PdbStatus {
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  conditions?: { type: string; status: string; reason: string; message: string; lastTransitionTime: string; observedGeneration?: number }[];
}

interface PdbSpec {
  selector?: LabelSelector | null;
  unhealthyPodEvictionPolicy?: string;
}

/** What the eviction does before deleting the pod. */
export type EvictionPlan =
  | { kind: 'delete'; guardResourceVersion: boolean }
  | { kind: 'multiple' }
  | { kind: 'budget'; pdb: KubeObject };

function phaseOf(pod: KubeObject): string {
  return (pod.status as { phase?: string } | undefined)?.phase ?? '';
}

function isReady(pod: KubeObject): boolean {
  const conds = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** canIgnorePDB: terminal, pending and terminating pods cause no new disruption. */
export function canIgnorePdb(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

/** getPodDisruptionBudgets: PDBs of the pod's namespace whose non-empty selector matches its labels. */
export function matchingPdbs(pod: KubeObject, pdbs: readonly KubeObject[]): KubeObject[] {
  return pdbs.filter((p) => {
    const sel = (p.spec as PdbSpec | undefined)?.selector;
    // A PDB with a nil or empty selector matches nothing here, not everything (upstream's guard).
    if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) return false;
    return p.metadata.namespace === pod.metadata.namespace && matchLabelSelector(sel, pod.metadata.labels);
  });
}

/**
 * The eviction decision before any write: delete directly (budget-free pods, no PDB, or an
 * unready pod whose budget is already met or whose policy is AlwaysAllow — those guarded by the
 * pod's resourceVersion), refuse for several PDBs, or check and decrement the one budget.
 */
export function planEviction(pod: KubeObject, pdbs: readonly KubeObject[]): EvictionPlan {
  if (canIgnorePdb(pod)) return { kind: 'delete', guardResourceVersion: true };
  const matching = matchingPdbs(pod, pdbs);
  if (matching.length > 1) return { kind: 'multiple' };
  const pdb = matching[0];
  if (!pdb) return { kind: 'delete', guardResourceVersion: false };
  if (!isReady(pod)) {
    const spec = (pdb.spec ?? {}) as PdbSpec;
    const st = (pdb.status ?? {}) as PdbStatus;
    if (spec.unhealthyPodEvictionPolicy === 'AlwaysAllow') return { kind: 'delete', guardResourceVersion: true };
    if ((st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0) && (st.desiredHealthy ?? 0) > 0) return { kind: 'delete', guardResourceVersion: true };
  }
  return { kind: 'budget', pdb };
}

function tooManyRequests(cause: string, retryAfterSeconds?: number): ApiError {
  return new ApiError(429, 'TooManyRequests', VIOLATION, { ...(retryAfterSeconds ? { retryAfterSeconds } : {}), causes: [{ reason: 'DisruptionBudget', message: cause }] });
}

/**
 * checkAndDecrement on a copy of the PDB: 429 while the controller has not observed the latest
 * generation or when no disruption is allowed, 403 for a negative budget or too many unconfirmed
 * evictions; otherwise one disruption fewer, the pod recorded in disruptedPods (not for dry runs).
 */
export function checkAndDecrement(pdb: KubeObject, podName: string, now: Date, dryRun: boolean): KubeObject {
  const name = pdb.metadata.name ?? '';
  const st = { ...((pdb.status ?? {}) as PdbStatus) };
  if ((st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw tooManyRequests(`The disruption budget ${name} is still being processed by the server.`, 10);
  const allowed = st.disruptionsAllowed ?? 0;
  const gr = { group: 'policy', resource: 'poddisruptionbudget' };
  if (allowed < 0) throw errors.forbidden(`poddisruptionbudget.policy "${name}" is forbidden: pdb disruptions allowed is negative`, gr, name);
  if (Object.keys(st.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
    throw errors.forbidden(`poddisruptionbudget.policy "${name}" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller`, gr, name);
  }
  if (allowed === 0) throw tooManyRequests(`The disruption budget ${name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`);
  st.disruptionsAllowed = allowed - 1;
  if (st.disruptionsAllowed === 0) {
    // UpdateDisruptionAllowedCondition: the budget is now exhausted.
    const prev = st.conditions?.find((c) => c.type === 'DisruptionAllowed');
    const cond = { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: st.observedGeneration ?? 0, lastTransitionTime: prev?.status === 'False' ? prev.lastTransitionTime : rfc3339(now) };
    st.conditions = [...(st.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed'), cond];
  }
  if (!dryRun) st.disruptedPods = { ...(st.disruptedPods ?? {}), [podName]: rfc3339(now) };
  return { ...pdb, status: st };
}

function deleteOptionsOf(body: Record<string, unknown>): DeleteOptions {
  const o = body.deleteOptions;
  if (o === undefined || o === null) return {};
  if (!isPlainObject(o)) throw errors.badRequest('deleteOptions: must be an object');
  const opts = o as DeleteOptions;
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds !== null && (!Number.isInteger(opts.gracePeriodSeconds) || opts.gracePeriodSeconds < 0)) {
    throw errors.badRequest(`gracePeriodSeconds: Invalid value: ${opts.gracePeriodSeconds}: must be greater than or equal to 0`);
  }
  if (opts.dryRun?.some((v) => v !== 'All')) throw errors.badRequest(`Invalid dry run value: ${opts.dryRun.join(',')}; supported values: All`);
  return opts;
}

function successStatus(): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

/** POST pods/<name>/eviction. */
export async function handleEviction(rc: RequestCtx): Promise<void> {
  if ((rc.req.method ?? '').toUpperCase() !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  const body = decodeBody(rc.req.headers['content-type'], await readBody(rc.req), "couldn't decode the Eviction");
  const name = rc.info.name;
  const meta = isPlainObject(body.metadata) ? body.metadata : {};
  if (meta.name !== undefined && meta.name !== name) throw errors.badRequest('name in URL does not match name in Eviction object');
  const opts = deleteOptionsOf(body);
  // propagateDryRun: ?dryRun=All and deleteOptions.dryRun mean the same.
  const dryRun = isDryRun(rc.query) || (opts.dryRun?.length ?? 0) > 0;
  const query = new URLSearchParams(rc.query);
  if (dryRun && !query.has('dryRun')) query.set('dryRun', 'All');
  const sub: RequestCtx = { ...rc, query };
  const podKey = storageKey(rc.def, rc.info.namespace, name);
  const userRv = !!opts.preconditions?.resourceVersion;

  for (let attempt = 0; ; attempt++) {
    const pod = await rc.deps.store.get(podKey);
    if (!pod) throw errors.notFound({ group: '', resource: 'pods' }, name);
    const pdbDef = rc.deps.resources.lookup('policy', 'v1', 'poddisruptionbudgets');
    const pdbs = pdbDef ? (await rc.deps.store.list(storagePrefix(pdbDef, rc.info.namespace))).items : [];
    const plan = planEviction(pod, pdbs);
    if (plan.kind === 'multiple') {
      send(rc.req, rc.res, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 }, { warnings: rc.warnings });
      return;
    }
    if (plan.kind === 'budget' && pdbDef) await decrementBudget(rc, pdbDef, plan.pdb, name, dryRun);
    const guard = plan.kind === 'delete' && plan.guardResourceVersion && !userRv;
    const delOpts: DeleteOptions = guard ? { ...opts, preconditions: { ...opts.preconditions, resourceVersion: pod.metadata.resourceVersion } } : opts;
    try {
      await addConditionAndDelete(sub, podKey, name, delOpts, dryRun);
    } catch (e) {
      // The pod changed under a resourceVersion guard we set ourselves: look again (upstream retries conflicts).
      if (guard && e instanceof ApiError && e.code === 409 && attempt < 4) continue;
      throw e;
    }
    send(rc.req, rc.res, 201, successStatus(), { warnings: rc.warnings });
    return;
  }
}

/** Checks and decrements the budget atomically on the stored PDB (a dry run only checks). */
async function decrementBudget(rc: RequestCtx, pdbDef: ResourceDef, pdb: KubeObject, podName: string, dryRun: boolean): Promise<void> {
  const key = storageKey(pdbDef, pdb.metadata.namespace ?? '', pdb.metadata.name ?? '');
  if (dryRun) {
    checkAndDecrement(pdb, podName, rc.deps.now(), true);
    return;
  }
  try {
    await rc.deps.store.guaranteedUpdate(key, (cur) => {
      if (!cur) throw new StorageError('NotFound', key, 'not found');
      return checkAndDecrement(cur, podName, rc.deps.now(), false);
    });
  } catch (e) {
    translateStorageError(pdbDef, pdb.metadata.name ?? '', e);
  }
}

/**
 * addConditionAndDeletePod: the DisruptionTarget condition (reason EvictionByEvictionAPI) is
 * written first, honouring the preconditions, then the pod is deleted with the Eviction's
 * DeleteOptions (its resourceVersion precondition moved to the version just written).
 */
async function addConditionAndDelete(rc: RequestCtx, podKey: string, name: string, opts: DeleteOptions, dryRun: boolean): Promise<void> {
  let delOpts = opts;
  if (!dryRun) {
    let written: KubeObject;
    try {
      written = await rc.deps.store.guaranteedUpdate(podKey, (cur) => {
        if (!cur) throw new StorageError('NotFound', podKey, 'not found');
        const pre = opts.preconditions;
        if (pre?.uid && pre.uid !== cur.metadata.uid) throw new StorageError('PreconditionFailed', podKey, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid ?? ''}`);
        if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
          throw new StorageError('PreconditionFailed', podKey, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${cur.metadata.resourceVersion ?? ''}`);
        }
        const status = (cur.status ??= {}) as { conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string; lastProbeTime?: null }[] };
        const prev = status.conditions?.find((c) => c.type === 'DisruptionTarget');
        const cond = { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null, lastTransitionTime: prev?.status === 'True' && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(rc.deps.now()) };
        status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'), cond];
        return cur;
      });
    } catch (e) {
      translateStorageError(rc.def, name, e);
    }
    if (opts.preconditions?.resourceVersion) delOpts = { ...opts, preconditions: { ...opts.preconditions, resourceVersion: written.metadata.resourceVersion } };
  }
  await deleteOne(rc, name, delOpts);
}
