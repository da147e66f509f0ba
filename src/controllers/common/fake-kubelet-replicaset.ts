/**
 * TEST-ONLY: plays the kubelet for controller tests while no node agent runs — marks pods
 * Running and Ready (or not) through the status subresource, as the kubelet's status manager does.
 */
import type { KubeObject } from '../../api/object.js';
import { isStatus, type RestClient } from '../../client/rest.js';

const PODS = { group: '', version: 'v1', resource: 'pods' } as const;

function ts(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Sets phase Running and the Ready condition of one pod (retrying conflicts); false when the pod is gone. */
export async function setPodReady(client: RestClient, namespace: string, name: string, ready: boolean, now: Date = new Date()): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    let pod: KubeObject;
    try {
      pod = await client.get({ ...PODS, namespace, name });
    } catch (e) {
      if (isStatus(e, 404)) return false;
      throw e;
    }
    const status = { ...((pod.status as Record<string, unknown> | undefined) ?? {}) };
    const prev = (status.conditions as { type: string; status: string; lastTransitionTime?: string }[] | undefined) ?? [];
    const want = ready ? 'True' : 'False';
    const old = prev.find((c) => c.type === 'Ready');
    const ltt = old && old.status === want && old.lastTransitionTime ? old.lastTransitionTime : ts(now);
    status.phase = 'Running';
    status.conditions = [...prev.filter((c) => c.type !== 'Ready'), { type: 'Ready', status: want, lastTransitionTime: ltt }];
    try {
      await client.update({ ...PODS, namespace, name, subresource: 'status' }, { ...pod, status });
      return true;
    } catch (e) {
      if (isStatus(e, 404)) return false;
      if (!isStatus(e, 409)) throw e;
    }
  }
  throw new Error(`could not update status of pod ${namespace}/${name}`);
}

/** Marks every not-yet-ready pod matching the label selector Ready; returns how many it changed. */
export async function readyAllPods(client: RestClient, namespace: string, labelSelector: string, now: Date = new Date()): Promise<number> {
  const list = await client.list({ ...PODS, namespace }, { labelSelector });
  let n = 0;
  for (const p of list.items) {
    if (p.metadata.deletionTimestamp) continue;
    const conds = ((p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
    if (conds.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
    if (await setPodReady(client, namespace, p.metadata.name ?? '', true, now)) n++;
  }
  return n;
}
