/**
 * DefaultTolerationSeconds (upstream plugin/pkg/admission/defaulttolerationseconds): a pod created
 * without a toleration for the node.kubernetes.io/not-ready or .../unreachable NoExecute taints
 * gets one (operator Exists, tolerationSeconds 300 by default), so the taint manager evicts its
 * pods five minutes after their node fails instead of at once.
 */
import type { AdmissionPlugin } from './types.js';

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

/** Flags --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds (300 each). */
export interface DefaultTolerationSecondsOptions {
  notReadySeconds?: number;
  unreachableSeconds?: number;
}

/** True when `t` already covers the NoExecute taint `key` (an empty key or effect matches all, as upstream checks). */
function covers(t: Toleration, key: string): boolean {
  return (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect);
}

/** The plugin with the given defaults. */
export function defaultTolerationSecondsWith(opts: DefaultTolerationSecondsOptions = {}): AdmissionPlugin {
  const notReady = opts.notReadySeconds ?? 300;
  const unreachable = opts.unreachableSeconds ?? 300;
  return {
    name: 'DefaultTolerationSeconds',
    admit(a) {
      if (a.operation !== 'CREATE' || a.subresource !== '' || a.def.group !== '' || a.def.resource !== 'pods' || !a.object) return Promise.resolve();
      const spec = (a.object.spec ??= {}) as { tolerations?: Toleration[] };
      const tols = spec.tolerations ?? [];
      const add: Toleration[] = [];
      if (!tols.some((t) => covers(t, NOT_READY))) add.push({ key: NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: notReady });
      if (!tols.some((t) => covers(t, UNREACHABLE))) add.push({ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: unreachable });
      if (add.length) spec.tolerations = [...tols, ...add];
      return Promise.resolve();
    },
  };
}

/** DefaultTolerationSeconds with upstream's 300 s for both taints. */
export const defaultTolerationSeconds: AdmissionPlugin = defaultTolerationSecondsWith();
