/**
 * Pod Security admission and Kubeling's image policy as kubectl 1.33 sees them: namespace labels
 * select the standard, enforce rejects with upstream's message, warn and templates print
 * `Warning:` lines, and the image policy warns about floating tags or rejects when enforced.
 * Pods need not run, so the cluster has no node.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster } from './harness.js';

const namespace = (name: string, labels: Record<string, string>) =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels:\n${Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`).join('\n')}\n`;

const dockerSockPod = `apiVersion: v1
kind: Pod
metadata:
  name: sock
spec:
  containers:
  - name: c
    image: docker:27.3
    resources: {requests: {cpu: 10m}}
    volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]
  volumes:
  - name: sock
    hostPath: {path: /var/run/docker.sock}
`;

const privilegedDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: privd
spec:
  selector: {matchLabels: {app: privd}}
  template:
    metadata: {labels: {app: privd}}
    spec:
      containers:
      - name: c
        image: nginx:1.27
        resources: {requests: {cpu: 10m}}
        securityContext: {privileged: true}
`;

describe('pod security and image policy', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster();
    await c.k(['apply', '-f', '-'], { input: namespace('base', { 'pod-security.kubernetes.io/enforce': 'baseline' }) });
    await c.k(['apply', '-f', '-'], { input: namespace('warned', { 'pod-security.kubernetes.io/warn': 'restricted' }) });
  });
  after(async () => {
    await c?.stop();
  });

  it('an enforce=baseline namespace rejects a privileged pod with the upstream message', async () => {
    const r = await c.kubectl(['run', 'priv', '-n', 'base', '--image=nginx:1.27', '--privileged']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(Forbidden\): pods "priv" is forbidden: violates PodSecurity "baseline:latest": privileged \(container "priv" must not set securityContext\.privileged=true\)/);
  });

  it('an enforce=baseline namespace rejects a docker.sock hostPath pod', async () => {
    const r = await c.kubectl(['create', '-n', 'base', '-f', '-'], { input: dockerSockPod });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /pods "sock" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes \(volume "sock"\)/);
  });

  it('a warn=restricted namespace admits the pod and prints the restricted violations', async () => {
    const r = await c.kubectl(['run', 'loose', '-n', 'warned', '--image=nginx:1.27', '--overrides={"spec":{"containers":[{"name":"loose","image":"nginx:1.27","resources":{"requests":{"cpu":"10m"}}}]}}']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pod\/loose created/);
    assert.match(r.stderr, /Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "loose" must set securityContext\.allowPrivilegeEscalation=false\), unrestricted capabilities \(container "loose" must set securityContext\.capabilities\.drop=\["ALL"\]\), runAsNonRoot != true/);
  });

  it('a Deployment with a privileged template in an enforce=baseline namespace is created with a warning', async () => {
    const r = await c.kubectl(['apply', '-n', 'base', '-f', '-'], { input: privilegedDeployment });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment\.apps\/privd created/);
    assert.match(r.stderr, /Warning: would violate PodSecurity "baseline:latest": privileged \(container "c" must not set securityContext\.privileged=true\)/);
  });

  it('labelling a namespace with a stricter enforce level warns about its existing pods', async () => {
    await c.k(['create', 'namespace', 'relabel']);
    await c.k(['create', '-n', 'relabel', '-f', '-'], { input: dockerSockPod });
    const r = await c.kubectl(['label', 'namespace', 'relabel', 'pod-security.kubernetes.io/enforce=baseline']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: existing pods in namespace "relabel" violate the new PodSecurity enforce level "baseline:latest"/);
    assert.match(r.stderr, /Warning: sock: hostPath volumes/);
  });

  it('an invalid level label is rejected as invalid', async () => {
    const r = await c.kubectl(['label', 'namespace', 'relabel', '--overwrite', 'pod-security.kubernetes.io/enforce=strict']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Namespace "relabel" is invalid: metadata\.labels\[pod-security\.kubernetes\.io\/enforce\]: Invalid value: "strict": must be one of privileged, baseline, restricted/);
  });

  it('kubectl run with nginx:latest prints the latest-tag warning', async () => {
    const r = await c.kubectl(['run', 'x', '--image=nginx:latest']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: ImagePolicy: container "x": image "nginx:latest" uses the latest tag, pin a version or digest/);
    assert.match(r.stderr, /Warning: ImagePolicy: container "x": no resource requests/);
  });

  it('a namespace enforcing the image policy rejects a floating image naming the plugin', async () => {
    await c.k(['apply', '-f', '-'], { input: namespace('pinned', { 'kubeling.dev/image-policy': 'enforce' }) });
    const r = await c.kubectl(['run', 'y', '-n', 'pinned', '--image=nginx', '--overrides={"spec":{"containers":[{"name":"y","image":"nginx","resources":{"requests":{"cpu":"10m"}}}]}}']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(Forbidden\): pods "y" is forbidden: ImagePolicy: container "y": image "nginx" has no tag \(which means latest\), pin a version or digest/);
    const ok = await c.kubectl(['run', 'z', '-n', 'pinned', '--image=nginx:1.27', '--overrides={"spec":{"containers":[{"name":"z","image":"nginx:1.27","resources":{"requests":{"cpu":"10m"}}}]}}']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.doesNotMatch(ok.stderr, /Warning/);
  });
});
