/**
 * Where volumes and env read cluster objects, through `src/client/` only: ConfigMaps, Secrets,
 * PVCs and PVs are read fresh with a GET (kubelet's "Get" change-detection strategy, so a periodic
 * resync sees updates), Services come from one shared informer (service links are needed for
 * every container), the node's allocatable is cached for a minute.
 */
import type { ConfigMap, Node, PersistentVolume, PersistentVolumeClaim, Secret, Service } from 'kubernetes-types/core/v1.js';
import { Informer } from '../../client/informer.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import { realClock, type Clock } from '../../client/workqueue.js';
import type { EnvSources } from '../env.js';

/** A TokenRequest's inputs (projected serviceAccountToken source). */
export interface TokenRequestSpec {
  audience?: string;
  expirationSeconds: number;
}

/** Everything volumes and env resolution read. */
export interface VolumeSources extends EnvSources {
  persistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  persistentVolume(name: string): Promise<PersistentVolume | undefined>;
  /** a token for the service account (POST serviceaccounts/<sa>/token); throws when none can be had */
  serviceAccountToken(namespace: string, serviceAccount: string, podName: string, podUid: string, req: TokenRequestSpec): Promise<string>;
  /** the node's status.allocatable */
  nodeAllocatable(nodeName: string): Promise<Record<string, string>>;
}

const core = (resource: string) => ({ group: '', version: 'v1', resource });

/** VolumeSources over the REST client. */
export class ApiVolumeSources implements VolumeSources {
  private services_: Informer | undefined;
  private synced: Promise<void> | undefined;
  private readonly nodes = new Map<string, { at: number; alloc: Record<string, string> }>();
  private readonly clock: Clock;

  constructor(
    private readonly client: RestClient,
    opts: { clock?: Clock; log?: (msg: string, fields?: Record<string, unknown>) => void } = {},
  ) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log;
  }
  private readonly log: ((msg: string, fields?: Record<string, unknown>) => void) | undefined;

  private async getOr404<T>(ref: { group: string; version: string; resource: string; namespace?: string; name: string }): Promise<T | undefined> {
    try {
      return (await this.client.get(ref)) as unknown as T;
    } catch (e) {
      if (isStatus(e, 404)) return undefined;
      throw e;
    }
  }

  configMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return this.getOr404<ConfigMap>({ ...core('configmaps'), namespace, name });
  }

  secret(namespace: string, name: string): Promise<Secret | undefined> {
    return this.getOr404<Secret>({ ...core('secrets'), namespace, name });
  }

  persistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined> {
    return this.getOr404<PersistentVolumeClaim>({ ...core('persistentvolumeclaims'), namespace, name });
  }

  persistentVolume(name: string): Promise<PersistentVolume | undefined> {
    return this.getOr404<PersistentVolume>({ ...core('persistentvolumes'), name });
  }

  async services(namespace: string): Promise<Service[]> {
    if (!this.services_) {
      this.services_ = new Informer({ client: this.client, resource: core('services'), log: this.log });
      this.services_.start();
      this.synced = this.services_.waitForSync();
    }
    await this.synced;
    return this.services_.list().filter((s) => s.metadata.namespace === namespace) as unknown as Service[];
  }

  async serviceAccountToken(namespace: string, serviceAccount: string, podName: string, podUid: string, req: TokenRequestSpec): Promise<string> {
    const body = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: { audiences: req.audience ? [req.audience] : [], expirationSeconds: req.expirationSeconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: podName, uid: podUid } },
    };
    const res = (await this.client.create({ ...core('serviceaccounts'), namespace, name: serviceAccount, subresource: 'token' }, body)) as unknown as { status?: { token?: string } };
    const token = res.status?.token;
    if (!token) throw new Error('the TokenRequest returned no token');
    return token;
  }

  async nodeAllocatable(nodeName: string): Promise<Record<string, string>> {
    const hit = this.nodes.get(nodeName);
    if (hit && this.clock.now() - hit.at < 60_000) return hit.alloc;
    const node = await this.getOr404<Node>({ ...core('nodes'), name: nodeName });
    const alloc = { ...(node?.status?.allocatable ?? {}) } as Record<string, string>;
    this.nodes.set(nodeName, { at: this.clock.now(), alloc });
    return alloc;
  }

  /** Stops the Services informer. */
  async close(): Promise<void> {
    await this.services_?.stop();
  }
}
