/**
 * A tiny local-path provisioner (after rancher/local-path-provisioner, with Immediate binding): a
 * PVC of StorageClass `local-path` — or of no class, local-path being the default — without a
 * volumeName gets a hostPath PersistentVolume `pvc-<uid>` under `<dir>/<pvc-uid>` on this node,
 * pre-bound through claimRef, and the claim is bound to it (what the PV controller would do).
 * A deleted claim's volume is deleted with its directory (reclaimPolicy Delete). The StorageClass
 * itself is created as the default class when missing.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';
import { Informer, objectKey } from '../../client/informer.js';
import { isStatus, type RestClient } from '../../client/rest.js';

/** The provisioner name in the StorageClass and the PVs' annotations. */
export const localPathProvisionerName = 'kubeling.dev/local-path';
export const localPathClass = 'local-path';

const pvcsRef = { group: '', version: 'v1', resource: 'persistentvolumeclaims' };
const pvsRef = { group: '', version: 'v1', resource: 'persistentvolumes' };
const scRef = { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses' };

/** Options of the provisioner. */
export interface LocalPathOptions {
  client: RestClient;
  /** where volumes live (e.g. `<dataDir>/local-path`) */
  dir: string;
  /** the node the volumes are on (PV nodeAffinity) */
  nodeName: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** The PV the provisioner makes for a claim. */
export function localPathVolume(pvc: PersistentVolumeClaim, dir: string, nodeName: string): PersistentVolume {
  const uid = pvc.metadata?.uid ?? '';
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pvc-${uid}`, annotations: { 'pv.kubernetes.io/provisioned-by': localPathProvisionerName } },
    spec: {
      capacity: { storage: pvc.spec?.resources?.requests?.storage ?? '1Gi' },
      accessModes: pvc.spec?.accessModes?.length ? pvc.spec.accessModes : ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: localPathClass,
      volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
      hostPath: { path: join(dir, uid), type: 'DirectoryOrCreate' },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata?.namespace, name: pvc.metadata?.name, uid },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] }] } },
    },
  };
}

/** Whether the provisioner should act on a claim. */
export function wantsLocalPath(pvc: PersistentVolumeClaim): boolean {
  if (pvc.spec?.volumeName || pvc.metadata?.deletionTimestamp) return false;
  const cls = pvc.spec?.storageClassName;
  return cls === localPathClass || cls === undefined || cls === null;
}

/** Watches claims and provisions/binds/deletes local-path volumes. */
export class LocalPathProvisioner {
  private readonly informer: Informer;
  private readonly inflight = new Set<string>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly opts: LocalPathOptions) {
    this.informer = new Informer({ client: opts.client, resource: pvcsRef, log: opts.log });
  }

  /** Ensures the StorageClass and starts watching claims. */
  async start(): Promise<void> {
    await this.ensureStorageClass();
    this.informer.addHandlers({ onAdd: (o) => this.kick(o), onUpdate: (_, o) => this.kick(o), onDelete: (o) => this.kick(o, true) });
    this.informer.start();
    await this.informer.waitForSync();
  }

  /** Stops watching (volumes stay). */
  async stop(): Promise<void> {
    await this.informer.stop();
    await Promise.all([...this.pending]);
  }

  private async ensureStorageClass(): Promise<void> {
    try {
      await this.opts.client.get({ ...scRef, name: localPathClass });
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
      const sc = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: localPathClass, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: localPathProvisionerName, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' };
      try {
        await this.opts.client.create(scRef, sc);
      } catch (err) {
        if (!isStatus(err, 409)) throw err;
      }
    }
  }

  private kick(o: KubeObject, deleted = false): void {
    const key = objectKey(o);
    if (this.inflight.has(key)) return;
    this.inflight.add(key);
    const pvc = o as unknown as PersistentVolumeClaim;
    const p = (deleted ? this.reclaim(pvc) : this.provision(pvc))
      .catch((e: unknown) => this.opts.log?.('local-path provisioning failed', { pvc: key, error: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        this.inflight.delete(key);
        this.pending.delete(p);
      });
    this.pending.add(p);
  }

  private async provision(pvc: PersistentVolumeClaim): Promise<void> {
    if (!wantsLocalPath(pvc)) return;
    const pv = localPathVolume(pvc, this.opts.dir, this.opts.nodeName);
    mkdirSync(pv.spec?.hostPath?.path ?? '', { recursive: true, mode: 0o777 });
    try {
      await this.opts.client.create(pvsRef, pv as unknown as KubeObject);
    } catch (e) {
      if (!isStatus(e, 409)) throw e;
    }
    const ns = pvc.metadata?.namespace ?? 'default';
    const name = pvc.metadata?.name ?? '';
    const pvName = pv.metadata?.name ?? '';
    await this.opts.client.patch({ ...pvcsRef, namespace: ns, name }, 'merge', { spec: { volumeName: pvName }, metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'volume.kubernetes.io/storage-provisioner': localPathProvisionerName } } });
    await this.opts.client.patch({ ...pvsRef, name: pvName, subresource: 'status' }, 'merge', { status: { phase: 'Bound' } });
    await this.opts.client.patch({ ...pvcsRef, namespace: ns, name, subresource: 'status' }, 'merge', { status: { phase: 'Bound', accessModes: pv.spec?.accessModes, capacity: pv.spec?.capacity } });
  }

  private async reclaim(pvc: PersistentVolumeClaim): Promise<void> {
    const pvName = `pvc-${pvc.metadata?.uid ?? ''}`;
    let pv: PersistentVolume;
    try {
      pv = (await this.opts.client.get({ ...pvsRef, name: pvName })) as unknown as PersistentVolume;
    } catch (e) {
      if (isStatus(e, 404)) return;
      throw e;
    }
    if (pv.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'] !== localPathProvisionerName) return;
    const path = pv.spec?.hostPath?.path;
    try {
      await this.opts.client.delete({ ...pvsRef, name: pvName });
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
    if (path && path.startsWith(this.opts.dir + '/')) rmSync(path, { recursive: true, force: true });
  }
}
