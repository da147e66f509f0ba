/**
 * A pod's ServiceAccount identity end to end, on the local node with kubectl 1.33: ServiceAccount
 * admission gives a pod running as `mysa` the projected kube-api-access volume (bound token,
 * ca.crt, namespace), and a python3 client inside the pod calls the API server through the
 * kubernetes Service with that token: 403 until a `read-pods` RoleBinding grants mysa the
 * pod-reader Role, 200 after. The API server listens on 0.0.0.0 and the client dials the address
 * the kubernetes Endpoints advertise (Kubeling has no Service proxy for 10.96.0.1 yet); the
 * server certificate covers that address, so ca.crt verifies it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, type Cluster } from './harness.js';

const root = process.getuid?.() === 0;

const clientPod = `
apiVersion: v1
kind: Pod
metadata: { name: api-client }
spec:
  serviceAccountName: mysa
  containers:
  - name: main
    image: python
    command: ['/usr/bin/python3', '-c', 'import signal, sys, time; signal.signal(signal.SIGTERM, lambda *a: sys.exit(0)); time.sleep(600)']
`;

// Lists the pod's own namespace's pods with the mounted token, verifying the server with the mounted CA.
const CALL_API = `
import ssl, sys, urllib.request, urllib.error
d = '/var/run/secrets/kubernetes.io/serviceaccount'
token = open(d + '/token').read()
ns = open(d + '/namespace').read()
ctx = ssl.create_default_context(cafile=d + '/ca.crt')
url = 'https://%s:%s/api/v1/namespaces/%s/pods' % (sys.argv[1], sys.argv[2], ns)
req = urllib.request.Request(url, headers={'Authorization': 'Bearer ' + token})
try:
    print(urllib.request.urlopen(req, context=ctx, timeout=10).status)
except urllib.error.HTTPError as e:
    print(e.code)
`;

describe('ServiceAccount token in a pod (process runtime)', { skip: !root && 'needs root (pod network namespaces and Service DNAT)' }, () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ localNode: true, extraArgs: ['--bind-address', '0.0.0.0'] });
  });
  after(async () => {
    await c?.kubectl(['delete', 'pods', '--all', '--grace-period=1', '--timeout=60s']);
    await c?.stop();
  });

  it('a pod running as mysa gets the kube-api-access volume mounted in its container', async () => {
    await c.k(['create', 'serviceaccount', 'mysa']);
    await c.k(['apply', '-f', '-'], { input: clientPod });
    const pod = JSON.parse(await c.k(['get', 'pod', 'api-client', '-o', 'json'])) as {
      spec: { serviceAccountName: string; volumes: { name: string; projected?: { sources: Record<string, unknown>[] } }[]; containers: { volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[] }[] };
    };
    assert.equal(pod.spec.serviceAccountName, 'mysa');
    const vol = pod.spec.volumes.find((v) => /^kube-api-access-[a-z0-9]{5}$/.test(v.name));
    assert.ok(vol?.projected, 'the projected token volume');
    assert.deepEqual(vol.projected.sources.map((s) => Object.keys(s)[0]), ['serviceAccountToken', 'configMap', 'downwardAPI']);
    assert.deepEqual(pod.spec.containers[0]?.volumeMounts, [{ name: vol.name, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }]);
    await c.k(['wait', '--for=condition=Ready', 'pod/api-client', '--timeout=45s']);
  });

  it('the pod calls the API with its mounted token: 403 before the read-pods RoleBinding, 200 after', async () => {
    const ep = JSON.parse(await c.k(['get', 'endpoints', 'kubernetes', '-o', 'json'])) as { subsets: { addresses: { ip: string }[]; ports: { port: number }[] }[] };
    const host = ep.subsets[0]?.addresses[0]?.ip ?? '';
    const port = String(ep.subsets[0]?.ports[0]?.port ?? '');
    const call = async (): Promise<string> => (await c.k(['exec', 'api-client', '--', '/usr/bin/python3', '-c', CALL_API, host, port])).trim();
    assert.equal(await call(), '403');
    await c.k(['create', 'role', 'pod-reader', '--verb=get,list,watch', '--resource=pods']);
    await c.k(['create', 'rolebinding', 'read-pods', '--role=pod-reader', '--serviceaccount=default:mysa']);
    await waitFor(async () => (await call()) === '200', 15_000, 'the pod to be allowed to list pods');
  });
});
