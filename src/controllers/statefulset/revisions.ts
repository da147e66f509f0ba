/**
 * StatefulSet history (upstream stateful_set_control.go getStatefulSetRevisions, truncateHistory
 * and history.NewControllerRevision / CreateControllerRevision): the update revision is the
 * current template as `<set>-<hash>` labelled `controller.kubernetes.io/hash`; if an equal
 * revision exists it is reused (renumbered when it is not the latest, i.e. a rollback); the
 * current revision is the one status.currentRevision names. Old revisions no pod uses are pruned
 * down to revisionHistoryLimit.
 */
import type { KubeObject } from '../../api/object.js';
import { deepCopy } from '../../api/object.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import {
  CONTROLLER_REVISIONS,
  equalRevisionData,
  hashRevisionData,
  revisionName,
  revisionsToPrune,
  sortRevisions,
  templateOfRevision,
  templatePatch,
  type ControllerRevision,
} from '../common/history-ds-sts.js';
import { newControllerRef } from '../common/workload-helpers-ds-sts.js';
import { podRevision, stsSpec } from './identity.js';

/** history.ControllerRevisionHashLabel */
export const HASH_LABEL = 'controller.kubernetes.io/hash';

/** newRevision: the revision object of the set's current template, hashed with `collisionCount`. */
export function newStsRevision(set: KubeObject, revision: number, collisionCount: number): ControllerRevision {
  const data = templatePatch(set);
  const hash = hashRevisionData(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(set.metadata.name ?? '', hash),
      namespace: set.metadata.namespace,
      labels: { ...(stsSpec(set).template?.metadata?.labels ?? {}), [HASH_LABEL]: hash },
      ...(set.metadata.annotations ? { annotations: { ...set.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(set, 'apps/v1', 'StatefulSet')],
    },
    data,
    revision,
  };
}

/** ApplyRevision: the set with the revision's pod template. */
export function applyRevision(set: KubeObject, rev: ControllerRevision): KubeObject {
  const out = deepCopy(set);
  out.spec = { ...(out.spec ?? {}), template: templateOfRevision(rev) };
  return out;
}

/** The revisions a pass works with. */
export interface StsRevisions {
  current: ControllerRevision;
  update: ControllerRevision;
  collisionCount: number;
}

/** The decision of getStatefulSetRevisions before any write. */
export type RevisionStep = { kind: 'reuse'; rev: ControllerRevision } | { kind: 'renumber'; rev: ControllerRevision; revision: number } | { kind: 'create'; rev: ControllerRevision };

/** Pure part of getStatefulSetRevisions: reuse the latest equal revision, renumber an older one, or create. */
export function chooseUpdateRevision(set: KubeObject, revs: ControllerRevision[], collisionCount: number): RevisionStep {
  const sorted = sortRevisions(revs);
  const next = (sorted[sorted.length - 1]?.revision ?? 0) + 1;
  const candidate = newStsRevision(set, next, collisionCount);
  const equal = sorted.filter((r) => equalRevisionData(r.data, candidate.data));
  const lastEqual = equal[equal.length - 1];
  if (lastEqual && lastEqual === sorted[sorted.length - 1]) return { kind: 'reuse', rev: lastEqual };
  if (lastEqual) return { kind: 'renumber', rev: lastEqual, revision: next };
  return { kind: 'create', rev: candidate };
}

/** getStatefulSetRevisions, writing the revision it decided on. */
export async function statefulSetRevisions(client: RestClient, set: KubeObject, revs: ControllerRevision[]): Promise<StsRevisions> {
  const ns = set.metadata.namespace ?? '';
  let collisionCount = Number((set.status as { collisionCount?: number } | undefined)?.collisionCount ?? 0);
  const step = chooseUpdateRevision(set, revs, collisionCount);
  let update: ControllerRevision;
  if (step.kind === 'reuse') update = step.rev;
  else if (step.kind === 'renumber') update = (await client.patch({ ...CONTROLLER_REVISIONS, namespace: ns, name: step.rev.metadata.name ?? '' }, 'merge', { revision: step.revision }));
  else {
    // CreateControllerRevision: on a name taken by other data, raise the collision count and rehash.
    let candidate = step.rev;
    for (;;) {
      try {
        update = (await client.create({ ...CONTROLLER_REVISIONS, namespace: ns }, candidate));
        break;
      } catch (e) {
        if (!isStatus(e, 409)) throw e;
        const existing = (await client.get({ ...CONTROLLER_REVISIONS, namespace: ns, name: candidate.metadata.name ?? '' })) as ControllerRevision;
        if (equalRevisionData(existing.data, candidate.data)) {
          update = existing;
          break;
        }
        collisionCount++;
        candidate = newStsRevision(set, candidate.revision ?? 1, collisionCount);
      }
    }
  }
  const currentName = (set.status as { currentRevision?: string } | undefined)?.currentRevision;
  const current = revs.find((r) => r.metadata.name === currentName) ?? update;
  return { current, update, collisionCount };
}

/** truncateHistory: deletes the oldest revisions beyond the limit that neither status nor a pod uses. */
export async function truncateHistory(client: RestClient, set: KubeObject, pods: KubeObject[], revs: ControllerRevision[], r: StsRevisions): Promise<void> {
  const live = new Set([r.current.metadata.name, r.update.metadata.name, ...pods.map(podRevision)]);
  const history = revs.filter((x) => !live.has(x.metadata.name));
  const limit = stsSpec(set).revisionHistoryLimit ?? 10;
  for (const doomed of revisionsToPrune(history, () => false, history.length - limit)) {
    try {
      await client.delete({ ...CONTROLLER_REVISIONS, namespace: set.metadata.namespace ?? '', name: doomed.metadata.name ?? '' });
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
  }
}
