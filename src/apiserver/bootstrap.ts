/**
 * Objects every cluster starts with: the default, kube-system, kube-public and kube-node-lease
 * namespaces, the `kubernetes` Service in default pointing at this API server, and the
 * system-cluster-critical / system-node-critical PriorityClasses.
 */
import type { KubeObject } from '../api/object.js';
import { ApiError } from '../api/errors.js';
import { anonymousUser } from './authn/types.js';
import type { ApiDeps, OpContext } from './pipeline.js';
import { createObject } from './pipeline.js';
import { systemPriorityClasses } from '../api/registry/index.js';
import { reconcilePolicy } from './authz/reconcile.js';

function ctxFor(deps: ApiDeps, group: string, resource: string, namespace: string): OpContext {
  const def = deps.resources.preferred(group, resource);
  if (!def) throw new Error(`bootstrap: resource ${resource} is not served`);
  return {
    deps,
    def,
    namespace,
    user: { ...anonymousUser, name: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] },
    dryRun: false,
    fieldManager: 'kube-apiserver',
    fieldValidation: 'Ignore',
    warnings: [],
  };
}

async function ensure(deps: ApiDeps, group: string, resource: string, namespace: string, obj: KubeObject): Promise<void> {
  try {
    await createObject(ctxFor(deps, group, resource, namespace), obj);
  } catch (e) {
    if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
  }
}

export async function bootstrapCluster(deps: ApiDeps, apiserver: { ip: string; port: number }): Promise<void> {
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    await ensure(deps, '', 'namespaces', '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } } });
  }
  for (const pc of systemPriorityClasses) await ensure(deps, 'scheduling.k8s.io', 'priorityclasses', '', structuredClone(pc));
  await ensure(deps, '', 'services', 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: apiserver.port }] },
  });
  await ensure(deps, '', 'endpoints', 'default', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: apiserver.ip }], ports: [{ name: 'https', port: apiserver.port, protocol: 'TCP' }] }],
  });
  // The default RBAC policy (upstream's rbac/bootstrap-roles post-start hook), after the namespaces its Roles live in.
  await reconcilePolicy(deps);
}
