import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors.js';
import { loadDefinitions, rootDefinitionFor } from '../../api/schema/definitions.js';
import { strategicMergePatch } from './strategic.js';

const defs = loadDefinitions();
const DEPLOYMENT = rootDefinitionFor('apps', 'v1', 'Deployment')!;
const POD = rootDefinitionFor('', 'v1', 'Pod')!;
const NODE = rootDefinitionFor('', 'v1', 'Node')!;
const SERVICE = rootDefinitionFor('', 'v1', 'Service')!;

type Obj = Record<string, unknown>;

function deployment(podSpec: Obj = {}, extra: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { a: '1' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'web', image: 'nginx:1.24', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }] }],
          ...podSpec,
        },
      },
      ...extra,
    },
  };
}

const smp = (obj: Obj, patch: Obj, def = DEPLOYMENT): Obj => strategicMergePatch(obj, patch, defs, def);
const at = (o: unknown, path: string): any => path.split('.').reduce<any>((v, k) => v?.[k], o);

test('kubectl set image merges the container by name and keeps its other fields', () => {
  const out = smp(deployment(), { spec: { template: { spec: { containers: [{ image: 'nginx:2', name: 'web' }] } } } });
  assert.deepEqual(at(out, 'spec.template.spec.containers'), [
    { name: 'web', image: 'nginx:2', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }] },
  ]);
  assert.equal(at(out, 'spec.replicas'), 2);
});

test('kubectl apply patch with $setElementOrder updates the container and leaves no directive behind', () => {
  const patch = {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}' } },
    spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'nginx:1.25', name: 'web' }] } } },
  };
  const out = smp(deployment(), patch);
  assert.equal(at(out, 'spec.template.spec.containers.0.image'), 'nginx:1.25');
  assert.deepEqual(at(out, 'metadata.annotations'), { a: '1', 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}' });
  assert.ok(!JSON.stringify(out).includes('$setElementOrder'));
});

test('$setElementOrder from kubectl apply gives the order of the applied manifest', () => {
  const cur = deployment({ containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }] });
  const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'c' }, { name: 'a' }], containers: [{ name: 'c', image: 'c' }] } } } };
  const out = smp(cur, patch);
  assert.deepEqual(at(out, 'spec.template.spec.containers').map((c: Obj) => c.name), ['b', 'c', 'a']);
});

test('server-only items keep their live position among the items $setElementOrder names', () => {
  const cur = deployment({ containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }, { name: 'c', image: 'c' }] });
  const out = smp(cur, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }], containers: [{ name: 'c', image: 'c2' }] } } } });
  // b (live index 1) goes before c (live index 2): upstream's mergeSortedSlice.
  assert.deepEqual(
    at(out, 'spec.template.spec.containers').map((c: Obj) => `${String(c.name)}=${String(c.image)}`),
    ['b=b', 'c=c2', 'a=a'],
  );
});

test('$setElementOrder alone reorders a list the patch does not otherwise touch', () => {
  const cur = deployment({ containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }] });
  const out = smp(cur, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } } } });
  assert.deepEqual(at(out, 'spec.template.spec.containers').map((c: Obj) => c.name), ['b', 'a']);
});

test('a container added without $setElementOrder goes before the live ones, as upstream orders it', () => {
  const out = smp(deployment(), { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'envoy' }] } } } });
  assert.deepEqual(at(out, 'spec.template.spec.containers').map((c: Obj) => c.name), ['sidecar', 'web']);
});

test('removing and adding containers in one kubectl apply orders them as kube-apiserver does', () => {
  // Upstream test case "add map and delete map from merging list" (in-place slice updates included).
  const cur = deployment({ containers: [{ name: '1' }, { name: '2', image: 'b' }, { name: '4', image: 'c' }] });
  const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: '2' }, { name: '3' }], containers: [{ name: '3' }, { name: '1', $patch: 'delete' }] } } } };
  assert.deepEqual(at(smp(cur, patch), 'spec.template.spec.containers').map((c: Obj) => c.name), ['2', '4', '3']);
});

test('env entries merge by name inside a merged container', () => {
  const out = smp(deployment(), { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '2' }, { name: 'A', value: 'x' }] }] } } } });
  assert.deepEqual(at(out, 'spec.template.spec.containers.0.env'), [
    { name: 'B', value: '2' },
    { name: 'A', value: 'x' },
  ]);
});

test('container ports merge by containerPort', () => {
  const out = smp(deployment(), { spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] } } } });
  assert.deepEqual(at(out, 'spec.template.spec.containers.0.ports'), [
    { containerPort: 80, protocol: 'TCP', name: 'http' },
    { containerPort: 443 },
  ]);
});

test('a list element with $patch: delete removes the item with that merge key', () => {
  const cur = deployment({ containers: [{ name: 'web', image: 'x' }, { name: 'side', image: 'y' }] });
  const out = smp(cur, { spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } });
  assert.deepEqual(at(out, 'spec.template.spec.containers'), [{ name: 'web', image: 'x' }]);
});

test('a {$patch: replace} element replaces a merged list with the rest of the patch list', () => {
  const cur = deployment({ containers: [{ name: 'web', image: 'x' }, { name: 'side', image: 'y' }] });
  const out = smp(cur, { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'z' }] } } } });
  assert.deepEqual(at(out, 'spec.template.spec.containers'), [{ name: 'only', image: 'z' }]);
});

test('$patch: replace in a map replaces the map instead of merging it', () => {
  const out = smp(deployment(), { metadata: { labels: { $patch: 'replace', tier: 'front' } } });
  assert.deepEqual(at(out, 'metadata.labels'), { tier: 'front' });
});

test('$patch: delete in a map empties it', () => {
  const out = smp(deployment(), { metadata: { annotations: { $patch: 'delete' } } });
  assert.deepEqual(at(out, 'metadata.annotations'), {});
});

test('$patch: merge in a map merges as without a directive', () => {
  const out = smp(deployment(), { metadata: { labels: { $patch: 'merge', tier: 'front' } } });
  assert.deepEqual(at(out, 'metadata.labels'), { app: 'web', tier: 'front' });
});

test('$retainKeys clears the fields it does not list: RollingUpdate to Recreate', () => {
  const out = smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } });
  assert.deepEqual(at(out, 'spec.strategy'), { type: 'Recreate' });
});

test('$retainKeys in a volume switches the volume source', () => {
  const cur = deployment({ volumes: [{ name: 'data', emptyDir: {} }] });
  const out = smp(cur, { spec: { template: { spec: { volumes: [{ name: 'data', $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' } }] } } } });
  assert.deepEqual(at(out, 'spec.template.spec.volumes'), [{ name: 'data', configMap: { name: 'cfg' } }]);
});

test('$retainKeys not naming a field the patch sets is a 400', () => {
  assert.throws(
    () => smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } }),
    (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'invalid patch format of retainKeys',
  );
});

test('finalizers merge as a set, new ones first as upstream orders them', () => {
  const cur = { ...deployment(), metadata: { name: 'web', finalizers: ['a', 'b'] } };
  const out = smp(cur, { metadata: { finalizers: ['c', 'a'] } });
  assert.deepEqual(at(out, 'metadata.finalizers'), ['c', 'a', 'b']);
});

test('$deleteFromPrimitiveList removes items from a merged primitive list', () => {
  const cur = { ...deployment(), metadata: { name: 'web', finalizers: ['a', 'b', 'c'] } };
  const out = smp(cur, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } });
  assert.deepEqual(at(out, 'metadata.finalizers'), ['a', 'c']);
});

test('ownerReferences merge by uid', () => {
  const cur = { ...deployment(), metadata: { name: 'web', ownerReferences: [{ uid: 'u1', name: 'x', kind: 'K', apiVersion: 'v1' }] } };
  const out = smp(cur, { metadata: { ownerReferences: [{ uid: 'u2', name: 'y', kind: 'K', apiVersion: 'v1' }, { uid: 'u1', controller: true }] } });
  assert.deepEqual(at(out, 'metadata.ownerReferences'), [
    { uid: 'u2', name: 'y', kind: 'K', apiVersion: 'v1' },
    { uid: 'u1', name: 'x', kind: 'K', apiVersion: 'v1', controller: true },
  ]);
});

test('lists without a merge strategy are replaced: args and tolerations', () => {
  const cur = deployment({ tolerations: [{ key: 'a', operator: 'Exists' }], containers: [{ name: 'web', image: 'x', args: ['a', 'b'] }] });
  const out = smp(cur, { spec: { template: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }], containers: [{ name: 'web', args: ['c'] }] } } } });
  assert.deepEqual(at(out, 'spec.template.spec.tolerations'), [{ key: 'b', operator: 'Exists' }]);
  assert.deepEqual(at(out, 'spec.template.spec.containers.0.args'), ['c']);
});

test('kubectl rollout restart adds a pod template annotation', () => {
  const out = smp(deployment(), { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' } } } } });
  assert.deepEqual(at(out, 'spec.template.metadata'), { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' } });
});

test('null deletes a field and the patched input objects stay unchanged', () => {
  const cur = deployment();
  const before = structuredClone(cur);
  const patch = { spec: { replicas: null } };
  const out = smp(cur, patch);
  assert.equal(at(out, 'spec.replicas'), undefined);
  assert.ok(!('replicas' in (out.spec as Obj)));
  assert.deepEqual(cur, before);
  assert.deepEqual(patch, { spec: { replicas: null } });
});

test('nulls inside a map the patch introduces are dropped', () => {
  const out = smp(deployment(), { spec: { template: { spec: { nodeSelector: { disk: 'ssd', zone: null } } } } });
  assert.deepEqual(at(out, 'spec.template.spec.nodeSelector'), { disk: 'ssd' });
});

const node = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1' },
  spec: { podCIDR: '10.0.0.0/24', taints: [{ key: 'a', effect: 'NoSchedule' }] },
  status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'False' }] },
});

test('cordon sets spec.unschedulable and uncordon removes it', () => {
  const cordoned = smp(node(), { spec: { unschedulable: true } }, NODE);
  assert.equal(at(cordoned, 'spec.unschedulable'), true);
  const uncordoned = smp(cordoned, { spec: { unschedulable: null } }, NODE);
  assert.deepEqual(uncordoned.spec, { podCIDR: '10.0.0.0/24', taints: [{ key: 'a', effect: 'NoSchedule' }] });
});

test('kubectl taint replaces the whole taints list', () => {
  const out = smp(node(), { spec: { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', value: 'x', effect: 'NoExecute' }] } }, NODE);
  assert.deepEqual(at(out, 'spec.taints'), [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', value: 'x', effect: 'NoExecute' }]);
  const removed = smp(node(), { spec: { taints: [] } }, NODE);
  assert.deepEqual(at(removed, 'spec.taints'), []);
});

test('node conditions merge by type', () => {
  const out = smp(node(), { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletDown' }] } }, NODE);
  assert.deepEqual(at(out, 'status.conditions'), [
    { type: 'Ready', status: 'False', reason: 'KubeletDown' },
    { type: 'MemoryPressure', status: 'False' },
  ]);
});

test('service ports merge by port', () => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] } };
  const out = smp(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443, targetPort: 8443 }] } }, SERVICE);
  assert.deepEqual(at(out, 'spec.ports'), [
    { port: 80, targetPort: 9090, protocol: 'TCP' },
    { port: 443, targetPort: 8443 },
  ]);
});

test('pod volumeMounts merge by mountPath and imagePullSecrets by name', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { imagePullSecrets: [{ name: 'r1' }], containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'v', mountPath: '/data' }] }] },
  };
  const out = smp(pod, { spec: { imagePullSecrets: [{ name: 'r2' }], containers: [{ name: 'c', volumeMounts: [{ mountPath: '/data', readOnly: true }] }] } }, POD);
  assert.deepEqual(at(out, 'spec.imagePullSecrets'), [{ name: 'r2' }, { name: 'r1' }]);
  assert.deepEqual(at(out, 'spec.containers.0.volumeMounts'), [{ name: 'v', mountPath: '/data', readOnly: true }]);
});

test('directives inside values the patch adds never reach the result', () => {
  const out = smp(deployment(), {
    spec: { template: { spec: { initContainers: [{ name: 'i', image: 'busybox' }, { name: 'gone', $patch: 'delete' }], affinity: { $patch: 'replace', nodeAffinity: {} } } } },
  });
  assert.deepEqual(at(out, 'spec.template.spec.initContainers'), [{ name: 'i', image: 'busybox' }]);
  assert.deepEqual(at(out, 'spec.template.spec.affinity'), { nodeAffinity: {} });
  assert.ok(!JSON.stringify(out).includes('$patch'));
});

test('a merged list item without its merge key is a 500 naming the key, as upstream', () => {
  assert.throws(
    () => smp(deployment(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }),
    (e: unknown) => e instanceof ApiError && e.code === 500 && e.message === 'map: map[image:x] does not contain declared merge key: name',
  );
});

test('an unknown $patch directive is an error', () => {
  assert.throws(() => smp(deployment(), { metadata: { labels: { $patch: 'frobnicate' } } }), (e: unknown) => e instanceof ApiError && e.code === 500 && /unknown patch type: frobnicate/.test(e.message));
});

test('a list of lists in a merged list is a 422', () => {
  const cur = { ...deployment(), metadata: { name: 'web', finalizers: ['a'] } };
  assert.throws(() => smp(cur, { metadata: { finalizers: [['x']] } }), (e: unknown) => e instanceof ApiError && e.code === 422 && e.reason === 'Invalid');
});

test('a malformed $deleteFromPrimitiveList key is a 400', () => {
  assert.throws(() => smp(deployment(), { metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } }), (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'invalid patch format of primitive list');
});

test('fields unknown to the schema merge as maps and replace as lists', () => {
  const cur = { ...deployment(), extra: { a: 1, list: [{ name: 'x' }] } };
  const out = smp(cur, { extra: { b: 2, list: [{ name: 'y' }] } });
  assert.deepEqual(out.extra, { a: 1, b: 2, list: [{ name: 'y' }] });
});
