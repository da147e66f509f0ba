import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/index.js';
import { builtinResources } from '../../api/registry/index.js';
import { ResourceTable } from '../resources.js';
import type { AuthorizationAttributes, Authorizer } from './types.js';
import { NodeAuthorizer, podReferences } from './node.js';

const allowAll: Authorizer = { authorize: () => Promise.resolve({ allowed: true }) };
const node = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const attrs = (o: Partial<AuthorizationAttributes>): AuthorizationAttributes => ({
  user: node, verb: 'get', isResourceRequest: true, path: '', group: '', version: 'v1', resource: 'secrets', subresource: '', namespace: 'default', name: 's1', ...o,
});
const pod = (name: string, nodeName: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName, containers: [{ name: 'c', image: 'x' }], ...spec } });

test('a pod refers to Secrets, ConfigMaps and claims through volumes, projections, env, envFrom and pull secrets', () => {
  const refs = podReferences(pod('p', 'n1', {
    imagePullSecrets: [{ name: 'pull' }],
    volumes: [{ name: 'a', secret: { secretName: 'vol' } }, { name: 'b', projected: { sources: [{ configMap: { name: 'kube-root-ca.crt' } }, { secret: { name: 'proj' } }] } }, { name: 'd', persistentVolumeClaim: { claimName: 'data' } }, { name: 'e', ephemeral: {} }],
    containers: [{ name: 'c', image: 'x', envFrom: [{ configMapRef: { name: 'cfg' } }], env: [{ name: 'K', valueFrom: { secretKeyRef: { name: 'envsec', key: 'k' } } }] }],
  }));
  assert.deepEqual([...refs.secrets].sort(), ['envsec', 'proj', 'pull', 'vol']);
  assert.deepEqual([...refs.configmaps].sort(), ['cfg', 'kube-root-ca.crt']);
  assert.deepEqual([...refs.persistentvolumeclaims].sort(), ['data', 'p-e']);
});

test('a node may get only what a pod bound to it refers to, and may not list', async () => {
  const store = new MemoryStore();
  await store.create('/core/pods/default/mine', pod('mine', 'n1', { volumes: [{ name: 'a', secret: { secretName: 's1' } }] }));
  await store.create('/core/pods/default/theirs', pod('theirs', 'n2', { volumes: [{ name: 'a', secret: { secretName: 's2' } }] }));
  const authz = new NodeAuthorizer(allowAll, store, new ResourceTable(builtinResources));
  assert.equal((await authz.authorize(attrs({ name: 's1' }))).allowed, true);
  const other = await authz.authorize(attrs({ name: 's2' }));
  assert.equal(other.allowed, false);
  assert.equal(other.reason, "no relationship found between node 'n1' and this object");
  assert.equal((await authz.authorize(attrs({ verb: 'list', name: '' }))).allowed, false);
  assert.equal((await authz.authorize(attrs({ user: { name: 'alice', groups: ['system:authenticated'] }, name: 's2' }))).allowed, true, 'other users are left to RBAC');
  assert.equal((await authz.authorize(attrs({ resource: 'pods', name: 'theirs' }))).allowed, true, 'other resources are left to RBAC');
});
