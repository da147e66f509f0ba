import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { ApiError } from '../../api/errors.js';
import { podResource } from '../../api/registry/core/pod.js';
import { aggregate, limitRanger, mutatePod, validateClaim, validatePod } from './limit-ranger.js';
import type { AdmissionAttributes } from './types.js';
import { anonymousUser } from '../authn/types.js';

function lr(limits: Record<string, unknown>[], ns = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr', namespace: ns }, spec: { limits } };
}

function pod(containers: Record<string, unknown>[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default' }, spec: { containers } };
}

const containerDefaults = lr([{ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, defaultRequest: { cpu: '250m', memory: '64Mi' } }]);

test('containers without resources get the default limits and requests and the annotation says so', () => {
  const p = pod([{ name: 'nginx', image: 'nginx' }]);
  mutatePod(containerDefaults, p);
  const c = (p.spec as { containers: { resources: unknown }[] }).containers[0];
  assert.deepEqual(c?.resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } });
  assert.equal(p.metadata.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container nginx; cpu, memory limit for container nginx');
});

test('stated resources are kept and only missing ones are defaulted', () => {
  const p = pod([{ name: 'a', image: 'x', resources: { requests: { cpu: '100m' }, limits: { cpu: '200m' } } }]);
  (p.spec as { initContainers?: unknown[] }).initContainers = [{ name: 'init', image: 'x' }];
  mutatePod(containerDefaults, p);
  const spec = p.spec as { containers: { resources: unknown }[]; initContainers: { resources: unknown }[] };
  assert.deepEqual(spec.containers[0]?.resources, { limits: { cpu: '200m', memory: '128Mi' }, requests: { cpu: '100m', memory: '64Mi' } });
  assert.deepEqual(spec.initContainers[0]?.resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } });
  assert.equal(p.metadata.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: memory request for container a; memory limit for container a; cpu, memory request for init container init; cpu, memory limit for init container init');
});

test('a limit above the Container max is reported as upstream words it', () => {
  const errs = validatePod(lr([{ type: 'Container', max: { cpu: '500m' } }]), pod([{ name: 'a', resources: { limits: { cpu: '1' }, requests: { cpu: '1' } } }]));
  assert.deepEqual(errs, ['maximum cpu usage per Container is 500m, but limit is 1']);
});

test('min, missing limits and ratio violations are all reported', () => {
  const range = lr([{ type: 'Container', min: { memory: '64Mi' }, max: { cpu: '2' }, maxLimitRequestRatio: { cpu: '2' } }]);
  const errs = validatePod(range, pod([{ name: 'a', resources: { requests: { cpu: '100m', memory: '32Mi' } } }]));
  assert.deepEqual(errs, [
    'minimum memory usage per Container is 64Mi, but request is 32Mi',
    'maximum cpu usage per Container is 2.  No limit is specified',
    'cpu max limit to request ratio per Container is 2, but no limit is specified or limit is 0',
  ]);
  const ratio = validatePod(range, pod([{ name: 'a', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1' } } }]));
  assert.deepEqual(ratio, ['cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000']);
});

test('Pod limits apply to the sum of the containers', () => {
  const range = lr([{ type: 'Pod', max: { memory: '100Mi' } }]);
  const p = pod([
    { name: 'a', resources: { limits: { memory: '64Mi' }, requests: { memory: '64Mi' } } },
    { name: 'b', resources: { limits: { memory: '64Mi' }, requests: { memory: '64Mi' } } },
  ]);
  assert.deepEqual(validatePod(range, p), ['maximum memory usage per Pod is 100Mi, but limit is 128Mi']);
});

test('claims must request storage within the PersistentVolumeClaim bounds', () => {
  const range = lr([{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '2Gi' } }]);
  const claim = (storage: string): KubeObject => ({ metadata: { name: 'c' }, spec: { resources: { requests: { storage } } } });
  assert.deepEqual(validateClaim(range, claim('5Gi')), ['maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi']);
  assert.deepEqual(validateClaim(range, claim('512Mi')), ['minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 512Mi']);
  assert.deepEqual(validateClaim(range, claim('1Gi')), []);
});

test('several violations aggregate in brackets, duplicates once', () => {
  assert.equal(aggregate(['a']), 'a');
  assert.equal(aggregate(['a', 'b', 'a']), '[a, b]');
});

function attrs(op: 'CREATE' | 'UPDATE', obj: KubeObject, ranges: KubeObject[]): AdmissionAttributes {
  return {
    operation: op,
    def: podResource,
    namespace: 'default',
    name: obj.metadata.name ?? '',
    subresource: '',
    object: obj,
    user: anonymousUser,
    dryRun: false,
    get: () => Promise.resolve(undefined),
    list: () => Promise.resolve([...ranges, lr([{ type: 'Container', max: { cpu: '1m' } }], 'other')]),
    warn: () => undefined,
  };
}

test('the plugin defaults on create and forbids the pod naming the plugin rule', async () => {
  const range = lr([{ type: 'Container', max: { cpu: '500m' }, default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } }]);
  const ok = pod([{ name: 'a', image: 'x' }]);
  await limitRanger.admit!(attrs('CREATE', ok, [range]));
  await limitRanger.validate!(attrs('CREATE', ok, [range]));
  const bad = pod([{ name: 'a', image: 'x', resources: { limits: { cpu: '1' } } }]);
  await assert.rejects(limitRanger.validate!(attrs('CREATE', bad, [range])), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 403);
    assert.equal(e.message, 'pods "x" is forbidden: maximum cpu usage per Container is 500m, but limit is 1');
    return true;
  });
});

test('pod updates are neither defaulted nor checked', async () => {
  const range = lr([{ type: 'Container', max: { cpu: '500m' }, default: { cpu: '500m' } }]);
  const p = pod([{ name: 'a', image: 'x', resources: { limits: { cpu: '1' } } }]);
  await limitRanger.admit!(attrs('UPDATE', p, [range]));
  await limitRanger.validate!(attrs('UPDATE', p, [range]));
  assert.equal(p.metadata.annotations, undefined);
});
