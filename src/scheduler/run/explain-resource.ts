/**
 * The explanation API: a read-only, virtual resource
 * `podschedulingexplanations.scheduling.kubeling.dev/v1` (a Kubeling API group, so nothing is
 * invented on the core Pod kind). It has no storage of its own: it is served from the pods'
 * storage through the ResourceDef conversion hook, each pod turned into the scheduler's last
 * account of it. So GET, list, watch, discovery, RBAC and `kubectl get` work unchanged:
 *   kubectl get podschedulingexplanations.scheduling.kubeling.dev web-1 -o yaml
 * The account lives in the memory of the process running the scheduler; other servers (and
 * pods no decision is kept for) answer with result "Unknown".
 */
import type { KubeObject } from '../../api/object.js';
import type { ResourceDef } from '../../api/resource.js';
import { errors } from '../../api/errors.js';
import { age, nameColumn } from '../../api/registry/printers.js';
import type { Explanation } from '../explain.js';

/** The API group of the explanation resource. */
export const EXPLANATION_GROUP = 'scheduling.kubeling.dev';
/** Its plural resource name. */
export const EXPLANATION_RESOURCE = 'podschedulingexplanations';

/** Returns the scheduler's last account of a pod, or a sentence saying why there is none. */
export type ExplanationLookup = (namespace: string, name: string) => Explanation | string | undefined;

const NO_DECISION = 'no scheduling decision is kept for this pod (placed before the scheduler started, by another scheduler, or with spec.nodeName set)';

function toExplanationObject(pod: KubeObject, lookup: ExplanationLookup): KubeObject {
  const m = pod.metadata;
  const found = lookup(m.namespace ?? 'default', m.name ?? '');
  const spec = (pod.spec ?? {}) as { nodeName?: string; schedulerName?: string };
  const status =
    found && typeof found === 'object'
      ? found
      : { pod: `${m.namespace ?? 'default'}/${m.name ?? ''}`, uid: m.uid, result: 'Unknown', ...(spec.nodeName ? { nodeName: spec.nodeName } : {}), message: typeof found === 'string' ? found : NO_DECISION };
  return {
    apiVersion: `${EXPLANATION_GROUP}/v1`,
    kind: 'PodSchedulingExplanation',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    status: status,
  };
}

/** The ResourceDef to add to the API server's ResourceTable (source "scheduler"). */
export function explanationResource(lookup: ExplanationLookup): ResourceDef {
  return {
    group: EXPLANATION_GROUP,
    version: 'v1',
    kind: 'PodSchedulingExplanation',
    resource: EXPLANATION_RESOURCE,
    singular: 'podschedulingexplanation',
    namespaced: true,
    verbs: ['get', 'list', 'watch'],
    strategy: {
      columns: [
        nameColumn,
        { name: 'Result', type: 'string', description: 'Scheduled, Unschedulable, Error or Unknown.', priority: 0 },
        { name: 'Node', type: 'string', description: 'The node chosen (or nominated by preemption).', priority: 0 },
        { name: 'Feasible', type: 'string', description: 'Feasible/evaluated/all nodes.', priority: 0 },
        { name: 'Age', type: 'string', description: 'Age of the pod.', priority: 0 },
        { name: 'Message', type: 'string', description: 'The FailedScheduling message.', priority: 1 },
      ],
      row: (o) => {
        const e = (o.status ?? {}) as Partial<Explanation> & { result?: string };
        const node = e.nodeName ?? e.preemption?.nominatedNodeName ?? '<none>';
        const counts = e.numAllNodes === undefined ? '<none>' : `${e.feasibleNodes ?? 0}/${e.evaluatedNodes ?? 0}/${e.numAllNodes}`;
        return [o.metadata.name ?? '', e.result ?? 'Unknown', node, counts, age(o.metadata.creationTimestamp), e.message ?? ''];
      },
    },
    conversion: {
      storageGroup: '',
      storageVersion: 'v1',
      storageResource: 'pods',
      toStorage: () => {
        throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      },
      fromStorage: (pod) => toExplanationObject(pod, lookup),
    },
  };
}
