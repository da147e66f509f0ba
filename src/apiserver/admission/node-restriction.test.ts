import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { ApiError } from '../../api/errors.js';
import type { ResourceDef } from '../../api/resource.js';
import { podResource } from '../../api/registry/core/pod.js';
import { nodeResource } from '../../api/registry/core/node.js';
import { leaseResource } from '../../api/registry/coordination/lease.js';
import { serviceAccountResource } from '../../api/registry/core/serviceaccount.js';
import type { UserInfo } from '../authn/types.js';
import type { AdmissionAttributes, AdmissionOperation } from './types.js';
import { forbiddenNodeLabels, nodeIdentity, nodeRestriction } from './node-restriction.js';

const nodeA: UserInfo = { name: 'system:node:a', groups: ['system:nodes', 'system:authenticated'] };
const stored: KubeObject[] = [
  { metadata: { name: 'a', uid: 'uid-a' } },
  { metadata: { name: 'on-a', namespace: 'default', uid: 'p1' }, spec: { nodeName: 'a' } },
  { metadata: { name: 'on-b', namespace: 'default', uid: 'p2' }, spec: { nodeName: 'b' } },
];

function attrs(def: ResourceDef, op: AdmissionOperation, name: string, o: { sub?: string; object?: KubeObject; old?: KubeObject; ns?: string; user?: UserInfo } = {}): AdmissionAttributes {
  return {
    operation: op,
    def,
    namespace: o.ns ?? (def.namespaced ? 'default' : ''),
    name,
    subresource: o.sub ?? '',
    object: o.object,
    oldObject: o.old,
    user: o.user ?? nodeA,
    dryRun: false,
    warn: () => {},
    get: (_g, r, _ns, n) => Promise.resolve(stored.find((s) => s.metadata.name === n && (r === 'nodes') === !s.metadata.namespace)),
  };
}

const forbidden = (message: string) => (e: unknown) => e instanceof ApiError && e.code === 403 && e.message === message;
const get = (n: string) => stored.find((s) => s.metadata.name === n)!;

describe('NodeRestriction admission', () => {
  it('identifies nodes by the system:node: prefix and the system:nodes group', () => {
    assert.equal(nodeIdentity(nodeA), 'a');
    assert.equal(nodeIdentity({ name: 'system:node:a', groups: [] }), undefined);
    assert.equal(nodeIdentity({ name: 'system:kubeling:simulated-nodes', groups: ['system:nodes'] }), undefined);
  });

  it('leaves users that are not nodes alone', async () => {
    await nodeRestriction.validate!(attrs(nodeResource, 'UPDATE', 'b', { user: { name: 'admin', groups: ['system:masters'] }, object: { metadata: { name: 'b' } }, old: { metadata: { name: 'b' } } }));
  });

  it('lets a node modify its own Node but not another one', async () => {
    const self = { metadata: { name: 'a', labels: { 'kubernetes.io/hostname': 'a' } }, spec: {} };
    await nodeRestriction.validate!(attrs(nodeResource, 'UPDATE', 'a', { object: self, old: self }));
    await assert.rejects(nodeRestriction.validate!(attrs(nodeResource, 'UPDATE', 'b', { object: { metadata: { name: 'b' } }, old: { metadata: { name: 'b' } } })), forbidden('nodes "b" is forbidden: node "a" is not allowed to modify node "b"'));
    await assert.rejects(nodeRestriction.validate!(attrs(nodeResource, 'DELETE', 'b', { old: { metadata: { name: 'b' } } })), forbidden('nodes "b" is forbidden: node "a" is not allowed to modify node "b"'));
  });

  it('forbids a node to change its taints or restricted labels', async () => {
    const old = { metadata: { name: 'a', labels: { 'kubernetes.io/os': 'linux' } }, spec: {} };
    const tainted = { metadata: old.metadata, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } };
    await assert.rejects(nodeRestriction.validate!(attrs(nodeResource, 'UPDATE', 'a', { object: tainted, old })), forbidden('nodes "a" is forbidden: node "a" is not allowed to modify taints'));
    const relabelled = { metadata: { name: 'a', labels: { 'node-restriction.kubernetes.io/pool': 'gpu', 'node-role.kubernetes.io/control-plane': '', 'example.com/x': '1', 'node.kubernetes.io/instance-type': 'big' } }, spec: {} };
    await assert.rejects(nodeRestriction.validate!(attrs(nodeResource, 'UPDATE', 'a', { object: relabelled, old })), forbidden('nodes "a" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/pool, node-role.kubernetes.io/control-plane'));
    assert.deepEqual(forbiddenNodeLabels({ 'kubelet.kubernetes.io/x': '1', 'topology.kubernetes.io/zone': 'z' }, undefined), []);
  });

  it('refuses to register a node with node-restriction labels', async () => {
    const node = { metadata: { name: 'a', labels: { 'node-restriction.kubernetes.io/secure': 'true' } }, spec: {} };
    await assert.rejects(nodeRestriction.validate!(attrs(nodeResource, 'CREATE', 'a', { object: node })), forbidden('nodes "a" is forbidden: node "a" is not allowed to set the following labels: node-restriction.kubernetes.io/secure'));
  });

  it('lets a node update status and delete only pods bound to itself', async () => {
    await nodeRestriction.validate!(attrs(podResource, 'UPDATE', 'on-a', { sub: 'status', object: get('on-a'), old: get('on-a') }));
    await nodeRestriction.validate!(attrs(podResource, 'DELETE', 'on-a', { old: get('on-a') }));
    await assert.rejects(nodeRestriction.validate!(attrs(podResource, 'UPDATE', 'on-b', { sub: 'status', object: get('on-b'), old: get('on-b') })), forbidden('pods "on-b" is forbidden: node "a" can only update pod status for pods with spec.nodeName set to itself'));
    await assert.rejects(nodeRestriction.validate!(attrs(podResource, 'DELETE', 'on-b', { old: get('on-b') })), forbidden('pods "on-b" is forbidden: node "a" can only delete pods with spec.nodeName set to itself'));
  });

  it('forbids pod spec updates, other subresources and non-mirror pod creation', async () => {
    await assert.rejects(nodeRestriction.validate!(attrs(podResource, 'UPDATE', 'on-a', { object: get('on-a'), old: get('on-a') })), forbidden('pods "on-a" is forbidden: unexpected operation "UPDATE", node "a" can only create and delete mirror pods'));
    await assert.rejects(nodeRestriction.validate!(attrs(podResource, 'CREATE', 'on-a', { sub: 'binding', object: {metadata: {name: 'on-a'}} })), forbidden(`pods "on-a" is forbidden: unexpected pod subresource "binding", only 'status' and 'eviction' are allowed`));
    await assert.rejects(nodeRestriction.validate!(attrs(podResource, 'CREATE', 'p', { object: { metadata: { name: 'p' }, spec: { nodeName: 'a' } } })), forbidden('pods "p" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "a" can only create mirror pods'));
  });

  it('accepts a mirror pod bound to and owned by the node, without references to other objects', async () => {
    const mirror = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'static-a', annotations: { 'kubernetes.io/config.mirror': 'h' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'a', uid: 'uid-a', controller: true }] }, spec: { nodeName: 'a', ...spec } });
    await nodeRestriction.validate!(attrs(podResource, 'CREATE', 'static-a', { object: mirror({ containers: [{ name: 'c', image: 'x:1' }] }) }));
    await assert.rejects(nodeRestriction.validate!(attrs(podResource, 'CREATE', 'static-a', { object: mirror({ containers: [{ name: 'c', image: 'x:1' }], volumes: [{ name: 's', secret: { secretName: 'x' } }] }) })), forbidden('pods "static-a" is forbidden: node "a" can not create pods that reference secrets'));
  });

  it('limits leases to the node lease of the node in kube-node-lease', async () => {
    await nodeRestriction.validate!(attrs(leaseResource, 'CREATE', 'a', { ns: 'kube-node-lease', object: { metadata: { name: 'a' } } }));
    await assert.rejects(nodeRestriction.validate!(attrs(leaseResource, 'UPDATE', 'b', { ns: 'kube-node-lease', object: { metadata: { name: 'b' } } })), forbidden('leases.coordination.k8s.io "b" is forbidden: can only access node lease with the same name as the requesting node'));
    await assert.rejects(nodeRestriction.validate!(attrs(leaseResource, 'UPDATE', 'a', { ns: 'kube-system', object: { metadata: { name: 'a' } } })), forbidden('leases.coordination.k8s.io "a" is forbidden: can only access leases in the "kube-node-lease" system namespace'));
  });

  it('allows service account tokens only when bound to a pod on the node', async () => {
    const tr = (ref: Record<string, unknown> | undefined): KubeObject => ({ metadata: {}, spec: { boundObjectRef: ref } });
    await nodeRestriction.validate!(attrs(serviceAccountResource, 'CREATE', 'default', { sub: 'token', object: tr({ apiVersion: 'v1', kind: 'Pod', name: 'on-a', uid: 'p1' }) }));
    await assert.rejects(nodeRestriction.validate!(attrs(serviceAccountResource, 'CREATE', 'default', { sub: 'token', object: tr(undefined) })), forbidden('serviceaccounts "default" is forbidden: node requested token not bound to a pod'));
    await assert.rejects(nodeRestriction.validate!(attrs(serviceAccountResource, 'CREATE', 'default', { sub: 'token', object: tr({ apiVersion: 'v1', kind: 'Pod', name: 'on-b', uid: 'p2' }) })), forbidden('serviceaccounts "default" is forbidden: node requested token bound to a pod scheduled on a different node'));
  });
});
