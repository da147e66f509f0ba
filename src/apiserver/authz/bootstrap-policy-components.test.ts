import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { componentClusterRoles, componentClusterRoleBindings, componentRoles, componentRoleBindings, componentUsers, unionRules, type PolicyRule } from './bootstrap-policy-components.js';
import { covers, rulesAllow, rulesOf, type RuleRequest } from './rules.js';

const clusterRole = (name: string): KubeObject => {
  const r = componentClusterRoles.find((x) => x.metadata.name === name);
  assert.ok(r, `ClusterRole ${name} exists`);
  return r;
};
const rulesOfObj = (o: KubeObject): PolicyRule[] => rulesOf({ rules: o.rules });
const rules = (name: string): PolicyRule[] => rulesOfObj(clusterRole(name));

/** A resource request as the server's RequestInfo produces it ("pods/binding" → resource + subresource). */
function req(verb: string, group: string, resource: string, name = ''): RuleRequest {
  const [res = '', sub = ''] = resource.split('/');
  return { verb, isResourceRequest: true, path: '', group, resource: res, subresource: sub, name };
}

const allows = (role: string, verb: string, group: string, resource: string, name = '') => rulesAllow(req(verb, group, resource, name), rules(role));

test('every component object carries the bootstrapping label and the autoupdate annotation', () => {
  for (const o of [...componentClusterRoles, ...componentClusterRoleBindings, ...componentRoles, ...componentRoleBindings]) {
    assert.equal(o.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults', `${String(o.kind)} ${String(o.metadata.name)}`);
    assert.equal(o.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true', `${String(o.kind)} ${String(o.metadata.name)}`);
    assert.equal(o.apiVersion, 'rbac.authorization.k8s.io/v1');
  }
});

test('names are unique per kind and namespace, and namespaced objects carry their namespace', () => {
  const seen = new Set<string>();
  for (const o of [...componentClusterRoles, ...componentClusterRoleBindings, ...componentRoles, ...componentRoleBindings]) {
    const key = `${String(o.kind)}/${o.metadata.namespace ?? ''}/${String(o.metadata.name)}`;
    assert.ok(!seen.has(key), `duplicate ${key}`);
    seen.add(key);
  }
  for (const o of [...componentRoles, ...componentRoleBindings]) assert.ok(o.metadata.namespace === 'kube-system' || o.metadata.namespace === 'kube-public');
  for (const o of [...componentClusterRoles, ...componentClusterRoleBindings]) assert.equal(o.metadata.namespace, undefined);
});

test('every binding refers to a role this module defines', () => {
  const clusterRoles = new Set(componentClusterRoles.map((r) => r.metadata.name));
  for (const b of componentClusterRoleBindings) {
    const ref = b.roleRef as { kind: string; name: string };
    assert.equal(ref.kind, 'ClusterRole');
    assert.ok(clusterRoles.has(ref.name), `ClusterRoleBinding ${String(b.metadata.name)} → ${ref.name}`);
  }
  for (const b of componentRoleBindings) {
    const ref = b.roleRef as { kind: string; name: string };
    assert.ok(componentRoles.some((r) => r.metadata.name === ref.name && r.metadata.namespace === b.metadata.namespace), `RoleBinding ${String(b.metadata.name)} → ${ref.name}`);
  }
});

test('each component user is bound to its role', () => {
  const subjectsOf = (name: string) => (componentClusterRoleBindings.find((b) => b.metadata.name === name)?.subjects ?? []) as { kind: string; name: string }[];
  assert.deepEqual(subjectsOf('system:kube-scheduler').map((s) => s.name), ['system:kube-scheduler']);
  assert.deepEqual(subjectsOf('system:volume-scheduler').map((s) => s.name), ['system:kube-scheduler']);
  assert.deepEqual(subjectsOf('system:kube-controller-manager').map((s) => s.name), ['system:kube-controller-manager']);
  assert.deepEqual(subjectsOf('system:node'), [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:nodes' }]);
  assert.deepEqual(subjectsOf('kubeling:kubelet-bootstrap').map((s) => `${s.kind}:${s.name}`), ['Group:system:bootstrappers']);
  assert.deepEqual(subjectsOf('kubeling:node-autoapprove-bootstrap').map((s) => `${s.kind}:${s.name}`), ['Group:system:bootstrappers']);
  assert.deepEqual(subjectsOf('kubeling:node-autoapprove-certificate-rotation').map((s) => `${s.kind}:${s.name}`), ['Group:system:nodes']);
  assert.deepEqual(subjectsOf(componentUsers.simulatedNodes).map((s) => `${s.kind}:${s.name}`), ['User:system:kubeling:simulated-nodes']);
});

test('the scheduler may bind pods and update their status but not create or update pods', () => {
  assert.ok(allows('system:kube-scheduler', 'create', '', 'pods/binding'));
  assert.ok(allows('system:kube-scheduler', 'patch', '', 'pods/status'));
  assert.ok(allows('system:kube-scheduler', 'delete', '', 'pods')); // preemption
  assert.ok(allows('system:kube-scheduler', 'watch', 'policy', 'poddisruptionbudgets'));
  assert.ok(allows('system:kube-scheduler', 'list', '', 'namespaces'));
  assert.ok(!allows('system:kube-scheduler', 'create', '', 'pods'));
  assert.ok(!allows('system:kube-scheduler', 'update', '', 'pods'));
  assert.ok(!allows('system:kube-scheduler', 'get', '', 'secrets'));
  assert.ok(allows('system:kube-scheduler', 'update', 'coordination.k8s.io', 'leases', 'kube-scheduler'));
  assert.ok(!allows('system:kube-scheduler', 'update', 'coordination.k8s.io', 'leases', 'kube-controller-manager'));
});

test('the controller manager role covers every system:controller role it unions', () => {
  const cm = rules('system:kube-controller-manager');
  const controllerRoles = componentClusterRoles.filter((r) => String(r.metadata.name).startsWith('system:controller:'));
  assert.ok(controllerRoles.length >= 15);
  for (const r of controllerRoles) {
    const res = covers(cm, rulesOfObj(r));
    assert.ok(res.covered, `${String(r.metadata.name)} missing ${JSON.stringify(res.missing)}`);
  }
});

test('the controller manager may make the calls Kubeling controllers make', () => {
  // [verb, group, resource(/subresource), name] as src/controllers/* issue them
  const calls: [string, string, string, string?][] = [
    ['list', '', 'pods'], ['watch', 'apps', 'replicasets'], ['create', '', 'pods'], ['delete', '', 'pods'], ['patch', '', 'pods'],
    ['update', 'apps', 'replicasets/status'], ['update', 'apps', 'deployments/status'], ['patch', 'apps', 'deployments'],
    ['create', 'apps', 'replicasets'], ['update', 'apps', 'replicasets'], ['delete', 'apps', 'replicasets'],
    ['update', 'apps', 'daemonsets/status'], ['update', 'apps', 'statefulsets/status'], ['create', 'apps', 'controllerrevisions'],
    ['patch', 'apps', 'controllerrevisions'], ['delete', 'apps', 'controllerrevisions'], ['create', '', 'persistentvolumeclaims'],
    ['patch', '', 'persistentvolumeclaims'], ['update', 'batch', 'jobs/status'], ['create', 'batch', 'jobs'], ['delete', 'batch', 'jobs'],
    ['update', 'batch', 'cronjobs/status'], ['update', '', 'nodes'], ['update', '', 'nodes/status'], ['update', '', 'pods/status'],
    ['patch', '', 'pods/status'], ['get', '', 'nodes'], ['update', 'policy', 'poddisruptionbudgets/status'], ['get', 'apps', 'deployments/scale'],
    ['update', 'apps', 'deployments/scale'], ['update', 'autoscaling', 'horizontalpodautoscalers/status'], ['list', 'metrics.k8s.io', 'pods'],
    ['create', '', 'endpoints'], ['update', '', 'endpoints'], ['delete', '', 'endpoints'], ['create', 'discovery.k8s.io', 'endpointslices'],
    ['update', 'discovery.k8s.io', 'endpointslices'], ['delete', 'discovery.k8s.io', 'endpointslices'], ['create', '', 'serviceaccounts'],
    ['create', '', 'configmaps'], ['update', '', 'configmaps'], ['update', '', 'namespaces/status'], ['update', '', 'namespaces/finalize'],
    ['deletecollection', 'apps', 'deployments'], ['delete', 'example.com', 'widgets'], ['patch', 'example.com', 'widgets'],
    ['create', '', 'events'], ['patch', '', 'events'], ['create', 'events.k8s.io', 'events'],
    ['create', 'coordination.k8s.io', 'leases'], ['get', 'coordination.k8s.io', 'leases', 'kube-controller-manager'], ['update', 'coordination.k8s.io', 'leases', 'kube-controller-manager'],
    ['list', 'coordination.k8s.io', 'leases'], ['update', '', 'resourcequotas/status'], ['create', '', 'secrets'], ['update', '', 'secrets'],
    ['delete', '', 'secrets'], ['update', 'certificates.k8s.io', 'certificatesigningrequests/status'], ['update', 'certificates.k8s.io', 'certificatesigningrequests/approval'],
    ['delete', 'certificates.k8s.io', 'certificatesigningrequests'], ['sign', 'certificates.k8s.io', 'signers', 'kubernetes.io/kube-apiserver-client'],
    ['approve', 'certificates.k8s.io', 'signers', 'kubernetes.io/kube-apiserver-client-kubelet'], ['approve', 'certificates.k8s.io', 'signers', 'kubernetes.io/kubelet-serving'],
    ['create', 'authorization.k8s.io', 'subjectaccessreviews'],
    ['update', 'rbac.authorization.k8s.io', 'clusterroles'], ['escalate', 'rbac.authorization.k8s.io', 'clusterroles'],
  ];
  for (const [verb, group, resource, name] of calls) assert.ok(allows('system:kube-controller-manager', verb, group, resource, name), `${verb} ${group}/${resource} ${name ?? ''}`);
});

test('the controller manager is not an administrator', () => {
  for (const [verb, group, resource, name] of [
    ['create', 'rbac.authorization.k8s.io', 'clusterrolebindings'],
    ['bind', 'rbac.authorization.k8s.io', 'clusterroles'],
    ['impersonate', '', 'users'],
    ['create', '', 'pods/exec'],
    ['create', '', 'pods/portforward'],
    ['create', 'rbac.authorization.k8s.io', 'clusterroles'],
    ['approve', 'certificates.k8s.io', 'signers', 'kubernetes.io/kube-apiserver-client'],
    ['create', '', 'nodes'],
  ] as const) {
    assert.ok(!allows('system:kube-controller-manager', verb, group, resource, name), `${verb} ${group}/${resource}`);
  }
});

test('a node may register and report but not create PersistentVolumes; the local-path provisioner may', () => {
  for (const [verb, resource] of [['create', 'nodes'], ['patch', 'nodes'], ['patch', 'nodes/status'], ['watch', 'pods'], ['patch', 'pods/status'], ['delete', 'pods'], ['get', 'secrets'], ['get', 'configmaps'], ['create', 'serviceaccounts/token'], ['create', 'events']] as const) {
    assert.ok(allows('system:node', verb, '', resource), `${verb} ${resource}`);
  }
  assert.ok(allows('system:node', 'patch', 'coordination.k8s.io', 'leases'));
  assert.ok(!allows('system:node', 'create', '', 'persistentvolumes'));
  assert.ok(!allows('system:node', 'delete', '', 'nodes'));
  assert.ok(!allows('system:node', 'update', '', 'pods'));
  assert.ok(allows(componentUsers.localPathProvisioner, 'create', '', 'persistentvolumes'));
  assert.ok(allows(componentUsers.localPathProvisioner, 'patch', '', 'persistentvolumeclaims/status'));
  assert.ok(allows(componentUsers.localPathProvisioner, 'create', 'storage.k8s.io', 'storageclasses'));
  assert.ok(!allows(componentUsers.localPathProvisioner, 'get', '', 'secrets'));
});

test('the simulated agent has exactly the rules of system:node', () => {
  assert.deepEqual(rules(componentUsers.simulatedNodes), rules('system:node'));
});

test('bootstrappers may create CSRs and nodes may request their own client certificates', () => {
  assert.ok(allows('system:node-bootstrapper', 'create', 'certificates.k8s.io', 'certificatesigningrequests'));
  assert.ok(allows('system:node-bootstrapper', 'watch', 'certificates.k8s.io', 'certificatesigningrequests'));
  assert.ok(!allows('system:node-bootstrapper', 'update', 'certificates.k8s.io', 'certificatesigningrequests/approval'));
  assert.ok(allows('system:certificates.k8s.io:certificatesigningrequests:nodeclient', 'create', 'certificates.k8s.io', 'certificatesigningrequests/nodeclient'));
  assert.ok(allows('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', 'create', 'certificates.k8s.io', 'certificatesigningrequests/selfnodeclient'));
  assert.ok(allows('system:certificates.k8s.io:kube-apiserver-client-approver', 'approve', 'certificates.k8s.io', 'signers', 'kubernetes.io/kube-apiserver-client'));
});

test('unionRules grants exactly what its input rules grant', () => {
  const input: PolicyRule[] = [
    { verbs: ['get'], apiGroups: [''], resources: ['pods', 'services'] },
    { verbs: ['list', 'get'], apiGroups: [''], resources: ['pods'] },
    { verbs: ['update'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['a'] },
    { verbs: ['update'], apiGroups: ['apps'], resources: ['deployments/status'] },
    { verbs: ['get'], nonResourceURLs: ['/healthz'] },
  ];
  const out = unionRules(input);
  assert.ok(covers(out, input).covered);
  assert.ok(covers(input, out).covered);
  assert.ok(!rulesAllow(req('update', 'apps', 'deployments', 'b'), out));
  assert.ok(rulesAllow(req('update', 'apps', 'deployments', 'a'), out));
  assert.deepEqual(out.find((r) => r.resources?.includes('pods')), { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] });
});
