/**
 * DaemonSet history (upstream daemon/update.go constructHistory, snapshot, dedupCurHistories,
 * cleanupHistory): the current template is one ControllerRevision `<ds>-<hash>` labelled
 * `controller-revision-hash: <hash>` with the next revision number; a template seen before gets
 * its old revision renumbered (a rollback); old revisions beyond revisionHistoryLimit that no pod
 * runs are deleted.
 */
import type { KubeObject } from '../../api/object.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import {
  CONTROLLER_REVISIONS,
  computeTemplateHash,
  equalRevisionData,
  maxRevision,
  revisionName,
  revisionsToPrune,
  sortRevisions,
  templatePatch,
  type ControllerRevision,
} from '../common/history-ds-sts.js';
import { newControllerRef } from '../common/workload-helpers-ds-sts.js';
import { dsSpec, REVISION_HASH_LABEL } from './util.js';

const DAEMONSETS = { group: 'apps', version: 'v1', resource: 'daemonsets' } as const;

/** The current revision and the others. */
export interface DaemonHistory {
  cur: ControllerRevision;
  old: ControllerRevision[];
}

/** The split constructHistory makes before writing: revisions matching the template, and the rest. */
export function splitHistory(ds: KubeObject, revs: ControllerRevision[]): { current: ControllerRevision[]; old: ControllerRevision[]; next: number } {
  const data = templatePatch(ds);
  const current = revs.filter((r) => equalRevisionData(r.data, data));
  const old = revs.filter((r) => !current.includes(r));
  return { current, old, next: maxRevision(old) + 1 };
}

function collisionCount(ds: KubeObject): number | undefined {
  const c = (ds.status as { collisionCount?: number } | undefined)?.collisionCount;
  return typeof c === 'number' ? c : undefined;
}

/** The revision object snapshot() creates for the DaemonSet's current template. */
export function newDaemonRevision(ds: KubeObject, revision: number): ControllerRevision {
  const hash = computeTemplateHash(dsSpec(ds).template ?? {}, collisionCount(ds));
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(ds.metadata.name ?? '', hash),
      namespace: ds.metadata.namespace,
      labels: { ...(dsSpec(ds).template?.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash },
      ...(ds.metadata.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(ds, 'apps/v1', 'DaemonSet')],
    },
    data: templatePatch(ds),
    revision,
  };
}

/** constructHistory: finds or creates the current revision and renumbers it when needed. */
export async function constructHistory(client: RestClient, ds: KubeObject, revs: ControllerRevision[]): Promise<DaemonHistory> {
  const { current, old, next } = splitHistory(ds, revs);
  const ns = ds.metadata.namespace ?? '';
  let cur: ControllerRevision;
  if (current.length === 0) {
    cur = await snapshot(client, ds, next);
  } else {
    // dedupCurHistories: keep the highest revision, drop the duplicates.
    const sorted = sortRevisions(current);
    cur = sorted[sorted.length - 1]!;
    for (const dup of sorted.slice(0, -1)) {
      try {
        await client.delete({ ...CONTROLLER_REVISIONS, namespace: ns, name: dup.metadata.name ?? '' });
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
      }
    }
    if ((cur.revision ?? 0) < next) {
      cur = (await client.patch({ ...CONTROLLER_REVISIONS, namespace: ns, name: cur.metadata.name ?? '' }, 'merge', { revision: next }));
    }
  }
  return { cur, old };
}

/**
 * snapshot: creates `<ds>-<hash>`. A name taken by a revision with other data is a hash
 * collision: status.collisionCount is raised so the next attempt hashes differently.
 */
async function snapshot(client: RestClient, ds: KubeObject, revision: number): Promise<ControllerRevision> {
  const rev = newDaemonRevision(ds, revision);
  const ns = ds.metadata.namespace ?? '';
  try {
    return (await client.create({ ...CONTROLLER_REVISIONS, namespace: ns }, rev));
  } catch (e) {
    if (!isStatus(e, 409)) throw e;
    const existing = (await client.get({ ...CONTROLLER_REVISIONS, namespace: ns, name: rev.metadata.name ?? '' })) as ControllerRevision;
    if (equalRevisionData(existing.data, rev.data)) return existing;
    const fresh = await client.get({ ...DAEMONSETS, namespace: ns, name: ds.metadata.name ?? '' });
    const status = (fresh.status ?? {}) as { collisionCount?: number };
    await client.update({ ...DAEMONSETS, namespace: ns, name: ds.metadata.name ?? '', subresource: 'status' }, { ...fresh, status: { ...status, collisionCount: (status.collisionCount ?? 0) + 1 } });
    throw new Error(`found a stale controller revision ${rev.metadata.name ?? ''} (hash collision); collisionCount raised`);
  }
}

/** cleanupHistory: deletes old revisions beyond revisionHistoryLimit whose hash no pod carries. */
export async function cleanupHistory(client: RestClient, ds: KubeObject, old: ControllerRevision[], pods: KubeObject[]): Promise<void> {
  const limit = dsSpec(ds).revisionHistoryLimit ?? 10;
  const live = new Set(pods.map((p) => p.metadata.labels?.[REVISION_HASH_LABEL]).filter((h): h is string => !!h));
  const doomed = revisionsToPrune(old, (r) => live.has(r.metadata.labels?.[REVISION_HASH_LABEL] ?? ''), old.length - limit);
  for (const r of doomed) {
    try {
      await client.delete({ ...CONTROLLER_REVISIONS, namespace: ds.metadata.namespace ?? '', name: r.metadata.name ?? '' });
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
  }
}
