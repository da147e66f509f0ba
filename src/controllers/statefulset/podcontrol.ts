/**
 * StatefulSet writes (upstream stateful_pod_control.go StatefulPodControl): claims are created
 * before their pod, a created pod's claims get the owner references the retention policy asks
 * for, and every write is recorded with upstream's event wording ("create Pod web-0 in
 * StatefulSet web successful", "create Claim www-web-0 Pod web-0 in StatefulSet web success").
 */
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import { claimOwnerRefs, claimsFor, ordinalOf, POD_INDEX_LABEL, POD_NAME_LABEL } from './identity.js';

const PODS = { group: '', version: 'v1', resource: 'pods' } as const;
const PVCS = { group: '', version: 'v1', resource: 'persistentvolumeclaims' } as const;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Writes of one StatefulSet with its recorder. */
export class StatefulPodControl {
  constructor(private readonly client: RestClient, private readonly recorder: EventRecorder) {}

  private podEvent(set: KubeObject, verb: string, pod: KubeObject, err?: unknown): void {
    const setName = set.metadata.name ?? '';
    const podName = pod.metadata.name ?? '';
    if (err === undefined) this.recorder.event(set, 'Normal', `Successful${verb[0]!.toUpperCase()}${verb.slice(1)}`, `${verb} Pod ${podName} in StatefulSet ${setName} successful`);
    else this.recorder.event(set, 'Warning', `Failed${verb[0]!.toUpperCase()}${verb.slice(1)}`, `${verb} Pod ${podName} in StatefulSet ${setName} failed error: ${message(err)}`);
  }

  /** createPersistentVolumeClaims: creates each missing claim (an existing one is fine). */
  async createClaims(set: KubeObject, pod: KubeObject, claims: KubeObject[]): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    const setName = set.metadata.name ?? '';
    for (const claim of claims) {
      const name = claim.metadata.name ?? '';
      try {
        out.push(await this.client.create({ ...PVCS, namespace: set.metadata.namespace }, claim));
        this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${pod.metadata.name ?? ''} in StatefulSet ${setName} success`);
      } catch (e) {
        if (isStatus(e, 409)) continue;
        this.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${name} for Pod ${pod.metadata.name ?? ''} in StatefulSet ${setName} failed error: ${message(e)}`);
        throw new Error(`failed to create PVC ${name}: ${message(e)}`);
      }
    }
    return out;
  }

  /** CreateStatefulPod: claims first, then the pod, then the claims' retention owners. */
  async createPod(set: KubeObject, updateSet: KubeObject, pod: KubeObject, claims: KubeObject[]): Promise<void> {
    try {
      await this.createClaims(set, pod, claims);
    } catch (e) {
      this.podEvent(set, 'create', pod, e);
      throw e;
    }
    let created: KubeObject;
    try {
      created = await this.client.create({ ...PODS, namespace: set.metadata.namespace }, pod);
    } catch (e) {
      // AlreadyExists is not recorded: the informer has simply not caught up.
      if (!isStatus(e, 409)) this.podEvent(set, 'create', pod, e);
      throw e;
    }
    await this.fixClaimOwners(updateSet, created);
    this.podEvent(set, 'create', created);
  }

  /** UpdatePodClaimForRetentionPolicy for a pod just created (its uid is now known). */
  async fixClaimOwners(set: KubeObject, pod: KubeObject): Promise<void> {
    for (const { claim } of claimsFor(set, ordinalOf(pod))) {
      let existing: KubeObject;
      try {
        existing = await this.client.get({ ...PVCS, namespace: set.metadata.namespace, name: claim.metadata.name });
      } catch (e) {
        if (isStatus(e, 404)) continue;
        throw e;
      }
      const refs = claimOwnerRefs(set, pod, existing);
      if (refs) await this.setClaimOwners(existing, refs);
    }
  }

  /** Writes a claim's owner references (conflicts retry through the queue). */
  async setClaimOwners(claim: KubeObject, refs: OwnerReference[]): Promise<void> {
    await this.client.patch({ ...PVCS, namespace: claim.metadata.namespace, name: claim.metadata.name }, 'merge', { metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: claim.metadata.resourceVersion } });
  }

  /** DeleteStatefulPod */
  async deletePod(set: KubeObject, pod: KubeObject): Promise<void> {
    try {
      await this.client.delete({ ...PODS, namespace: pod.metadata.namespace, name: pod.metadata.name }, { preconditions: { uid: pod.metadata.uid } });
      this.podEvent(set, 'delete', pod);
    } catch (e) {
      if (isStatus(e, 404)) return;
      this.podEvent(set, 'delete', pod, e);
      throw e;
    }
  }

  /** UpdateStatefulPod: restores the identity labels (spec volumes are immutable; missing claims are created). */
  async updateIdentity(set: KubeObject, pod: KubeObject): Promise<void> {
    const ordinal = ordinalOf(pod);
    try {
      await this.createClaims(set, pod, claimsFor(set, ordinal).map((c) => c.claim));
      await this.client.patch({ ...PODS, namespace: pod.metadata.namespace, name: pod.metadata.name }, 'merge', {
        metadata: { labels: { [POD_NAME_LABEL]: pod.metadata.name ?? '', [POD_INDEX_LABEL]: String(ordinal) }, resourceVersion: pod.metadata.resourceVersion },
      });
      this.podEvent(set, 'update', pod);
    } catch (e) {
      if (isStatus(e, 404)) return;
      this.podEvent(set, 'update', pod, e);
      throw e;
    }
  }
}
