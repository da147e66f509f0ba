import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPod, defaultPodSpec, defaultPodTemplateSpec, defaultPullPolicy } from './pod.js';

test('pod spec defaults match SetDefaults_PodSpec', () => {
  const spec: Record<string, unknown> = { containers: [{ name: 'a', image: 'nginx:1.25' }] };
  defaultPodSpec(spec);
  assert.deepEqual(spec, {
    containers: [
      { name: 'a', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} },
    ],
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
  });
});

test('enableServiceLinks defaults on pods (SetDefaults_Pod) but not on templates', () => {
  const pod: Record<string, unknown> = { spec: { containers: [{ name: 'a', image: 'x' }] } };
  defaultPod(pod);
  assert.equal((pod.spec as Record<string, unknown>).enableServiceLinks, true);
  const tmpl: Record<string, unknown> = { spec: { containers: [{ name: 'a', image: 'x' }] } };
  defaultPodTemplateSpec(tmpl);
  assert.equal((tmpl.spec as Record<string, unknown>).enableServiceLinks, undefined);
});

test('pull policy is Always for latest or untagged images, IfNotPresent otherwise', () => {
  assert.equal(defaultPullPolicy('nginx'), 'Always');
  assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultPullPolicy('localhost:5000/nginx'), 'Always');
  assert.equal(defaultPullPolicy('localhost:5000/nginx:1.0'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('nginx@sha256:abcd'), 'IfNotPresent');
});

test('explicit values are kept', () => {
  const pod: Record<string, unknown> = { spec: { restartPolicy: 'Never', containers: [{ name: 'a', image: 'x', imagePullPolicy: 'Never' }], enableServiceLinks: false } };
  defaultPod(pod);
  const spec = pod.spec as Record<string, unknown>;
  assert.equal(spec.restartPolicy, 'Never');
  assert.equal(spec.enableServiceLinks, false);
  assert.equal((spec.containers as Record<string, unknown>[])[0]?.imagePullPolicy, 'Never');
});

test('ports default to TCP and probes get upstream timings', () => {
  const spec: Record<string, unknown> = {
    containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 } } }],
  };
  defaultPodSpec(spec);
  const c = (spec.containers as Record<string, unknown>[])[0] ?? {};
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  assert.deepEqual(c.readinessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
});

test('volumes without a source become emptyDir; secret volumes get mode 0644', () => {
  const spec: Record<string, unknown> = { containers: [], volumes: [{ name: 'a' }, { name: 'b', secret: { secretName: 's' } }] };
  defaultPodSpec(spec);
  assert.deepEqual(spec.volumes, [{ name: 'a', emptyDir: {} }, { name: 'b', secret: { secretName: 's', defaultMode: 420 } }]);
});

test('pods (not templates) default requests to limits', () => {
  const limits = { cpu: '500m', memory: '64Mi' };
  const pod: Record<string, unknown> = { spec: { containers: [{ name: 'a', image: 'x', resources: { limits } }] } };
  defaultPod(pod);
  const podRes = ((pod.spec as Record<string, unknown>).containers as Record<string, Record<string, unknown>>[])[0]?.resources;
  assert.deepEqual(podRes?.requests, limits);
  const tmpl: Record<string, unknown> = { spec: { containers: [{ name: 'a', image: 'x', resources: { limits } }] } };
  defaultPodTemplateSpec(tmpl);
  const tRes = ((tmpl.spec as Record<string, unknown>).containers as Record<string, Record<string, unknown>>[])[0]?.resources;
  assert.equal(tRes?.requests, undefined);
});

test('hostNetwork pods default hostPort to containerPort', () => {
  const spec: Record<string, unknown> = { hostNetwork: true, containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 8080 }] }] };
  defaultPodSpec(spec);
  assert.deepEqual((spec.containers as Record<string, unknown>[])[0]?.ports, [{ containerPort: 8080, protocol: 'TCP', hostPort: 8080 }]);
});
