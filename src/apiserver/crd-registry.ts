/**
 * Serves CustomResourceDefinitions as soon as they are stored: watches CRDs in storage, turns each
 * into ResourceDefs for the resource table, sets the Established/NamesAccepted status as
 * kube-apiserver's CRD controllers do, and deletes a CRD's objects when it goes away.
 */
import type { KubeObject } from '../api/object.js';
import { deepEqual } from '../api/object.js';
import type { Store, Watch } from '../storage/store.js';
import { crdToResourceDefs, crdStatusFor, crdSchemaDefinitions } from './crd/resources.js';
import type { ResourceTable } from './resources.js';
import { storagePrefix } from './resources.js';

const CRD_PREFIX = '/apiextensions.k8s.io/customresourcedefinitions/';

export class CrdRegistry {
  private watch?: Watch;
  private readonly schemas = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly store: Store,
    private readonly table: ResourceTable,
    private readonly log: (msg: string, f?: Record<string, unknown>) => void = () => {},
  ) {}

  /** Loads existing CRDs, then follows changes. */
  async start(): Promise<void> {
    const list = await this.store.list(CRD_PREFIX);
    for (const crd of list.items) await this.apply(crd);
    this.watch = this.store.watch(CRD_PREFIX, { resourceVersion: list.resourceVersion });
    void this.follow(this.watch, list.resourceVersion);
  }

  stop(): void {
    this.watch?.stop();
  }

  /** OpenAPI schemas contributed by CRDs for one group/version. */
  schemasFor(group: string, version: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of this.schemas) if (k.startsWith(`${group}/${version}/`)) Object.assign(out, v);
    return out;
  }

  private async follow(w: Watch, fromRv: number): Promise<void> {
    let rv = fromRv;
    try {
      for await (const ev of w) {
        rv = ev.revision;
        if (ev.type === 'ADDED' || ev.type === 'MODIFIED') await this.apply(ev.object);
        else if (ev.type === 'DELETED') await this.remove(ev.object);
      }
    } catch (e) {
      this.log('crd watch ended', { error: String(e) });
    }
    const reason = await w.done;
    if (reason === 'dropped') {
      // Fell behind: resynchronise from a fresh list.
      const list = await this.store.list(CRD_PREFIX);
      for (const crd of list.items) await this.apply(crd);
      this.watch = this.store.watch(CRD_PREFIX, { resourceVersion: list.resourceVersion });
      void this.follow(this.watch, list.resourceVersion);
    }
    void rv;
  }

  private async apply(crd: KubeObject): Promise<void> {
    const name = crd.metadata.name!;
    try {
      const defs = crd.metadata.deletionTimestamp ? [] : crdToResourceDefs(crd);
      this.table.set(`crd:${name}`, defs);
      const spec = crd.spec as { group?: string; versions?: { name: string }[] } | undefined;
      for (const v of spec?.versions ?? []) this.schemas.set(`${spec?.group}/${v.name}/${name}`, crdSchemaDefinitions(crd));
      const status = crdStatusFor(crd);
      if (!deepEqual(stripTimes(status), stripTimes(crd.status))) {
        await this.store.guaranteedUpdate(`${CRD_PREFIX}${name}`, (cur) => {
          if (!cur) return crd;
          return { ...cur, status: crdStatusFor(cur) };
        });
      }
    } catch (e) {
      this.log('crd not served', { name, error: e instanceof Error ? e.message : String(e) });
    }
  }

  private async remove(crd: KubeObject): Promise<void> {
    const name = crd.metadata.name!;
    const defs = safeDefs(crd);
    this.table.set(`crd:${name}`, []);
    for (const k of [...this.schemas.keys()]) if (k.endsWith(`/${name}`)) this.schemas.delete(k);
    // customresourcecleanup: the objects of a deleted CRD go with it.
    const first = defs[0];
    if (!first) return;
    const list = await this.store.list(storagePrefix(first));
    for (const o of list.items) {
      const key = `${storagePrefix(first, first.namespaced ? o.metadata.namespace : undefined)}${o.metadata.name}`;
      await this.store.delete(key).catch(() => undefined);
    }
  }
}

function safeDefs(crd: KubeObject) {
  try {
    return crdToResourceDefs(crd);
  } catch {
    return [];
  }
}

/** Compare statuses without lastTransitionTime noise. */
function stripTimes(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v ?? {}, (k, val: unknown) => (k === 'lastTransitionTime' ? undefined : val)));
}
