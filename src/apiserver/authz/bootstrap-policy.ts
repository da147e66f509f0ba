/**
 * The user-facing default RBAC policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go):
 * cluster-admin, the aggregated admin/edit/view roles and the system:aggregate-to-* roles they
 * gather, system:basic-user, system:discovery, system:public-info-viewer, system:monitoring,
 * system:auth-delegator, and their ClusterRoleBindings. Every object carries the
 * `kubernetes.io/bootstrapping: rbac-defaults` label and the autoupdate annotation, as upstream's
 * addDefaultMetadata does. The components' roles live in bootstrap-policy-components.ts.
 */
import type { KubeObject } from '../../api/object.js';
import type { PolicyRule } from './rules.js';

const RBAC_V1 = 'rbac.authorization.k8s.io/v1';
/** The label every default policy object carries. */
export const BOOTSTRAPPING_LABEL = 'kubernetes.io/bootstrapping';
/** `rbac.authorization.kubernetes.io/autoupdate`: "false" keeps the reconciler's hands off. */
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';

const Read = ['get', 'list', 'watch'];
const Write = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const ReadWrite = [...Read, ...Write];

const legacy = '';
const apps = 'apps';
const autoscaling = 'autoscaling';
const batch = 'batch';
const extensions = 'extensions';
const policy = 'policy';
const networking = 'networking.k8s.io';
const coordination = 'coordination.k8s.io';
const discovery = 'discovery.k8s.io';
const authorization = 'authorization.k8s.io';
const authentication = 'authentication.k8s.io';
const rbac = 'rbac.authorization.k8s.io';

function rule(verbs: string[], groups: string[], resources: string[]): PolicyRule {
  return { verbs, apiGroups: groups, resources };
}

function urls(verbs: string[], list: string[]): PolicyRule {
  return { verbs, nonResourceURLs: list };
}

function meta(name: string, labels: Record<string, string> = {}, namespace?: string): KubeObject['metadata'] {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { [BOOTSTRAPPING_LABEL]: 'rbac-defaults', ...labels },
    annotations: { [AUTOUPDATE_ANNOTATION]: 'true' },
  };
}

/** A default ClusterRole (with the default label and annotation). */
export function defaultClusterRole(name: string, rules: PolicyRule[], opts: { labels?: Record<string, string>; aggregateFrom?: string } = {}): KubeObject {
  const obj: KubeObject = { apiVersion: RBAC_V1, kind: 'ClusterRole', metadata: meta(name, opts.labels), rules };
  if (opts.aggregateFrom) obj.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [opts.aggregateFrom]: 'true' } }] };
  return obj;
}

/** A default ClusterRoleBinding named like its ClusterRole (NewClusterBinding). */
export function defaultClusterRoleBinding(role: string, subjects: { kind: 'User' | 'Group' | 'ServiceAccount'; name: string; namespace?: string }[], name = role): KubeObject {
  return {
    apiVersion: RBAC_V1,
    kind: 'ClusterRoleBinding',
    metadata: meta(name),
    roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: role },
    subjects: subjects.map((s) => (s.kind === 'ServiceAccount' ? { kind: s.kind, name: s.name, namespace: s.namespace ?? '' } : { apiGroup: rbac, kind: s.kind, name: s.name })),
  };
}

const toAdmin = 'rbac.authorization.k8s.io/aggregate-to-admin';
const toEdit = 'rbac.authorization.k8s.io/aggregate-to-edit';
const toView = 'rbac.authorization.k8s.io/aggregate-to-view';

/** The user-facing default ClusterRoles. */
export function userClusterRoles(): KubeObject[] {
  return [
    defaultClusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    defaultClusterRole('system:discovery', [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*'])]),
    defaultClusterRole('system:monitoring', [urls(['get'], ['/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*'])]),
    defaultClusterRole('system:basic-user', [
      rule(['create'], [authorization], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], [authentication], ['selfsubjectreviews']),
    ]),
    defaultClusterRole('system:public-info-viewer', [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])]),
    // admin = edit + the power to grant permissions inside a namespace; the rules are aggregated.
    defaultClusterRole('admin', [], { aggregateFrom: toAdmin }),
    defaultClusterRole('edit', [], { labels: { [toAdmin]: 'true' }, aggregateFrom: toEdit }),
    defaultClusterRole('view', [], { labels: { [toEdit]: 'true' }, aggregateFrom: toView }),
    defaultClusterRole(
      'system:aggregate-to-admin',
      [rule(['create'], [authorization], ['localsubjectaccessreviews']), rule(ReadWrite, [rbac], ['roles', 'rolebindings'])],
      { labels: { [toAdmin]: 'true' } },
    ),
    defaultClusterRole(
      'system:aggregate-to-edit',
      [
        // read on escalating resources
        rule(Read, [legacy], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
        rule(['impersonate'], [legacy], ['serviceaccounts']),
        rule(Write, [legacy], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
        rule(['create'], [legacy], ['pods/eviction']),
        rule(Write, [legacy], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets', 'events']),
        rule(['create'], [legacy], ['serviceaccounts/token']),
        rule(Write, [apps], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
        rule(Write, [autoscaling], ['horizontalpodautoscalers']),
        rule(Write, [batch], ['jobs', 'cronjobs']),
        rule(Write, [extensions], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies']),
        rule(Write, [policy], ['poddisruptionbudgets']),
        rule(Write, [networking], ['networkpolicies', 'ingresses']),
        rule(ReadWrite, [coordination], ['leases']),
      ],
      { labels: { [toEdit]: 'true' } },
    ),
    defaultClusterRole(
      'system:aggregate-to-view',
      [
        rule(Read, [legacy], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
        rule(Read, [legacy], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
        // reading namespaces at namespace scope means reading *this* namespace
        rule(Read, [legacy], ['namespaces']),
        rule(Read, [discovery], ['endpointslices']),
        rule(Read, [apps], ['controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale']),
        rule(Read, [autoscaling], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
        rule(Read, [batch], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
        rule(Read, [extensions], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale', 'networkpolicies']),
        rule(Read, [policy], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
        rule(Read, [networking], ['networkpolicies', 'ingresses', 'ingresses/status']),
      ],
      { labels: { [toView]: 'true' } },
    ),
    defaultClusterRole('system:auth-delegator', [rule(['create'], [authentication], ['tokenreviews']), rule(['create'], [authorization], ['subjectaccessreviews'])]),
  ];
}

/** The user-facing default ClusterRoleBindings. */
export function userClusterRoleBindings(): KubeObject[] {
  return [
    defaultClusterRoleBinding('cluster-admin', [{ kind: 'Group', name: 'system:masters' }]),
    defaultClusterRoleBinding('system:monitoring', [{ kind: 'Group', name: 'system:monitoring' }]),
    defaultClusterRoleBinding('system:discovery', [{ kind: 'Group', name: 'system:authenticated' }]),
    defaultClusterRoleBinding('system:basic-user', [{ kind: 'Group', name: 'system:authenticated' }]),
    defaultClusterRoleBinding('system:public-info-viewer', [
      { kind: 'Group', name: 'system:authenticated' },
      { kind: 'Group', name: 'system:unauthenticated' },
    ]),
  ];
}
