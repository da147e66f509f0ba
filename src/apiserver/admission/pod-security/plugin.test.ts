import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.js';
import { ApiError } from '../../../api/errors.js';
import type { ResourceDef } from '../../../api/resource.js';
import { podResource } from '../../../api/registry/core/pod.js';
import { namespaceResource } from '../../../api/registry/core/namespace.js';
import { deploymentResource } from '../../../api/registry/apps/deployment.js';
import { cronJobResource } from '../../../api/registry/batch/cronjob.js';
import type { AdmissionAttributes, AdmissionOperation } from '../types.js';
import type { AuditAnnotationSink } from './plugin.js';
import { podSecurityAdmission } from './plugin.js';

interface Recorded {
  attrs: AdmissionAttributes & AuditAnnotationSink;
  warnings: string[];
  annotations: Record<string, string>;
}

function attrs(o: { def?: ResourceDef; op?: AdmissionOperation; sub?: string; name?: string; object?: KubeObject; old?: KubeObject; nsLabels?: Record<string, string>; pods?: KubeObject[] }): Recorded {
  const warnings: string[] = [];
  const annotations: Record<string, string> = {};
  const ns: KubeObject = { metadata: { name: 'team', labels: o.nsLabels ?? {} } };
  return {
    warnings,
    annotations,
    attrs: {
      operation: o.op ?? 'CREATE',
      def: o.def ?? podResource,
      namespace: o.def === namespaceResource ? '' : 'team',
      name: o.name ?? 'x',
      subresource: o.sub ?? '',
      object: o.object,
      oldObject: o.old,
      user: { name: 'alice', groups: ['system:authenticated'] },
      dryRun: false,
      warn: (m) => warnings.push(m),
      addAuditAnnotation: (k, v) => { annotations[k] = v; },
      get: (_g, r, _ns, n) => Promise.resolve(r === 'namespaces' && n === 'team' ? ns : undefined),
      list: (_g, r) => Promise.resolve(r === 'pods' ? (o.pods ?? []) : []),
    },
  };
}

const pod = (spec: Record<string, unknown>, name = 'x'): KubeObject => ({ metadata: { name, namespace: 'team' }, spec });
const privilegedSockPod = pod({
  containers: [{ name: 'c', image: 'nginx:1.27', securityContext: { privileged: true }, volumeMounts: [{ name: 'sock', mountPath: '/var/run/docker.sock' }] }],
  volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }],
});
const plainPod = pod({ containers: [{ name: 'nginx', image: 'nginx:1.27' }] });

const plugin = podSecurityAdmission();

function isForbidden(message: string) {
  return (e: unknown) => e instanceof ApiError && e.code === 403 && e.message === message;
}

describe('PodSecurity admission', () => {
  it('rejects a privileged pod with a hostPath volume in an enforce=baseline namespace with the upstream message', async () => {
    const r = attrs({ object: privilegedSockPod, nsLabels: { 'pod-security.kubernetes.io/enforce': 'baseline' } });
    await assert.rejects(plugin.validate!(r.attrs), isForbidden('pods "x" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (volume "sock"), privileged (container "c" must not set securityContext.privileged=true)'));
    assert.equal(r.annotations['pod-security.kubernetes.io/enforce-policy'], 'baseline:latest');
  });

  it('admits anything in an unlabelled namespace and records privileged:latest', async () => {
    const r = attrs({ object: privilegedSockPod });
    await plugin.validate!(r.attrs);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.annotations['pod-security.kubernetes.io/enforce-policy'], 'privileged:latest');
  });

  it('warns with the restricted violations in a warn=restricted namespace but admits the pod', async () => {
    const r = attrs({ object: plainPod, nsLabels: { 'pod-security.kubernetes.io/warn': 'restricted' } });
    await plugin.validate!(r.attrs);
    assert.deepEqual(r.warnings, [
      'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]);
  });

  it('does not warn about a pod that is already rejected', async () => {
    const r = attrs({ object: privilegedSockPod, nsLabels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' } });
    await assert.rejects(plugin.validate!(r.attrs));
    assert.deepEqual(r.warnings, []);
  });

  it('records audit violations as an audit annotation', async () => {
    const r = attrs({ object: plainPod, nsLabels: { 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'v1.30' } });
    await plugin.validate!(r.attrs);
    assert.match(r.annotations['pod-security.kubernetes.io/audit-violations'] ?? '', /^would violate PodSecurity "restricted:v1.30": allowPrivilegeEscalation != false/);
    assert.deepEqual(r.warnings, []);
  });

  it('only warns, never rejects, a Deployment whose template violates the enforced level', async () => {
    const deploy: KubeObject = { metadata: { name: 'd', namespace: 'team' }, spec: { template: { metadata: {}, spec: privilegedSockPod.spec } } };
    const r = attrs({ def: deploymentResource, name: 'd', object: deploy, nsLabels: { 'pod-security.kubernetes.io/enforce': 'baseline' } });
    await plugin.validate!(r.attrs);
    assert.deepEqual(r.warnings, ['would violate PodSecurity "baseline:latest": hostPath volumes (volume "sock"), privileged (container "c" must not set securityContext.privileged=true)']);
  });

  it('reads a CronJob template under spec.jobTemplate', async () => {
    const cj: KubeObject = { metadata: { name: 'cj' }, spec: { jobTemplate: { spec: { template: { spec: { hostNetwork: true, containers: [{ name: 'c', image: 'a:1' }] } } } } } };
    const r = attrs({ def: cronJobResource, name: 'cj', object: cj, nsLabels: { 'pod-security.kubernetes.io/warn': 'baseline' } });
    await plugin.validate!(r.attrs);
    assert.deepEqual(r.warnings, ['would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)']);
  });

  it('ignores status updates and updates that do not change images', async () => {
    const labels = { 'pod-security.kubernetes.io/enforce': 'baseline' };
    await plugin.validate!(attrs({ op: 'UPDATE', sub: 'status', object: privilegedSockPod, old: privilegedSockPod, nsLabels: labels }).attrs);
    const relabelled = { ...privilegedSockPod, metadata: { ...privilegedSockPod.metadata, labels: { a: 'b' } } };
    await plugin.validate!(attrs({ op: 'UPDATE', object: relabelled, old: privilegedSockPod, nsLabels: labels }).attrs);
    const newImage = pod({ ...(privilegedSockPod.spec as Record<string, unknown>), containers: [{ name: 'c', image: 'nginx:1.28', securityContext: { privileged: true } }] });
    await assert.rejects(plugin.validate!(attrs({ op: 'UPDATE', object: newImage, old: privilegedSockPod, nsLabels: labels }).attrs), isForbidden('pods "x" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (volume "sock"), privileged (container "c" must not set securityContext.privileged=true)'));
  });

  it('judges pods added through the ephemeralcontainers subresource', async () => {
    const debugged = pod({ ...(plainPod.spec as Record<string, unknown>), ephemeralContainers: [{ name: 'dbg', image: 'busybox:1', securityContext: { privileged: true } }] });
    await assert.rejects(
      plugin.validate!(attrs({ op: 'UPDATE', sub: 'ephemeralcontainers', object: debugged, old: plainPod, nsLabels: { 'pod-security.kubernetes.io/enforce': 'baseline' } }).attrs),
      isForbidden('pods "x" is forbidden: violates PodSecurity "baseline:latest": privileged (container "dbg" must not set securityContext.privileged=true)'),
    );
  });

  it('rejects a namespace with an invalid level or version label as 422', async () => {
    const ns: KubeObject = { metadata: { name: 'bad', labels: { 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/warn-version': '1.25' } } };
    await assert.rejects(plugin.validate!(attrs({ def: namespaceResource, name: 'bad', object: ns }).attrs), (e: unknown) => e instanceof ApiError && e.code === 422 &&
      e.message === 'Namespace "bad" is invalid: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted, metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "1.25": must be "latest" or "v1.x"]');
  });

  it('warns about existing violating pods when a namespace update tightens enforce', async () => {
    const old: KubeObject = { metadata: { name: 'team', labels: {} } };
    const next: KubeObject = { metadata: { name: 'team', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } };
    const pods = [pod(privilegedSockPod.spec as Record<string, unknown>, 'b'), pod(privilegedSockPod.spec as Record<string, unknown>, 'a'), pod({ hostPID: true, containers: [{ name: 'c', image: 'x:1' }] }, 'h'), pod(plainPod.spec as Record<string, unknown>, 'ok')];
    const r = attrs({ def: namespaceResource, op: 'UPDATE', name: 'team', object: next, old, pods });
    await plugin.validate!(r.attrs);
    assert.deepEqual(r.warnings, [
      'existing pods in namespace "team" violate the new PodSecurity enforce level "baseline:latest"',
      'a (and 1 other pod): hostPath volumes, privileged',
      'h: host namespaces',
    ]);
  });

  it('does not re-check pods when the enforce level is relaxed', async () => {
    const old: KubeObject = { metadata: { name: 'team', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } };
    const next: KubeObject = { metadata: { name: 'team', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } };
    const r = attrs({ def: namespaceResource, op: 'UPDATE', name: 'team', object: next, old, pods: [privilegedSockPod] });
    await plugin.validate!(r.attrs);
    assert.deepEqual(r.warnings, []);
  });
});
