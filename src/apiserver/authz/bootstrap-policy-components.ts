/**
 * Default RBAC policy for Kubeling's own components, after upstream's bootstrappolicy
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy: policy.go, controller_policy.go,
 * namespace_policy.go). The rbac slice's reconciliation creates these objects at every start.
 *
 * Kubeling differs from kube-apiserver in three places, each said where it happens:
 * - the controllers run in one process with ONE identity (kube-controller-manager without
 *   --use-service-account-credentials), so system:kube-controller-manager holds the union of the
 *   system:controller:* roles of the controllers Kubeling runs;
 * - system:node is bound to the group system:nodes (upstream leaves that binding empty and uses
 *   the Node authorizer); NodeRestriction admission then limits each node to its own objects;
 * - two Kubeling-only identities: the simulated agent (many nodes, one user outside system:nodes)
 *   and the local-path provisioner of the local node.
 */
import type { KubeObject } from '../../api/object.js';
import type { PolicyRule } from './rules.js';
export type { PolicyRule } from './rules.js';

/** The user names the components authenticate as (CN of their client certificates). */
export const componentUsers = {
  scheduler: 'system:kube-scheduler',
  controllerManager: 'system:kube-controller-manager',
  /** the simulated agent: not in system:nodes, so NodeRestriction does not apply to it */
  simulatedNodes: 'system:kubeling:simulated-nodes',
  localPathProvisioner: 'system:kubeling:local-path-provisioner',
} as const;

/** Group every node agent's identity carries (`system:node:<name>` users). */
export const nodesGroup = 'system:nodes';
/** Group of bootstrap-token users (`system:bootstrap:<token-id>`). */
export const bootstrappersGroup = 'system:bootstrappers';


interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
  apiGroup?: string;
}

const RBAC = 'rbac.authorization.k8s.io';
const READ = ['get', 'list', 'watch'];
const READ_UPDATE = ['get', 'list', 'watch', 'update', 'patch'];
const CONTROLLER_PREFIX = 'system:controller:';

/** One rule: verbs on resources of groups, optionally only the named objects. */
function r(verbs: string[], groups: string[], resources: string[], names?: string[]): PolicyRule {
  return { verbs, apiGroups: groups, resources, ...(names ? { resourceNames: names } : {}) };
}

/** Upstream's eventsRule(): every component records events in both event APIs. */
const events = (): PolicyRule => r(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']);

// Label and annotation reconciliation keys on (upstream addDefaultMetadata).
function meta(name: string, namespace?: string): KubeObject['metadata'] {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
    annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
  };
}

function clusterRole(name: string, rules: PolicyRule[]): KubeObject {
  return { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: meta(name), rules };
}

function role(namespace: string, name: string, rules: PolicyRule[]): KubeObject {
  return { apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: meta(name, namespace), rules };
}

const user = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC, name });
const group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC, name });
const sa = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });

function clusterBinding(name: string, roleName: string, subjects: Subject[]): KubeObject {
  return { apiVersion: `${RBAC}/v1`, kind: 'ClusterRoleBinding', metadata: meta(name), roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: roleName }, subjects };
}

function roleBinding(namespace: string, name: string, roleName: string, subjects: Subject[]): KubeObject {
  return { apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: meta(name, namespace), roleRef: { apiGroup: RBAC, kind: 'Role', name: roleName }, subjects };
}

/** Upstream NodeRules() without the feature-gated DRA rules: what a kubelet needs to run pods. */
export function nodeRules(): PolicyRule[] {
  return [
    r(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    r(['create'], ['authorization.k8s.io'], ['subjectaccessreviews', 'localsubjectaccessreviews']),
    // service environment variables
    r(READ, [''], ['services']),
    // registration and status; NodeRestriction limits a node to its own Node object
    r(['create', 'get', 'list', 'watch'], [''], ['nodes']),
    r(['update', 'patch'], [''], ['nodes/status']),
    r(['update', 'patch'], [''], ['nodes']),
    r(['create', 'update', 'patch'], [''], ['events']),
    r(READ, [''], ['pods']),
    // mirror pods and deleting finished pods; NodeRestriction limits both to pods bound to the node
    r(['create', 'delete'], [''], ['pods']),
    r(['update', 'patch'], [''], ['pods/status']),
    r(['create'], [''], ['pods/eviction']),
    // configMap/secret volumes and env (upstream's Node authorizer narrows these to the node's pods)
    r(READ, [''], ['secrets', 'configmaps']),
    r(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
    r(['get'], [''], ['endpoints']),
    // client certificate rotation
    r(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
    // the node's heartbeat Lease in kube-node-lease
    r(['get', 'create', 'update', 'patch', 'delete'], ['coordination.k8s.io'], ['leases']),
    r(['get'], ['storage.k8s.io'], ['volumeattachments']),
    r(['get', 'update', 'patch'], [''], ['persistentvolumeclaims/status']),
    // bound projected service account tokens
    r(['create'], [''], ['serviceaccounts/token']),
    r(READ, ['storage.k8s.io'], ['csidrivers']),
    r(['get', 'create', 'update', 'patch', 'delete'], ['storage.k8s.io'], ['csinodes']),
    r(READ, ['node.k8s.io'], ['runtimeclasses']),
  ];
}

/** Upstream's kube-scheduler rules (policy.go), leader election by Lease only. */
function schedulerRules(): PolicyRule[] {
  return [
    events(),
    r(['create'], ['coordination.k8s.io'], ['leases']),
    r(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-scheduler']),
    r(READ, [''], ['nodes']),
    r(['get', 'list', 'watch', 'delete'], [''], ['pods']),
    r(['create'], [''], ['pods/binding', 'bindings']),
    r(['patch', 'update'], [''], ['pods/status']),
    r(READ, [''], ['services', 'replicationcontrollers']),
    r(READ, ['apps', 'extensions'], ['replicasets']),
    r(READ, ['apps'], ['statefulsets']),
    r(READ, ['policy'], ['poddisruptionbudgets']),
    r(READ, [''], ['persistentvolumeclaims', 'persistentvolumes']),
    r(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    r(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    r(READ, ['storage.k8s.io'], ['csinodes']),
    // namespaceSelector of pod (anti-)affinity terms
    r(READ, [''], ['namespaces']),
    r(READ, ['storage.k8s.io'], ['csidrivers', 'csistoragecapacities']),
  ];
}

/**
 * The system:controller:* roles of the controllers Kubeling runs (controller_policy.go), each with
 * the rules upstream grants. Where a Kubeling controller uses a verb upstream's does not, the rule
 * is added and commented.
 */
function controllerRoles(): Record<string, PolicyRule[]> {
  const apps = ['apps', 'extensions'];
  return {
    'clusterrole-aggregation-controller': [r(['escalate', 'get', 'list', 'watch', 'update', 'patch'], [RBAC], ['clusterroles'])],
    'cronjob-controller': [
      r(['get', 'list', 'watch', 'update'], ['batch'], ['cronjobs']),
      r(['get', 'list', 'watch', 'create', 'update', 'delete', 'patch'], ['batch'], ['jobs']),
      r(['update'], ['batch'], ['cronjobs/status', 'cronjobs/finalizers']),
      r(['list', 'watch', 'delete'], [''], ['pods']),
      events(),
    ],
    'daemon-set-controller': [
      r(READ, apps, ['daemonsets']),
      r(['update'], apps, ['daemonsets/status', 'daemonsets/finalizers']),
      r(['list', 'watch'], [''], ['nodes']),
      r(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
      r(['create'], [''], ['pods/binding']),
      r(['get', 'list', 'watch', 'create', 'delete', 'update', 'patch'], ['apps'], ['controllerrevisions']),
      events(),
    ],
    'deployment-controller': [
      r(['get', 'list', 'watch', 'update'], apps, ['deployments']),
      // Kubeling writes the revision annotation with a merge patch after the status update
      r(['patch'], apps, ['deployments']),
      r(['update'], apps, ['deployments/status', 'deployments/finalizers']),
      r(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], apps, ['replicasets']),
      r(['get', 'list', 'watch', 'update'], [''], ['pods']),
      events(),
    ],
    'disruption-controller': [
      r(READ, apps, ['deployments', 'replicasets']),
      r(READ, [''], ['replicationcontrollers']),
      r(READ, ['policy'], ['poddisruptionbudgets']),
      r(READ, ['apps'], ['statefulsets']),
      r(['update'], ['policy'], ['poddisruptionbudgets/status']),
      r(['patch', 'update'], [''], ['pods/status']),
      r(['get'], ['*'], ['*/scale']),
      events(),
    ],
    'endpoint-controller': [
      r(READ, [''], ['services', 'pods']),
      r(['get', 'list', 'watch', 'create', 'update', 'delete'], [''], ['endpoints']),
      r(['create'], [''], ['endpoints/restricted']),
      events(),
    ],
    'endpointslice-controller': [
      r(READ, [''], ['services', 'pods', 'nodes']),
      r(['update'], [''], ['services/finalizers']),
      r(['get', 'list', 'watch', 'create', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
      events(),
    ],
    'generic-garbage-collector': [r(['get', 'list', 'watch', 'patch', 'update', 'delete'], ['*'], ['*']), events()],
    'horizontal-pod-autoscaler': [
      r(READ, ['autoscaling'], ['horizontalpodautoscalers']),
      r(['update'], ['autoscaling'], ['horizontalpodautoscalers/status']),
      r(['get', 'update'], ['*'], ['*/scale']),
      r(['list', 'watch'], [''], ['pods']),
      r(['list', 'watch'], ['metrics.k8s.io'], ['pods']),
      r(READ, ['custom.metrics.k8s.io'], ['*']),
      r(READ, ['external.metrics.k8s.io'], ['*']),
      events(),
    ],
    'job-controller': [
      r(READ_UPDATE, ['batch'], ['jobs']),
      r(['update'], ['batch'], ['jobs/status', 'jobs/finalizers']),
      r(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
      events(),
    ],
    'namespace-controller': [
      r(['get', 'list', 'watch', 'delete'], [''], ['namespaces']),
      r(['update'], [''], ['namespaces/finalize', 'namespaces/status']),
      r(['get', 'list', 'watch', 'delete', 'deletecollection'], ['*'], ['*']),
    ],
    'node-controller': [
      r(['get', 'list', 'watch', 'update', 'delete', 'patch'], [''], ['nodes']),
      r(['patch', 'update'], [''], ['nodes/status', 'pods/status']),
      r(['list', 'watch', 'get', 'delete'], [''], ['pods']),
      events(),
    ],
    'pod-garbage-collector': [r(['list', 'watch', 'delete'], [''], ['pods']), r(READ, [''], ['nodes']), r(['patch'], [''], ['pods/status'])],
    'replicaset-controller': [
      r(['get', 'list', 'watch', 'update'], apps, ['replicasets']),
      r(['update'], apps, ['replicasets/status', 'replicasets/finalizers']),
      r(['list', 'watch', 'patch', 'create', 'delete'], [''], ['pods']),
      events(),
    ],
    'resourcequota-controller': [r(['list', 'watch'], ['*'], ['*']), r(['update'], [''], ['resourcequotas/status']), events()],
    'service-account-controller': [r(['create'], [''], ['serviceaccounts']), events()],
    'statefulset-controller': [
      r(['list', 'watch'], [''], ['pods']),
      r(READ, ['apps'], ['statefulsets']),
      r(['update'], ['apps'], ['statefulsets/status', 'statefulsets/finalizers']),
      r(['get', 'create', 'delete', 'update', 'patch'], [''], ['pods']),
      r(['get', 'create', 'delete', 'update', 'patch', 'list', 'watch'], ['apps'], ['controllerrevisions']),
      r(['get', 'create', 'list', 'watch', 'update', 'delete'], [''], ['persistentvolumeclaims']),
      // Kubeling sets a claim's ownerReferences (persistentVolumeClaimRetentionPolicy) with a merge patch
      r(['patch'], [''], ['persistentvolumeclaims']),
      r(['update'], [''], ['pods/finalizers']),
      events(),
    ],
    'certificate-controller': [
      r(['get', 'list', 'watch', 'delete'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      r(['update'], ['certificates.k8s.io'], ['certificatesigningrequests/status', 'certificatesigningrequests/approval']),
      r(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet']),
      // Kubeling's approver also approves a node's serving certificate for its own name (upstream leaves those to an operator)
      r(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kubelet-serving']),
      r(['sign'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/legacy-unknown', 'kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving']),
      r(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      events(),
    ],
    'ttl-after-finished-controller': [r(['get', 'list', 'watch', 'delete'], ['batch'], ['jobs']), events()],
    'root-ca-cert-publisher': [r(['create', 'update'], [''], ['configmaps']), events()],
  };
}

/**
 * Upstream's own system:kube-controller-manager rules: shared informers over everything, the
 * leader-election Lease, service accounts and their token Secrets.
 */
function controllerManagerBaseRules(): PolicyRule[] {
  return [
    events(),
    r(['create'], ['coordination.k8s.io'], ['leases']),
    r(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-controller-manager']),
    r(['create'], [''], ['secrets', 'serviceaccounts']),
    r(['delete'], [''], ['secrets']),
    r(['get'], [''], ['namespaces', 'secrets', 'serviceaccounts', 'configmaps']),
    r(['update'], [''], ['secrets', 'serviceaccounts']),
    r(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    r(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    r(['list', 'watch'], ['*'], ['*']),
    r(['create'], [''], ['serviceaccounts/token']),
  ];
}

const sorted = (xs: string[] | undefined): string[] => [...new Set(xs ?? [])].sort();

/**
 * The union of rules, compacted: verbs of rules naming the same group set, resource and
 * resourceNames are merged, then resources with equal groups, verbs and names share one rule.
 * The result grants exactly what the inputs grant (rules are additive), in a stable order.
 */
export function unionRules(rules: PolicyRule[]): PolicyRule[] {
  const byResource = new Map<string, { groups: string[]; resource: string; names: string[]; verbs: Set<string> }>();
  const nonResource: PolicyRule[] = [];
  for (const rule of rules) {
    if (rule.nonResourceURLs?.length) {
      nonResource.push(rule);
      continue;
    }
    const groups = sorted(rule.apiGroups);
    const names = sorted(rule.resourceNames);
    for (const resource of rule.resources ?? []) {
      const key = JSON.stringify([groups, resource, names]);
      const cur = byResource.get(key) ?? { groups, resource, names, verbs: new Set<string>() };
      for (const v of rule.verbs) cur.verbs.add(v);
      byResource.set(key, cur);
    }
  }
  const merged = new Map<string, PolicyRule>();
  for (const e of byResource.values()) {
    const verbs = [...e.verbs].sort();
    const key = JSON.stringify([e.groups, verbs, e.names]);
    const cur = merged.get(key);
    if (cur) cur.resources = sorted([...(cur.resources ?? []), e.resource]);
    else merged.set(key, r(verbs, e.groups, [e.resource], e.names.length ? e.names : undefined));
  }
  const key = (x: PolicyRule) => JSON.stringify([x.apiGroups, x.resources, x.resourceNames, x.verbs]);
  return [...[...merged.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)), ...nonResource];
}

/** Rules of rancher's local-path-provisioner role, narrowed to what Kubeling's provisioner calls. */
function localPathProvisionerRules(): PolicyRule[] {
  return [
    r(['get', 'list', 'watch', 'update', 'patch'], [''], ['persistentvolumeclaims']),
    r(['update', 'patch'], [''], ['persistentvolumeclaims/status', 'persistentvolumes/status']),
    r(['get', 'list', 'watch', 'create', 'delete'], [''], ['persistentvolumes']),
    // it creates the default `local-path` StorageClass when absent
    r(['get', 'list', 'watch', 'create'], ['storage.k8s.io'], ['storageclasses']),
    events(),
  ];
}

const controllers = controllerRoles();

/** ClusterRoles for the components (reconciled at start). */
export const componentClusterRoles: KubeObject[] = [
  clusterRole('system:kube-scheduler', schedulerRules()),
  clusterRole('system:volume-scheduler', [r(READ_UPDATE, [''], ['persistentvolumes', 'persistentvolumeclaims']), r(READ, ['storage.k8s.io'], ['storageclasses'])]),
  clusterRole('system:kube-controller-manager', unionRules([...controllerManagerBaseRules(), ...Object.values(controllers).flat()])),
  clusterRole('system:node', nodeRules()),
  clusterRole('system:node-bootstrapper', [r(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests'])]),
  clusterRole('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [r(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/nodeclient'])]),
  clusterRole('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [r(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/selfnodeclient'])]),
  ...['legacy-unknown', 'kubelet-serving', 'kube-apiserver-client', 'kube-apiserver-client-kubelet'].map((s) =>
    clusterRole(`system:certificates.k8s.io:${s}-approver`, [r(['approve'], ['certificates.k8s.io'], ['signers'], [`kubernetes.io/${s}`])]),
  ),
  ...Object.entries(controllers).map(([name, rules]) => clusterRole(CONTROLLER_PREFIX + name, rules)),
  // Kubeling: the simulated agent plays many nodes as one user, with a kubelet's permissions.
  clusterRole(componentUsers.simulatedNodes, nodeRules()),
  clusterRole(componentUsers.localPathProvisioner, localPathProvisionerRules()),
];

/** ClusterRoleBindings for the components. */
export const componentClusterRoleBindings: KubeObject[] = [
  clusterBinding('system:kube-scheduler', 'system:kube-scheduler', [user(componentUsers.scheduler)]),
  clusterBinding('system:volume-scheduler', 'system:volume-scheduler', [user(componentUsers.scheduler)]),
  clusterBinding('system:kube-controller-manager', 'system:kube-controller-manager', [user(componentUsers.controllerManager)]),
  // Upstream leaves this binding without subjects (the Node authorizer decides); Kubeling has no
  // Node authorizer, so the group gets the role and NodeRestriction admission confines each node.
  clusterBinding('system:node', 'system:node', [group(nodesGroup)]),
  // TLS bootstrap as kubeadm sets it up: bootstrap tokens may request a node client certificate,
  // which the approver grants them, and nodes may renew their own.
  clusterBinding('kubeling:kubelet-bootstrap', 'system:node-bootstrapper', [group(bootstrappersGroup)]),
  clusterBinding('kubeling:node-autoapprove-bootstrap', 'system:certificates.k8s.io:certificatesigningrequests:nodeclient', [group(bootstrappersGroup)]),
  clusterBinding('kubeling:node-autoapprove-certificate-rotation', 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [group(nodesGroup)]),
  ...Object.keys(controllers).map((name) => clusterBinding(CONTROLLER_PREFIX + name, CONTROLLER_PREFIX + name, [sa('kube-system', name)])),
  clusterBinding(componentUsers.simulatedNodes, componentUsers.simulatedNodes, [user(componentUsers.simulatedNodes)]),
  clusterBinding(componentUsers.localPathProvisioner, componentUsers.localPathProvisioner, [user(componentUsers.localPathProvisioner)]),
];

/** Namespaced Roles (kube-system, kube-public) as namespace_policy.go defines them. */
export const componentRoles: KubeObject[] = [
  role('kube-system', 'extension-apiserver-authentication-reader', [r(READ, [''], ['configmaps'], ['extension-apiserver-authentication'])]),
  role('kube-system', 'system::leader-locking-kube-controller-manager', [r(['watch'], [''], ['configmaps']), r(['get', 'update'], [''], ['configmaps'], ['kube-controller-manager'])]),
  role('kube-system', 'system::leader-locking-kube-scheduler', [r(['watch'], [''], ['configmaps']), r(['get', 'update'], [''], ['configmaps'], ['kube-scheduler'])]),
  role('kube-system', `${CONTROLLER_PREFIX}bootstrap-signer`, [r(READ, [''], ['secrets'])]),
  role('kube-system', `${CONTROLLER_PREFIX}token-cleaner`, [r(['delete', 'get', 'list', 'watch'], [''], ['secrets']), events()]),
  role('kube-public', `${CONTROLLER_PREFIX}bootstrap-signer`, [r(READ, [''], ['configmaps']), r(['update'], [''], ['configmaps'], ['cluster-info']), events()]),
];

/** Namespaced RoleBindings for componentRoles. */
export const componentRoleBindings: KubeObject[] = [
  roleBinding('kube-system', 'system::extension-apiserver-authentication-reader', 'extension-apiserver-authentication-reader', [user(componentUsers.controllerManager), user(componentUsers.scheduler)]),
  roleBinding('kube-system', 'system::leader-locking-kube-controller-manager', 'system::leader-locking-kube-controller-manager', [user(componentUsers.controllerManager), sa('kube-system', 'kube-controller-manager')]),
  roleBinding('kube-system', 'system::leader-locking-kube-scheduler', 'system::leader-locking-kube-scheduler', [user(componentUsers.scheduler), sa('kube-system', 'kube-scheduler')]),
  roleBinding('kube-system', `${CONTROLLER_PREFIX}bootstrap-signer`, `${CONTROLLER_PREFIX}bootstrap-signer`, [sa('kube-system', 'bootstrap-signer')]),
  roleBinding('kube-system', `${CONTROLLER_PREFIX}token-cleaner`, `${CONTROLLER_PREFIX}token-cleaner`, [sa('kube-system', 'token-cleaner')]),
  roleBinding('kube-public', `${CONTROLLER_PREFIX}bootstrap-signer`, `${CONTROLLER_PREFIX}bootstrap-signer`, [sa('kube-system', 'bootstrap-signer')]),
];
