/**
 * Finds the runtime container behind `<namespace>/<pod>/<container>` from the Pod's status, the
 * way kubelet answers from its pod manager: containerStatuses[].containerID for the current
 * instance and lastState.terminated.containerID for `previous`. The messages are kubelet's.
 */
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { isStatus, type RestClient } from '../../client/rest.js';

/** A container found, or the HTTP error kubelet answers. */
export type ResolvedContainer = { id: string } | { code: number; reason: string; message: string };

/** Looks a container up; `previous` asks for the last terminated instance. */
export type ContainerResolver = (namespace: string, pod: string, container: string, previous: boolean) => Promise<ResolvedContainer>;

/** Resolves from a Pod object (pure). */
export function resolveFromPod(pod: Pod, container: string, previous: boolean): ResolvedContainer {
  const name = pod.metadata?.name ?? '';
  const st = pod.status ?? {};
  const all: ContainerStatus[] = [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? []), ...((st.ephemeralContainerStatuses ?? []))];
  const cs = all.find((c) => c.name === container);
  if (!cs) {
    const known = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].some((c) => c.name === container);
    if (known) return { code: 400, reason: 'BadRequest', message: `container "${container}" in pod "${name}" is waiting to start: ContainerCreating` };
    return { code: 400, reason: 'BadRequest', message: `container ${container} is not valid for pod ${name}` };
  }
  if (previous) {
    const id = cs.lastState?.terminated?.containerID;
    if (!id) return { code: 400, reason: 'BadRequest', message: `previous terminated container "${container}" in pod "${name}" not found` };
    return { id };
  }
  if (!cs.containerID) {
    const why = cs.state?.waiting?.reason ?? 'ContainerCreating';
    return { code: 400, reason: 'BadRequest', message: `container "${container}" in pod "${name}" is waiting to start: ${why}` };
  }
  return { id: cs.containerID };
}

/** A resolver that reads the Pod through the API (the agent's only view of cluster state). */
export function apiResolver(client: RestClient): ContainerResolver {
  return async (namespace, pod, container, previous) => {
    try {
      const p = (await client.get({ group: '', version: 'v1', resource: 'pods', namespace, name: pod })) as Pod;
      return resolveFromPod(p, container, previous);
    } catch (e) {
      if (isStatus(e, 404)) return { code: 404, reason: 'NotFound', message: `pod "${pod}" not found` };
      throw e;
    }
  };
}
