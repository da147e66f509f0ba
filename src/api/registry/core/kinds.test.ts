import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import type { ResourceDef } from '../../resource.js';
import { formatFieldError } from '../../field.js';
import { coreResources } from './index.js';

function def(kind: string): ResourceDef {
  const d = coreResources.find((r) => r.kind === kind);
  assert.ok(d, kind);
  return d;
}

/** default + validate, as the create path does; kubectl-style messages. */
function validate(kind: string, obj: Partial<KubeObject>): string[] {
  const o = { metadata: { name: 'x', namespace: 'default' }, ...obj } as KubeObject;
  const d = def(kind);
  d.strategy.default?.(o);
  return (d.strategy.validate?.(o) ?? []).map((e) => formatFieldError(e));
}

function update(kind: string, oldObj: Partial<KubeObject>, newObj: Partial<KubeObject>): string[] {
  const d = def(kind);
  const o = { metadata: { name: 'x' }, ...oldObj } as KubeObject;
  const n = { metadata: { name: 'x' }, ...newObj } as KubeObject;
  d.strategy.default?.(o);
  d.strategy.default?.(n);
  return (d.strategy.validateUpdate?.(n, o) ?? []).map((e) => formatFieldError(e));
}

test('short names, categories and scopes are upstream\'s', () => {
  const short = Object.fromEntries(coreResources.map((r) => [r.resource, r.shortNames ?? []]));
  assert.deepEqual(short, {
    namespaces: ['ns'], nodes: ['no'], pods: ['po'], services: ['svc'], endpoints: ['ep'], configmaps: ['cm'], secrets: [],
    serviceaccounts: ['sa'], events: ['ev'], limitranges: ['limits'], resourcequotas: ['quota'], persistentvolumes: ['pv'],
    persistentvolumeclaims: ['pvc'], podtemplates: [], replicationcontrollers: ['rc'],
  });
  assert.deepEqual(coreResources.filter((r) => r.categories?.includes('all')).map((r) => r.resource), ['pods', 'services', 'replicationcontrollers']);
  assert.deepEqual(coreResources.filter((r) => !r.namespaced).map((r) => r.resource), ['namespaces', 'nodes', 'persistentvolumes']);
});

test('every table starts with its name column (Event ends with it) and rows match the columns', () => {
  for (const r of coreResources) {
    const cols = r.strategy.columns ?? [];
    const names = cols.map((c) => c.name);
    if (r.kind === 'Event') assert.equal(names.at(-1), 'Name');
    else assert.equal(names[0], 'Name', r.kind);
    const row = r.strategy.row?.({ metadata: { name: 'x', creationTimestamp: new Date().toISOString() } }) ?? [];
    assert.equal(row.length, cols.length, r.kind);
  }
});

test('namespaces default finalizers and phase, and print NAME STATUS AGE', () => {
  const ns: KubeObject = { metadata: { name: 'team-a' } };
  def('Namespace').strategy.default?.(ns);
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.equal(def('Namespace').strategy.row?.(ns)[1], 'Active');
  assert.equal(def('Namespace').strategy.nameRule, 'label');
});

test('configmap keys must be config keys; immutable configmaps stay put', () => {
  assert.match(validate('ConfigMap', { data: { 'bad key': 'v' } })[0] ?? '', /^data\[bad key\]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '\.'/);
  assert.deepEqual(update('ConfigMap', { immutable: true, data: { a: '1' } }, { immutable: true, data: { a: '2' } }), [
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(update('ConfigMap', { data: { a: '1' } }, { data: { a: '2' } }), []);
});

test('secrets default to Opaque, fold stringData, and keep their type', () => {
  const s: KubeObject = { metadata: { name: 's', namespace: 'd' }, stringData: { user: 'admin' } };
  def('Secret').strategy.default?.(s);
  assert.equal(s.type, 'Opaque');
  assert.deepEqual(s.data, { user: 'YWRtaW4=' });
  assert.equal(s.stringData, undefined);
  assert.deepEqual(validate('Secret', { data: { k: 'not base64!' } }), ['data[k]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3']);
  assert.deepEqual(validate('Secret', { type: 'kubernetes.io/tls', data: {} }), ['data[tls.crt]: Required value', 'data[tls.key]: Required value']);
  assert.deepEqual(update('Secret', { type: 'Opaque' }, { type: 'kubernetes.io/tls' }), ['type: Invalid value: "kubernetes.io/tls": field is immutable']);
  assert.deepEqual(def('Secret').strategy.row?.({ ...s, metadata: { name: 's' } }).slice(0, 3), ['s', 'Opaque', 1]);
});

test('nodes print roles and readiness', () => {
  const n: KubeObject = {
    metadata: { name: 'n1', labels: { 'node-role.kubernetes.io/control-plane': '' } },
    spec: { unschedulable: true },
    status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.30.0' }, addresses: [{ type: 'InternalIP', address: '192.168.1.2' }] },
  };
  const row = def('Node').strategy.row?.(n) ?? [];
  assert.deepEqual([row[1], row[2], row[4], row[5], row[6], row[7]], ['Ready,SchedulingDisabled', 'control-plane', 'v1.30.0', '192.168.1.2', '<none>', '<unknown>']);
  assert.equal(def('Node').strategy.fieldSelectors?.['spec.unschedulable']?.(n), 'true');
  assert.deepEqual(validate('Node', { metadata: { name: 'n' }, spec: { taints: [{ key: 'k', effect: 'Sometimes' }] } }), [
    'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  ]);
});

test('endpoints print at most three addresses', () => {
  const ep: KubeObject = {
    metadata: { name: 'web' },
    subsets: [{ addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((ip) => ({ ip })), ports: [{ port: 80 }] }],
  };
  assert.equal(def('Endpoints').strategy.row?.(ep)[1], '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...');
  assert.deepEqual(validate('Endpoints', { subsets: [{ addresses: [{ ip: 'nope' }] }] }), ['subsets[0].addresses[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
});

test('events print the object and source', () => {
  const ev: KubeObject = {
    metadata: { name: 'p.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'default', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled', message: 'Pulled image ', type: 'Normal', source: { component: 'kubelet', host: 'n1' }, count: 3,
    firstTimestamp: new Date(Date.now() - 120_000).toISOString(), lastTimestamp: new Date(Date.now() - 60_000).toISOString(),
  };
  assert.deepEqual(def('Event').strategy.row?.(ev), ['60s', 'Normal', 'Pulled', 'pod/p', 'spec.containers{app}', 'kubelet, n1', 'Pulled image', '2m', 3, 'p.1']);
  assert.equal(def('Event').strategy.fieldSelectors?.['involvedObject.name']?.(ev), 'p');
  assert.deepEqual(validate('Event', { involvedObject: { namespace: 'other' } }), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
});

test('limit ranges order min, default and max', () => {
  assert.deepEqual(validate('LimitRange', { spec: { limits: [{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }] } }).slice(0, 1), [
    'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
  ]);
  assert.deepEqual(validate('LimitRange', { spec: { limits: [{ type: 'Thing' }] } }), [
    'spec.limits[0].type: Unsupported value: "Thing": supported values: "Container", "Pod", "PersistentVolumeClaim"',
  ]);
});

test('resource quotas print used/hard pairs', () => {
  const q: KubeObject = {
    metadata: { name: 'q' },
    spec: { hard: { 'requests.cpu': '1', 'limits.cpu': '2', pods: '10' } },
    status: { hard: { 'requests.cpu': '1', 'limits.cpu': '2', pods: '10' }, used: { 'requests.cpu': '500m', pods: '3' } },
  };
  const row = def('ResourceQuota').strategy.row?.(q) ?? [];
  assert.deepEqual([row[2], row[3]], ['pods: 3/10, requests.cpu: 500m/1', 'limits.cpu: 0/2']);
  assert.deepEqual(validate('ResourceQuota', { spec: { hard: { cpu: 'lots' } } }).length, 1);
});

test('volumes and claims need access modes and sizes', () => {
  assert.deepEqual(validate('PersistentVolume', { metadata: { name: 'pv' }, spec: { hostPath: { path: '/d' } } }), ['spec.accessModes: Required value', 'spec.capacity: Required value']);
  assert.deepEqual(validate('PersistentVolumeClaim', { spec: {} }), ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value']);
  const pvc: KubeObject = { metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
  def('PersistentVolumeClaim').strategy.default?.(pvc);
  assert.deepEqual(pvc.status, { phase: 'Pending' });
  assert.deepEqual(update('PersistentVolumeClaim', { spec: { accessModes: ['ReadWriteOnce'] } }, { spec: { accessModes: ['ReadWriteMany'] } }), [
    'spec: Forbidden: spec is immutable after creation except resources.requests for bound claims',
  ]);
});

test('replication controllers default their selector and must match the template', () => {
  const rc: KubeObject = { metadata: { name: 'rc', namespace: 'd' }, spec: { template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } };
  def('ReplicationController').strategy.default?.(rc);
  assert.deepEqual((rc.spec as Record<string, unknown>).selector, { app: 'a' });
  assert.equal((rc.spec as Record<string, unknown>).replicas, 1);
  assert.deepEqual(def('ReplicationController').strategy.validate?.(rc), []);
  const bad = validate('ReplicationController', { spec: { selector: { app: 'b' }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } });
  assert.deepEqual(bad, ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"a"}: `selector` does not match template `labels`']);
});

test('pod templates validate their pod spec', () => {
  assert.deepEqual(validate('PodTemplate', { template: { spec: { containers: [] } } }), ['template.spec.containers: Required value']);
});
