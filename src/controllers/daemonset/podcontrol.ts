/**
 * DaemonSet pod writes (upstream syncNodes with RealPodControl): pods are created in slow-start
 * batches (1, 2, 4 …, stopping at the first failing batch so a quota or admission refusal costs
 * one call, not hundreds), each from the template with generateName `<ds>-` and bound to its node
 * by node affinity; every create and delete is recorded as upstream's SuccessfulCreate /
 * FailedCreate / SuccessfulDelete / FailedDelete events on the DaemonSet.
 */
import type { KubeObject } from '../../api/object.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import { newControllerRef } from '../common/workload-helpers-ds-sts.js';
import { bindToNodeAffinity, daemonPodTemplate } from './util.js';

const PODS = { group: '', version: 'v1', resource: 'pods' } as const;

/** controller.GetPodFromTemplate for one node: the pod a DaemonSet creates there. */
export function newDaemonPod(ds: KubeObject, nodeName: string, hash: string): KubeObject {
  const tmpl = daemonPodTemplate(ds, hash);
  const meta = tmpl.metadata ?? {};
  const spec = { ...(tmpl.spec ?? {}) };
  spec.affinity = bindToNodeAffinity(spec.affinity, nodeName);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name ?? ''}-`,
      namespace: ds.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [newControllerRef(ds, 'apps/v1', 'DaemonSet')],
    },
    spec,
  };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Creates one pod per node in slow-start batches; `notCreated` is called for each pod that was
 * not created (failed or skipped) so the caller lowers its expectations. Returns the errors.
 */
export async function createDaemonPods(client: RestClient, recorder: EventRecorder, ds: KubeObject, nodes: string[], hash: string, notCreated: () => void): Promise<string[]> {
  const errors: string[] = [];
  let i = 0;
  for (let batch = 1; i < nodes.length; batch *= 2) {
    const chunk = nodes.slice(i, i + batch);
    i += chunk.length;
    const results = await Promise.all(
      chunk.map(async (node) => {
        try {
          const pod = await client.create({ ...PODS, namespace: ds.metadata.namespace }, newDaemonPod(ds, node, hash));
          recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`);
          return true;
        } catch (e) {
          notCreated();
          recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${message(e)}`);
          errors.push(message(e));
          return false;
        }
      }),
    );
    if (results.includes(false)) break;
  }
  for (; i < nodes.length; i++) notCreated();
  return errors;
}

/** Deletes the named pods; `notDeleted` lowers the expectation of each delete that failed. */
export async function deleteDaemonPods(client: RestClient, recorder: EventRecorder, ds: KubeObject, names: string[], notDeleted: (name: string) => void): Promise<string[]> {
  const errors: string[] = [];
  await Promise.all(
    names.map(async (name) => {
      try {
        await client.delete({ ...PODS, namespace: ds.metadata.namespace, name });
        recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
      } catch (e) {
        notDeleted(name);
        if (isStatus(e, 404)) return;
        recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${message(e)}`);
        errors.push(message(e));
      }
    }),
  );
  return errors;
}
