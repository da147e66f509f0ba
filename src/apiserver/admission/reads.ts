/**
 * What admission plugins read on every pod create — the namespace (NamespaceLifecycle,
 * PodSecurity, ImagePolicy), the ServiceAccount, LimitRanges, ResourceQuotas, PriorityClasses —
 * served from in-memory mirrors of storage, as upstream's plugins read informer listers. A miss
 * is not an answer: callers then read storage, so an object created a moment ago is still found
 * (upstream's ServiceAccount and LimitRanger plugins fall back to a live lookup the same way).
 */
import type { KubeObject } from '../../api/object.js';
import { deepCopy } from '../../api/object.js';
import type { Store } from '../../storage/store.js';
import { StoreMirror, type MirrorState } from '../store-mirror.js';
import { storagePrefix, type ResourceTable } from '../resources.js';

/** The resources mirrored, as group/resource. */
export const MIRRORED: readonly { group: string; resource: string }[] = [
  { group: '', resource: 'namespaces' },
  { group: '', resource: 'serviceaccounts' },
  { group: '', resource: 'limitranges' },
  { group: '', resource: 'resourcequotas' },
  { group: 'scheduling.k8s.io', resource: 'priorityclasses' },
];

/** Objects by namespace/name. */
class ObjectMap implements MirrorState {
  readonly byKey = new Map<string, KubeObject>();

  upsert(obj: KubeObject): void {
    this.byKey.set(`${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`, obj);
  }

  remove(obj: KubeObject): void {
    this.byKey.delete(`${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`);
  }
}

/** The mirrors; get/list hand out copies, so plugins cannot change what the next request sees. */
export class AdmissionReads {
  private readonly mirrors = new Map<string, StoreMirror<ObjectMap>>();

  constructor(store: Store, resources: ResourceTable, log?: (msg: string, fields?: Record<string, unknown>) => void) {
    for (const { group, resource } of MIRRORED) {
      const def = resources.preferred(group, resource);
      if (!def) continue;
      this.mirrors.set(`${group}/${resource}`, new StoreMirror({ store, prefix: storagePrefix(def), fresh: () => new ObjectMap(), name: `admission ${resource} mirror`, log }));
    }
  }

  /** Lists and starts watching every mirrored resource. */
  async start(): Promise<void> {
    await Promise.all([...this.mirrors.values()].map((m) => m.start()));
  }

  /** Ends the watches. */
  stop(): void {
    for (const m of this.mirrors.values()) m.stop();
  }

  /** The object when mirrored and present; undefined means "ask storage". */
  get(group: string, resource: string, namespace: string, name: string): KubeObject | undefined {
    const o = this.mirrors.get(`${group}/${resource}`)?.state.byKey.get(`${namespace}/${name}`);
    return o ? deepCopy(o) : undefined;
  }

  /** Every object of a mirrored resource (of one namespace when given); undefined when not mirrored. */
  list(group: string, resource: string, namespace?: string): KubeObject[] | undefined {
    const m = this.mirrors.get(`${group}/${resource}`);
    if (!m) return undefined;
    const out: KubeObject[] = [];
    for (const o of m.state.byKey.values()) if (namespace === undefined || o.metadata.namespace === namespace) out.push(deepCopy(o));
    return out;
  }
}
