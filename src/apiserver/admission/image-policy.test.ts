import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { ApiError } from '../../api/errors.js';
import type { ResourceDef } from '../../api/resource.js';
import { podResource } from '../../api/registry/core/pod.js';
import { namespaceResource } from '../../api/registry/core/namespace.js';
import { deploymentResource } from '../../api/registry/apps/deployment.js';
import type { AdmissionAttributes, AdmissionOperation } from './types.js';
import { imageFloats, imagePolicy } from './image-policy.js';

function attrs(o: { def?: ResourceDef; op?: AdmissionOperation; object?: KubeObject; old?: KubeObject; mode?: string }): { a: AdmissionAttributes; warnings: string[] } {
  const warnings: string[] = [];
  const ns: KubeObject = { metadata: { name: 'team', labels: o.mode ? { 'kubeling.dev/image-policy': o.mode } : {} } };
  return {
    warnings,
    a: {
      operation: o.op ?? 'CREATE',
      def: o.def ?? podResource,
      namespace: 'team',
      name: o.object?.metadata.name ?? 'x',
      subresource: '',
      object: o.object,
      oldObject: o.old,
      user: { name: 'alice', groups: [] },
      dryRun: false,
      warn: (m) => warnings.push(m),
      get: () => Promise.resolve(ns),
    },
  };
}

const requests = { requests: { cpu: '100m', memory: '64Mi' } };
const pod = (containers: Record<string, unknown>[]): KubeObject => ({ metadata: { name: 'x' }, spec: { containers } });

describe('ImagePolicy admission', () => {
  it('tells floating image references from pinned ones', () => {
    assert.equal(imageFloats('nginx:latest'), 'latest');
    assert.equal(imageFloats('nginx'), 'untagged');
    assert.equal(imageFloats('registry.local:5000/team/app'), 'untagged');
    assert.equal(imageFloats('registry.local:5000/team/app:1.2'), undefined);
    assert.equal(imageFloats('nginx:latest@sha256:0123'), undefined);
    assert.equal(imageFloats('nginx@sha256:0123'), undefined);
  });

  it('warns about the latest tag, a missing tag and missing requests by default', async () => {
    const { a, warnings } = attrs({ object: pod([{ name: 'web', image: 'nginx:latest', resources: requests }, { name: 'side', image: 'busybox' }]) });
    await imagePolicy.validate!(a);
    assert.deepEqual(warnings, [
      'ImagePolicy: container "web": image "nginx:latest" uses the latest tag, pin a version or digest',
      'ImagePolicy: container "side": image "busybox" has no tag (which means latest), pin a version or digest',
      'ImagePolicy: container "side": no resource requests, set resources.requests (cpu, memory)',
    ]);
  });

  it('says nothing about a pinned image with requests or limits', async () => {
    const { a, warnings } = attrs({ object: pod([{ name: 'web', image: 'nginx:1.27', resources: requests }, { name: 'b', image: 'busybox:1.36', resources: { limits: { cpu: '1' } } }]) });
    await imagePolicy.validate!(a);
    assert.deepEqual(warnings, []);
  });

  it('rejects the pod naming the plugin when the namespace enforces the policy', async () => {
    const { a } = attrs({ mode: 'enforce', object: pod([{ name: 'web', image: 'nginx:latest', resources: requests }]) });
    await assert.rejects(imagePolicy.validate!(a), (e: unknown) => e instanceof ApiError && e.code === 403 && e.message === 'pods "x" is forbidden: ImagePolicy: container "web": image "nginx:latest" uses the latest tag, pin a version or digest');
  });

  it('is silent when the namespace turns it off', async () => {
    const { a, warnings } = attrs({ mode: 'off', object: pod([{ name: 'web', image: 'nginx' }]) });
    await imagePolicy.validate!(a);
    assert.deepEqual(warnings, []);
  });

  it('only warns about a workload template, even when enforced', async () => {
    const d: KubeObject = { metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:latest', resources: requests }] } } } };
    const { a, warnings } = attrs({ def: deploymentResource, mode: 'enforce', object: d });
    await imagePolicy.validate!(a);
    assert.deepEqual(warnings, ['ImagePolicy: container "web": image "nginx:latest" uses the latest tag, pin a version or digest (namespace "team" enforces kubeling.dev/image-policy: its pods will be rejected)']);
  });

  it('does not repeat warnings for an update that leaves the template alone', async () => {
    const d: KubeObject = { metadata: { name: 'd' }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx' }] } } } };
    const { a, warnings } = attrs({ def: deploymentResource, op: 'UPDATE', object: d, old: { ...d, spec: { ...(d.spec as object), replicas: 1 } } });
    await imagePolicy.validate!(a);
    assert.deepEqual(warnings, []);
  });

  it('rejects an unknown mode on a namespace as 422', async () => {
    const ns: KubeObject = { metadata: { name: 'n', labels: { 'kubeling.dev/image-policy': 'strict' } } };
    const { a } = attrs({ def: namespaceResource, object: ns });
    await assert.rejects(imagePolicy.validate!({ ...a, name: 'n', namespace: '' }), (e: unknown) => e instanceof ApiError && e.code === 422 &&
      e.message === 'Namespace "n" is invalid: metadata.labels[kubeling.dev/image-policy]: Unsupported value: "strict": supported values: "enforce", "off", "warn"');
  });
});
