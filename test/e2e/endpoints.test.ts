/**
 * Endpoints, EndpointSlices, default ServiceAccounts and kube-root-ca.crt driven by kubectl 1.33.
 * Needs the endpoint, endpointslice, serviceaccount and root-ca-cert-publisher controllers wired
 * into startControllers. The test plays the kubelet: pods are bound to a node no agent runs and
 * their status (IP, Ready) is written through the status subresource.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, type Cluster } from './harness.js';

describe('endpoints controllers', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
  });

  it('a new namespace gets the default ServiceAccount and kube-root-ca.crt', async () => {
    await c.k(['create', 'namespace', 'e2e-ep']);
    await waitFor(async () => (await c.kubectl(['get', 'serviceaccount', 'default', '-n', 'e2e-ep'])).code === 0, 10_000, 'default ServiceAccount');
    await waitFor(async () => (await c.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', 'e2e-ep'])).code === 0, 10_000, 'kube-root-ca.crt');
    const ca = await c.k(['get', 'configmap', 'kube-root-ca.crt', '-n', 'e2e-ep', '-o', 'jsonpath={.data.ca\\.crt}']);
    assert.match(ca, /BEGIN CERTIFICATE/);
  });

  it('the kubernetes Service has a kubernetes EndpointSlice', async () => {
    await waitFor(async () => (await c.kubectl(['get', 'endpointslice', 'kubernetes', '-n', 'default'])).code === 0, 10_000, 'kubernetes slice');
  });

  it('a Service lists its ready pods in Endpoints and EndpointSlices', async () => {
    const pod = (name: string): string => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'e2e-ep', labels: { app: 'web' } }, spec: { nodeName: 'e2e-no-agent', containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] } });
    await c.k(['create', '-f', '-'], { input: pod('web-1') });
    await c.k(['create', '-f', '-'], { input: pod('web-2') });
    for (const [name, ip, ready] of [['web-1', '10.244.0.11', 'True'], ['web-2', '10.244.0.12', 'False']] as const) {
      const status = { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready }] } };
      await c.k(['patch', 'pod', name, '-n', 'e2e-ep', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
    }
    await c.k(['create', 'service', 'clusterip', 'web', '-n', 'e2e-ep', '--tcp=80:http']);
    // `create service clusterip web` selects app=web, the pods above
    await waitFor(async () => (await c.kubectl(['get', 'endpoints', 'web', '-n', 'e2e-ep', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'])).stdout.trim() === '10.244.0.11', 10_000, 'ready address');
    const notReady = await c.k(['get', 'endpoints', 'web', '-n', 'e2e-ep', '-o', 'jsonpath={.subsets[*].notReadyAddresses[*].ip}']);
    assert.equal(notReady.trim(), '10.244.0.12');
    const slices = await c.k(['get', 'endpointslices', '-n', 'e2e-ep', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={.items[*].endpoints[*].addresses[0]}']);
    assert.deepEqual(slices.trim().split(/\s+/).sort(), ['10.244.0.11', '10.244.0.12']);
  });
});
