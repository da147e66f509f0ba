/**
 * Topology-pair counters for InterPodAffinity (topologyToMatchedTermCount): how many matching pods
 * sit in each (topologyKey, value) domain. Keyed per topology key so a Filter is a few map reads.
 */
import type { NodeInfo } from '../../nodeinfo.js';
import { termMatches, type AffinityTerm, type PodInfo } from '../../podinfo.js';

/** Namespace label lookup used by namespaceSelector. */
export type NsLabels = (ns: string) => Readonly<Record<string, string>> | undefined;

/** topologyKey → value → count; zero entries are deleted so emptiness means "none". */
export class TopologyCounts {
  readonly byKey = new Map<string, Map<string, number>>();
  size = 0;

  /** Adds `delta` to the node's domain for `key` (no-op when the node lacks the label). */
  update(node: NodeInfo, key: string, delta: number): void {
    const v = node.labels[key];
    if (v === undefined) return;
    let m = this.byKey.get(key);
    if (!m) this.byKey.set(key, (m = new Map()));
    const prev = m.get(v) ?? 0;
    const next = prev + delta;
    if (next === 0) {
      if (m.delete(v)) this.size--;
      if (m.size === 0) this.byKey.delete(key);
    } else {
      if (prev === 0) this.size++;
      m.set(v, next);
    }
  }

  /** Count of the domain (key, value). */
  get(key: string, value: string): number {
    return this.byKey.get(key)?.get(value) ?? 0;
  }

  /** updateWithAffinityTerms: counts the pod once per term, only when it matches ALL terms. */
  addAffinity(terms: readonly AffinityTerm[], target: PodInfo, nsLabels: NsLabels, node: NodeInfo, delta: number): void {
    for (const t of terms) if (!termMatches(t, target, nsLabels)) return;
    for (const t of terms) this.update(node, t.topologyKey, delta);
  }

  /** updateWithAntiAffinityTerms: each matching term counts on its own. */
  addAntiAffinity(terms: readonly AffinityTerm[], target: PodInfo, nsLabels: NsLabels, node: NodeInfo, delta: number): void {
    for (const t of terms) if (termMatches(t, target, nsLabels)) this.update(node, t.topologyKey, delta);
  }

  /** A deep copy. */
  clone(): TopologyCounts {
    const c = new TopologyCounts();
    for (const [k, m] of this.byKey) c.byKey.set(k, new Map(m));
    c.size = this.size;
    return c;
  }
}
