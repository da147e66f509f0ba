import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import type { RegistryContext } from '../../resource.js';
import { formatFieldError } from '../../field.js';
import { makeServiceResource } from './service.js';

/** A RegistryContext over an in-memory list of Services. */
function fakeCtx(services: KubeObject[], dryRun = false): RegistryContext {
  return { dryRun, list: (group, resource) => Promise.resolve(group === '' && resource === 'services' ? services : []) };
}

function svc(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}

/** Runs the create path of the strategy: default, validate, allocate. */
async function create(def: ReturnType<typeof makeServiceResource>, obj: KubeObject, stored: KubeObject[]): Promise<string[]> {
  def.strategy.default?.(obj);
  const errs = def.strategy.validate?.(obj) ?? [];
  if (errs.length) return errs.map((e) => formatFieldError(e));
  const aerrs = (await def.strategy.beforeWrite?.(obj, undefined, fakeCtx(stored))) ?? [];
  if (!aerrs.length) stored.push(obj);
  return aerrs.map((e) => formatFieldError(e));
}

test('defaults follow SetDefaults_Service', () => {
  const def = makeServiceResource();
  const s = svc('web', { type: 'NodePort', ports: [{ port: 80 }] });
  def.strategy.default?.(s);
  assert.deepEqual(s.spec, {
    type: 'NodePort',
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
  });
});

test('cluster IPs are allocated from 10.96.0.0/12, skipping .1 and .10', async () => {
  const def = makeServiceResource();
  const stored: KubeObject[] = [svc('kubernetes', { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ port: 443 }] })];
  const ips: string[] = [];
  for (let i = 0; i < 10; i++) {
    const s = svc(`s${i}`, { ports: [{ port: 80 }] });
    assert.deepEqual(await create(def, s, stored), []);
    ips.push((s.spec as Record<string, unknown>).clusterIP as string);
  }
  assert.deepEqual(ips, ['10.96.0.2', '10.96.0.3', '10.96.0.4', '10.96.0.5', '10.96.0.6', '10.96.0.7', '10.96.0.8', '10.96.0.9', '10.96.0.11', '10.96.0.12']);
  const first = stored[1]?.spec as Record<string, unknown>;
  assert.deepEqual(first.clusterIPs, ['10.96.0.2']);
  assert.deepEqual(first.ipFamilies, ['IPv4']);
  assert.equal(first.ipFamilyPolicy, 'SingleStack');
});

test('the DNS address is given out when asked for explicitly', async () => {
  const def = makeServiceResource();
  const s = svc('kube-dns', { clusterIP: '10.96.0.10', ports: [{ port: 53, protocol: 'UDP' }] });
  assert.deepEqual(await create(def, s, []), []);
  assert.equal((s.spec as Record<string, unknown>).clusterIP, '10.96.0.10');
});

test('a requested IP already in use is rejected with upstream\'s message', async () => {
  const def = makeServiceResource();
  const stored: KubeObject[] = [];
  assert.deepEqual(await create(def, svc('a', { clusterIP: '10.96.0.5', ports: [{ port: 80 }] }), stored), []);
  const errs = await create(def, svc('b', { clusterIP: '10.96.0.5', ports: [{ port: 80 }] }), stored);
  assert.deepEqual(errs, ['spec.clusterIPs: Invalid value: []string{"10.96.0.5"}: failed to allocate IP 10.96.0.5: provided IP is already allocated']);
});

test('a requested IP outside the range is rejected', async () => {
  const def = makeServiceResource();
  const errs = await create(def, svc('a', { clusterIP: '192.168.0.1', ports: [{ port: 80 }] }), []);
  assert.deepEqual(errs, [
    'spec.clusterIPs: Invalid value: []string{"192.168.0.1"}: failed to allocate IP 192.168.0.1: the provided IP (192.168.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
  ]);
});

test('node ports are allocated and conflicts rejected', async () => {
  const def = makeServiceResource();
  const stored: KubeObject[] = [];
  const a = svc('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] });
  assert.deepEqual(await create(def, a, stored), []);
  const b = svc('b', { type: 'NodePort', ports: [{ name: 'http', port: 80 }, { name: 'x', port: 81 }] });
  assert.deepEqual(await create(def, b, stored), []);
  assert.deepEqual(((b.spec as Record<string, unknown>).ports as Record<string, unknown>[]).map((p) => p.nodePort), [30000, 30001]);
  const c = svc('c', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] });
  assert.deepEqual(await create(def, c, stored), ['spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated']);
  const d = svc('d', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] });
  assert.deepEqual(await create(def, d, stored), ['spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767']);
});

test('concurrent creates never receive the same address', async () => {
  const def = makeServiceResource();
  const stored: KubeObject[] = [];
  const objs = Array.from({ length: 5 }, (_, i) => svc(`c${i}`, { type: 'NodePort', ports: [{ port: 80 }] }));
  for (const o of objs) def.strategy.default?.(o);
  // None is stored until all allocations finish: only the in-process reservations prevent reuse.
  const strategy = def.strategy;
  await Promise.all(objs.map((o) => strategy.beforeWrite?.(o, undefined, fakeCtx(stored)) ?? Promise.resolve([])));
  const ips = new Set(objs.map((o) => (o.spec as Record<string, unknown>).clusterIP));
  const ports = new Set(objs.map((o) => ((o.spec as Record<string, unknown>).ports as Record<string, unknown>[])[0]?.nodePort));
  assert.equal(ips.size, 5);
  assert.equal(ports.size, 5);
});

test('dry-run allocations reserve nothing', async () => {
  const def = makeServiceResource();
  const a = svc('a', { ports: [{ port: 80 }] });
  def.strategy.default?.(a);
  await def.strategy.beforeWrite?.(a, undefined, fakeCtx([], true));
  const b = svc('b', { ports: [{ port: 80 }] });
  def.strategy.default?.(b);
  await def.strategy.beforeWrite?.(b, undefined, fakeCtx([]));
  assert.equal((b.spec as Record<string, unknown>).clusterIP, (a.spec as Record<string, unknown>).clusterIP);
});

test('headless and ExternalName services get no cluster IP', async () => {
  const def = makeServiceResource();
  const h = svc('h', { clusterIP: 'None', selector: { app: 'x' } });
  assert.deepEqual(await create(def, h, []), []);
  assert.deepEqual((h.spec as Record<string, unknown>).clusterIPs, ['None']);
  const e = svc('e', { type: 'ExternalName', externalName: 'example.com' });
  assert.deepEqual(await create(def, e, []), []);
  assert.equal((e.spec as Record<string, unknown>).clusterIP, undefined);
  const bad = svc('bad', { type: 'ExternalName', externalName: 'example.com', clusterIP: '10.96.0.3' });
  assert.deepEqual(await create(def, bad, []), ['spec.clusterIP: Forbidden: may not be set for ExternalName services']);
});

test('service names must be DNS-1035 labels and ports are required', async () => {
  const def = makeServiceResource();
  const errs = await create(def, svc('1web', {}), []);
  assert.equal(errs.length, 2);
  assert.match(errs[0] ?? '', /^metadata\.name: Invalid value: "1web": a DNS-1035 label must consist of/);
  assert.equal(errs[1], 'spec.ports: Required value');
});

test('the cluster IP may not change, and is kept when an update omits it', async () => {
  const def = makeServiceResource();
  const stored: KubeObject[] = [];
  const old = svc('a', { ports: [{ port: 80 }] });
  await create(def, old, stored);
  const omitted = svc('a', { ports: [{ port: 80 }] });
  def.strategy.default?.(omitted);
  def.strategy.prepareForUpdate?.(omitted, old);
  assert.equal((omitted.spec as Record<string, unknown>).clusterIP, '10.96.0.2');
  assert.deepEqual(def.strategy.validateUpdate?.(omitted, old), []);
  const changed = svc('a', { clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9'], ports: [{ port: 80 }] });
  def.strategy.default?.(changed);
  def.strategy.prepareForUpdate?.(changed, old);
  assert.deepEqual(def.strategy.validateUpdate?.(changed, old).map((e) => formatFieldError(e)), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.9"}: may not change once set']);
});

test('the service row reads like kubectl get svc', () => {
  const def = makeServiceResource();
  const s = svc('web', { type: 'NodePort', clusterIP: '10.96.0.2', clusterIPs: ['10.96.0.2'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }], selector: { app: 'web' } });
  s.metadata.creationTimestamp = new Date(Date.now() - 5 * 60_000).toISOString();
  assert.deepEqual(def.strategy.row?.(s), ['web', 'NodePort', '10.96.0.2', '<none>', '80:30080/TCP', '5m', 'app=web']);
  const lb = svc('lb', { type: 'LoadBalancer', clusterIP: '10.96.0.3', ports: [{ port: 443, protocol: 'TCP' }] });
  assert.equal(def.strategy.row?.(lb)[3], '<pending>');
});
