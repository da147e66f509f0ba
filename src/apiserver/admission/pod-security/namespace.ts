/**
 * When a namespace's enforce level tightens, upstream dry-runs the new level against the pods
 * already there and answers warnings (the label change itself is allowed): one line naming the
 * namespace and level, then one per distinct violation, prefixed by the lexically first pod
 * name and how many others share it. Pods of one controller are judged once before duplicates,
 * so a big Deployment does not crowd out the rest within the pod limit.
 */
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/object.js';
import type { LevelVersion } from './api.js';
import { levelVersionString } from './api.js';
import type { Evaluator } from './evaluator.js';
import { aggregate, forbiddenReason } from './evaluator.js';

function prioritize(pods: KubeObject[]): KubeObject[] {
  const first: KubeObject[] = [];
  const duplicates: KubeObject[] = [];
  const seen = new Set<string>();
  for (const p of pods) {
    const owner = (p.metadata.ownerReferences ?? []).find((r) => r.controller === true);
    if (!owner) first.push(p);
    else if (seen.has(owner.uid)) duplicates.push(p);
    else {
      seen.add(owner.uid);
      first.push(p);
    }
  }
  return [...first, ...duplicates];
}

/** The warnings for existing pods that the new enforce level would reject. */
export function evaluatePodsInNamespace(evaluator: Evaluator, namespace: string, enforce: LevelVersion, pods: KubeObject[], maxPods: number): string[] {
  const ordered = prioritize(pods);
  const checked = ordered.slice(0, maxPods);
  const counts = new Map<string, { podName: string; count: number }>();
  for (const pod of checked) {
    const r = aggregate(evaluator.evaluate(enforce, pod.metadata, (pod.spec ?? {}) as PodSpec));
    if (r.allowed) continue;
    const reason = forbiddenReason(r);
    const name = pod.metadata.name ?? '';
    const c = counts.get(reason);
    if (!c) counts.set(reason, { podName: name, count: 1 });
    else {
      c.count++;
      if (name < c.podName) c.podName = name;
    }
  }
  const warnings: string[] = [];
  if (checked.length < ordered.length) warnings.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${ordered.length} existing pods`);
  if (counts.size) warnings.push(`existing pods in namespace ${JSON.stringify(namespace)} violate the new PodSecurity enforce level ${JSON.stringify(levelVersionString(enforce))}`);
  const podWarnings = [...counts.entries()].map(([reason, { podName, count }]) => {
    if (count === 1) return `${podName}: ${reason}`;
    if (count === 2) return `${podName} (and 1 other pod): ${reason}`;
    return `${podName} (and ${count - 1} other pods): ${reason}`;
  });
  return [...warnings, ...podWarnings.sort()];
}
