import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { podResource } from '../../api/registry/core/pod.js';
import { configMapResource } from '../../api/registry/core/configmap.js';
import type { AdmissionAttributes } from './types.js';
import { defaultTolerationSeconds, defaultTolerationSecondsWith } from './default-toleration-seconds.js';

function attrs(object: KubeObject, over: Partial<AdmissionAttributes> = {}): AdmissionAttributes {
  return {
    operation: 'CREATE', def: podResource, namespace: 'default', name: object.metadata.name ?? '', subresource: '', object,
    user: { name: 'admin', groups: [] }, dryRun: false, get: () => Promise.resolve(undefined), warn: () => undefined, ...over,
  };
}

const pod = (tolerations?: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }], ...(tolerations ? { tolerations } : {}) } });
const tolerationsOf = (o: KubeObject): unknown => (o.spec as { tolerations?: unknown }).tolerations;

test('a pod without tolerations gets not-ready and unreachable NoExecute tolerations for 300 s', async () => {
  const p = pod();
  await defaultTolerationSeconds.admit!(attrs(p));
  assert.deepEqual(tolerationsOf(p), [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
});

test('a pod tolerating unreachable already only gets the not-ready toleration', async () => {
  const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 };
  const p = pod([own]);
  await defaultTolerationSeconds.admit!(attrs(p));
  assert.deepEqual(tolerationsOf(p), [own, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]);
});

test('a toleration with an empty key and effect covers both taints', async () => {
  const p = pod([{ operator: 'Exists' }]);
  await defaultTolerationSeconds.admit!(attrs(p));
  assert.deepEqual(tolerationsOf(p), [{ operator: 'Exists' }]);
});

test('updates and other kinds are left alone', async () => {
  const p = pod();
  await defaultTolerationSeconds.admit!(attrs(p, { operation: 'UPDATE' }));
  assert.equal(tolerationsOf(p), undefined);
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
  await defaultTolerationSeconds.admit!(attrs(cm, { def: configMapResource }));
  assert.equal(cm.spec, undefined);
});

test('the toleration seconds follow the plugin options', async () => {
  const p = pod();
  await defaultTolerationSecondsWith({ notReadySeconds: 10, unreachableSeconds: 20 }).admit!(attrs(p));
  assert.deepEqual((tolerationsOf(p) as { tolerationSeconds: number }[]).map((t) => t.tolerationSeconds), [10, 20]);
});
