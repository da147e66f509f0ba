import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';
import { computeSubsets, desiredEndpoints, truncateSubsets } from './subsets.js';

function pod(name: string, ip: string, o: { ready?: boolean; deleting?: boolean; phase?: string; ports?: { name: string; containerPort: number }[]; node?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: o.node ?? 'n1', containers: [{ name: 'c', image: 'x', ports: o.ports }] },
    status: { phase: o.phase ?? 'Running', podIP: ip, conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

function svc(spec: Record<string, unknown> = {}): Service {
  return { metadata: { name: 'web', namespace: 'ns', labels: { tier: 'front' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec } };
}

test('ready pods become addresses and unready ones notReadyAddresses', () => {
  const r = computeSubsets(svc(), [pod('a', '10.0.0.2'), pod('b', '10.0.0.1'), pod('c', '10.0.0.3', { ready: false })]);
  assert.equal(r.subsets.length, 1);
  const ss = r.subsets[0]!;
  assert.deepEqual(ss.addresses?.map((a) => a.ip), ['10.0.0.1', '10.0.0.2']);
  assert.deepEqual(ss.notReadyAddresses?.map((a) => a.ip), ['10.0.0.3']);
  assert.deepEqual(ss.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(ss.addresses?.[0], { ip: '10.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'uid-b' } });
});

test('terminating, terminal and IP-less pods are left out', () => {
  const r = computeSubsets(svc(), [pod('a', '10.0.0.1', { deleting: true }), pod('b', '10.0.0.2', { phase: 'Succeeded' }), pod('c', '')]);
  assert.deepEqual(r.subsets, []);
});

test('publishNotReadyAddresses lists unready and terminating pods as ready addresses', () => {
  const r = computeSubsets(svc({ publishNotReadyAddresses: true }), [pod('a', '10.0.0.1', { ready: false }), pod('b', '10.0.0.2', { deleting: true })]);
  assert.deepEqual(r.subsets[0]?.addresses?.map((a) => a.ip), ['10.0.0.1', '10.0.0.2']);
  assert.equal(r.subsets[0]?.notReadyAddresses, undefined);
});

test('a named targetPort resolves per pod and pods with different numbers get separate subsets', () => {
  const s = svc({ ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] });
  const r = computeSubsets(s, [
    pod('a', '10.0.0.1', { ports: [{ name: 'web', containerPort: 8080 }] }),
    pod('b', '10.0.0.2', { ports: [{ name: 'web', containerPort: 9090 }] }),
    pod('c', '10.0.0.3', { ports: [{ name: 'other', containerPort: 1 }] }),
  ]);
  assert.equal(r.subsets.length, 2);
  assert.deepEqual(r.subsets.map((x) => [x.addresses?.[0]?.ip, x.ports?.[0]?.port]), [['10.0.0.1', 8080], ['10.0.0.2', 9090]]);
});

test('a headless Service without ports still lists its pods', () => {
  const r = computeSubsets(svc({ clusterIP: 'None', ports: undefined }), [pod('a', '10.0.0.1')]);
  assert.deepEqual(r.subsets, [{ addresses: [{ ip: '10.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } }] }]);
});

test('more than 1000 addresses are truncated, ready ones first', () => {
  const addrs = Array.from({ length: 1001 }, (_, i) => ({ ip: `10.0.${Math.floor(i / 250)}.${i % 250}` }));
  const r = truncateSubsets([{ notReadyAddresses: [{ ip: '10.9.9.9' }], addresses: addrs }]);
  assert.equal(r.truncated, true);
  assert.equal(r.subsets[0]?.addresses?.length, 1000);
  assert.equal(r.subsets[0]?.notReadyAddresses, undefined);
});

test('desired Endpoints copy the Service labels, mark headless Services and carry the trigger time', () => {
  const s = svc({ clusterIP: 'None' });
  const d = desiredEndpoints(s, undefined, [], '2024-01-01T00:00:00Z');
  assert.deepEqual(d?.metadata.labels, { tier: 'front', 'service.kubernetes.io/headless': '' });
  assert.equal(d?.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'], '2024-01-01T00:00:00Z');
  assert.deepEqual(d?.subsets, []);
});

test('unchanged Endpoints are not rewritten', () => {
  const s = svc();
  const { subsets } = computeSubsets(s, [pod('a', '10.0.0.1')]);
  const cur: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'ns', labels: { tier: 'front' }, resourceVersion: '5' }, subsets };
  assert.equal(desiredEndpoints(s, cur, subsets, '2024-01-01T00:00:00Z'), undefined);
  const changed = desiredEndpoints(s, cur, [], undefined);
  assert.equal(changed?.metadata.resourceVersion, '5');
});
