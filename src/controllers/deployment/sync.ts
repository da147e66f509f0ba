/**
 * The writing half of the Deployment controller (pkg/controller/deployment sync.go, rolling.go,
 * recreate.go, progress.go): finding or creating the new ReplicaSet with its revision, applying
 * scale plans with ScalingReplicaSet events, revisionHistoryLimit cleanup and status writes.
 * The arithmetic lives in rolling.ts and conditions.ts.
 */
import { deepEqual } from '../../api/object.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import { controllerRefOf, newControllerRef } from '../common/controller-ref-replicaset.js';
import { FAILED_RS_CREATE, FOUND_NEW_RS, NEW_RS_CREATED, calculateStatus, getCondition, newCondition, rolloutStatus, setCondition, stuckRequeueMs } from './conditions.js';
import { newRSNewReplicas, type ScaleStep } from './rolling.js';
import {
  POD_TEMPLATE_HASH,
  REVISION,
  byRevision,
  computeHash,
  equalIgnoreHash,
  findNewReplicaSet,
  findOldReplicaSets,
  maxRevision,
  maxSurge,
  replicasAnnotationsNeedUpdate,
  replicasOf,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  type DeploymentObj,
  type ReplicaSetObj,
} from './util.js';

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' } as const;
const RS = { group: 'apps', version: 'v1', resource: 'replicasets' } as const;

/** What the sync steps need: the client, the recorder and a clock. */
export interface SyncDeps {
  client: RestClient;
  recorder: EventRecorder;
  now: () => Date;
}

/** The Deployment's ReplicaSets split into the new one (if any) and the old ones. */
export interface ReplicaSetSplit {
  newRS: ReplicaSetObj | undefined;
  oldRSs: ReplicaSetObj[];
}

/** Sync operations on one working copy of a Deployment (its status and annotations are updated in place). */
export class DeploymentSync {
  constructor(
    private readonly deps: SyncDeps,
    readonly d: DeploymentObj,
  ) {}

  private get ns(): string {
    return this.d.metadata.namespace ?? '';
  }

  /**
   * Writes status (and the revision annotation, which upstream's deployment status strategy lets
   * through). Where the server drops annotation changes on the status subresource, the annotation
   * is set with a merge patch of the Deployment instead.
   */
  async writeStatus(): Promise<void> {
    const d = this.d;
    const ref = { ...DEPLOYMENTS, namespace: this.ns, name: d.metadata.name };
    const saved = await this.deps.client.update({ ...ref, subresource: 'status' }, d);
    d.metadata.resourceVersion = saved.metadata.resourceVersion;
    const want = d.metadata.annotations?.[REVISION];
    if (want !== undefined && saved.metadata.annotations?.[REVISION] !== want) {
      const patched = await this.deps.client.patch(ref, 'merge', { metadata: { resourceVersion: saved.metadata.resourceVersion, annotations: { [REVISION]: want } } });
      d.metadata.resourceVersion = patched.metadata.resourceVersion;
      d.metadata.generation = patched.metadata.generation;
    }
  }

  /** SetDeploymentRevision */
  private setRevision(revision: string): boolean {
    const a = (this.d.metadata.annotations ??= {});
    if (a[REVISION] === revision) return false;
    a[REVISION] = revision;
    return true;
  }

  /** getAllReplicaSetsAndSyncRevision */
  async split(rsList: ReplicaSetObj[], create: boolean): Promise<ReplicaSetSplit> {
    const existing = findNewReplicaSet(this.d, rsList);
    const oldRSs = findOldReplicaSets(this.d, rsList, existing);
    const newRS = await this.newReplicaSet(existing, oldRSs, create);
    return { newRS, oldRSs };
  }

  /** getNewReplicaSet: reuse (bumping its revision) or create `<deployment>-<hash>`. */
  private async newReplicaSet(existing: ReplicaSetObj | undefined, oldRSs: ReplicaSetObj[], create: boolean): Promise<ReplicaSetObj | undefined> {
    const d = this.d;
    const newRevision = maxRevision(oldRSs) + 1;
    const now = this.deps.now();
    if (existing) {
      let rs = structuredClone(existing);
      const annotationsChanged = setNewReplicaSetAnnotations(d, rs, newRevision, true);
      const minReady = d.spec?.minReadySeconds ?? 0;
      if (annotationsChanged || (rs.spec?.minReadySeconds ?? 0) !== minReady) {
        if (rs.spec) rs.spec.minReadySeconds = minReady;
        rs = (await this.deps.client.update({ ...RS, namespace: this.ns, name: rs.metadata.name }, rs));
      }
      let needsUpdate = this.setRevision(rs.metadata.annotations?.[REVISION] ?? '');
      if (!getCondition(d.status, 'Progressing')) {
        setCondition((d.status ??= {}), newCondition('Progressing', 'True', FOUND_NEW_RS, `Found new replica set "${rs.metadata.name ?? ''}"`, now));
        needsUpdate = true;
      }
      if (needsUpdate) await this.writeStatus();
      return rs;
    }
    if (!create) return undefined;
    const hash = computeHash(d.spec?.template, d.status?.collisionCount);
    const template = structuredClone(d.spec?.template ?? {});
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const selector = structuredClone(d.spec?.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const name = `${d.metadata.name ?? ''}-${hash}`;
    const body: ReplicaSetObj = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, namespace: this.ns, labels: { ...template.metadata.labels }, ownerReferences: [newControllerRef({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: d.metadata })] },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    body.spec!.replicas = newRSNewReplicas(d, [...oldRSs, body], body);
    setNewReplicaSetAnnotations(d, body, newRevision, false);
    let created: ReplicaSetObj;
    let alreadyExists = false;
    try {
      created = (await this.deps.client.create({ ...RS, namespace: this.ns }, body));
    } catch (e) {
      if (isStatus(e, 409)) {
        const cur = (await this.deps.client.get({ ...RS, namespace: this.ns, name })) as ReplicaSetObj;
        if (controllerRefOf(cur)?.uid === d.metadata.uid && equalIgnoreHash(cur.spec?.template, d.spec?.template)) {
          created = cur;
          alreadyExists = true;
        } else {
          // A hash collision: bump collisionCount so the next attempt hashes to another name.
          const st = (d.status ??= {});
          st.collisionCount = (st.collisionCount ?? 0) + 1;
          await this.writeStatus();
          throw new Error(`hash collision for ReplicaSet "${name}"; collisionCount is now ${st.collisionCount}`);
        }
      } else {
        const msg = `Failed to create new replica set "${name}": ${e instanceof Error ? e.message : String(e)}`;
        this.deps.recorder.event(d, 'Warning', 'FailedCreate', msg);
        setCondition((d.status ??= {}), newCondition('Progressing', 'False', FAILED_RS_CREATE, msg, now));
        await this.writeStatus();
        throw e;
      }
    }
    const n = replicasOf(created);
    if (!alreadyExists && n > 0) this.deps.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${n}`);
    let needsUpdate = this.setRevision(String(newRevision));
    if (!alreadyExists) {
      setCondition((d.status ??= {}), newCondition('Progressing', 'True', NEW_RS_CREATED, `Created new replica set "${name}"`, now));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus();
    return created;
  }

  /**
   * scaleReplicaSet: writes the size and the desired/max replica annotations; the event is
   * "Scaled up|down replica set <name> from <old> to <new>".
   */
  async scaleReplicaSet(rs: ReplicaSetObj, replicas: number, refresh: boolean): Promise<{ scaled: boolean; rs: ReplicaSetObj }> {
    const d = this.d;
    const old = replicasOf(rs);
    const sizeChanged = old !== replicas;
    if (!sizeChanged && !refresh) return { scaled: false, rs };
    const desired = replicasOf(d);
    const max = desired + maxSurge(d);
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const copy = structuredClone(rs);
    if (copy.spec) copy.spec.replicas = replicas;
    setReplicasAnnotations(copy, desired, max);
    const saved = (await this.deps.client.update({ ...RS, namespace: this.ns, name: rs.metadata.name }, copy)) as ReplicaSetObj;
    if (sizeChanged) this.deps.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${old < replicas ? 'up' : 'down'} replica set ${rs.metadata.name ?? ''} from ${old} to ${replicas}`);
    return { scaled: sizeChanged, rs: saved };
  }

  /** Applies scale steps in order (a later step on the same ReplicaSet sees the earlier write). */
  async apply(steps: ScaleStep[], all: ReplicaSetObj[]): Promise<boolean> {
    let any = false;
    for (const step of steps) {
      const i = all.findIndex((r) => r.metadata.uid === step.rs.metadata.uid);
      const cur = i >= 0 ? all[i]! : step.rs;
      const { scaled, rs } = await this.scaleReplicaSet(cur, step.replicas, step.refresh ?? false);
      if (i >= 0) all[i] = rs;
      any ||= scaled;
    }
    return any;
  }

  /**
   * cleanupDeployment: deletes the oldest old ReplicaSets beyond revisionHistoryLimit, only those
   * already at zero replicas and observed at their generation.
   */
  async cleanup(oldRSs: ReplicaSetObj[]): Promise<void> {
    const limit = this.d.spec?.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = alive.length - limit;
    if (diff <= 0) return;
    alive.sort(byRevision);
    for (const rs of alive.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.deps.client.delete({ ...RS, namespace: this.ns, name: rs.metadata.name });
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
      }
    }
  }

  /** syncDeploymentStatus: counts and Available only (scaling and paused syncs). */
  async syncStatus(all: (ReplicaSetObj | undefined)[], newRS: ReplicaSetObj | undefined): Promise<void> {
    const next = calculateStatus(all, newRS, this.d, this.deps.now());
    if (deepEqual(this.d.status ?? {}, next)) return;
    this.d.status = next;
    await this.writeStatus();
  }

  /** syncRolloutStatus; returns when to look again for a stuck rollout. */
  async syncRolloutStatus(all: (ReplicaSetObj | undefined)[], newRS: ReplicaSetObj | undefined): Promise<number | undefined> {
    const now = this.deps.now();
    const next = rolloutStatus(all, newRS, this.d, now);
    if (deepEqual(this.d.status ?? {}, next)) return stuckRequeueMs(this.d, next, now);
    this.d.status = next;
    await this.writeStatus();
    return undefined;
  }
}
