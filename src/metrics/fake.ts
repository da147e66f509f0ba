/**
 * A MetricsSource whose samples are set by hand (tests and demos): usage per pod and per node,
 * stamped with an injected clock.
 */
import { DEFAULT_WINDOW_MS, type ContainerUsage, type MetricsSource, type NodeUsage, type PodUsage } from './source.js';

/** A settable MetricsSource. */
export class FakeMetricsSource implements MetricsSource {
  private readonly pods = new Map<string, ContainerUsage[]>();
  private readonly nodes = new Map<string, NodeUsage['usage']>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Sets (or with undefined, removes) a pod's per-container usage. */
  setPod(namespace: string, name: string, containers: ContainerUsage[] | undefined): void {
    if (containers) this.pods.set(`${namespace}/${name}`, containers);
    else this.pods.delete(`${namespace}/${name}`);
  }

  /** Sets a node's usage. */
  setNode(name: string, usage: NodeUsage['usage']): void {
    this.nodes.set(name, usage);
  }

  podUsage(namespace: string, name: string): PodUsage | undefined {
    const c = this.pods.get(`${namespace}/${name}`);
    return c ? { containers: c, timestamp: this.now(), window: DEFAULT_WINDOW_MS } : undefined;
  }

  nodeUsage(name: string): NodeUsage | undefined {
    const u = this.nodes.get(name);
    return u ? { usage: u, timestamp: this.now(), window: DEFAULT_WINDOW_MS } : undefined;
  }
}
