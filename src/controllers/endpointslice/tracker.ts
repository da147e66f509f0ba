/**
 * EndpointSliceTracker: remembers the slices this controller just wrote, so a sync that runs
 * before the informer has seen those writes waits instead of acting on a stale cache (which
 * would create duplicate slices). Upstream calls such a cache "stale" and requeues the Service.
 */
import type { KubeObject } from '../../api/object.js';

/** How long an unmet expectation is trusted before the cache is believed anyway. */
const EXPECTATION_TTL_MS = 30_000;

interface Expectation {
  /** the resourceVersion written, or undefined for a deletion */
  rv: string | undefined;
  at: number;
}

function newerOrSame(have: string | undefined, want: string): boolean {
  if (have === undefined) return false;
  if (have === want) return true;
  // resourceVersions are opaque, but this API server's (like etcd's) are increasing integers.
  return /^\d+$/.test(have) && /^\d+$/.test(want) ? BigInt(have) > BigInt(want) : false;
}

/** Per-Service expectations of slice writes. */
export class SliceTracker {
  private readonly bySvc = new Map<string, Map<string, Expectation>>();

  constructor(private readonly now: () => number) {}

  private of(svcKey: string): Map<string, Expectation> {
    let m = this.bySvc.get(svcKey);
    if (!m) this.bySvc.set(svcKey, (m = new Map()));
    return m;
  }

  /** Records a create or update answered with `written`. */
  wrote(svcKey: string, written: KubeObject): void {
    this.of(svcKey).set(written.metadata.name ?? '', { rv: written.metadata.resourceVersion, at: this.now() });
  }

  /** Records a deletion. */
  deleted(svcKey: string, name: string): void {
    this.of(svcKey).set(name, { rv: undefined, at: this.now() });
  }

  /**
   * True when the cache (`get` by slice name) reflects every recorded write; met expectations
   * are forgotten as they are checked.
   */
  synced(svcKey: string, get: (name: string) => KubeObject | undefined): boolean {
    const m = this.bySvc.get(svcKey);
    if (!m) return true;
    const now = this.now();
    for (const [name, e] of [...m]) {
      const cached = get(name);
      const met = e.rv === undefined ? cached === undefined : newerOrSame(cached?.metadata.resourceVersion, e.rv);
      if (met || now - e.at > EXPECTATION_TTL_MS) m.delete(name);
    }
    if (m.size === 0) this.bySvc.delete(svcKey);
    return m.size === 0;
  }

  /** Forgets a deleted Service. */
  forget(svcKey: string): void {
    this.bySvc.delete(svcKey);
  }
}
