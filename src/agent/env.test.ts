import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Container, Pod, Secret, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import { ContainerConfigError, expandVars, resolveEnv, serviceEnv, type EnvSources } from './env.js';

const vars = new Map([
  ['A', 'a'],
  ['EMPTY', ''],
]);
const look = (n: string) => vars.get(n);

test('$(VAR) expands to a defined variable and stays as written when undefined', () => {
  assert.equal(expandVars('x-$(A)-$(NOPE)', look), 'x-a-$(NOPE)');
  assert.equal(expandVars('[$(EMPTY)]', look), '[]');
});

test('$$ escapes a dollar, so $$(A) is the literal $(A)', () => {
  assert.equal(expandVars('$$(A) $$ $$$(A)', look), '$(A) $ $a');
});

test('a lone $, $ before other characters and an unterminated $( are kept', () => {
  assert.equal(expandVars('cost $5 $ $(A', look), 'cost $5 $ $(A');
  assert.equal(expandVars('$()', look), '$()');
});

function sources(o: { cms?: ConfigMap[]; secrets?: Secret[]; services?: Service[] } = {}): EnvSources {
  return {
    configMap: (ns, name) => Promise.resolve(o.cms?.find((c) => c.metadata?.namespace === ns && c.metadata.name === name)),
    secret: (ns, name) => Promise.resolve(o.secrets?.find((c) => c.metadata?.namespace === ns && c.metadata.name === name)),
    services: (ns) => Promise.resolve((o.services ?? []).filter((s) => s.metadata?.namespace === ns)),
  };
}

const pod = (c: Container, extra: Partial<Pod['spec']> = {}): Pod => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u-1', labels: { app: 'web' }, annotations: { note: 'hi' } },
  spec: { nodeName: 'n1', serviceAccountName: 'sa', containers: [c], ...extra },
});
const info = { podIP: '10.0.0.5', hostIP: '192.168.1.2', nodeAllocatable: { cpu: '4', memory: '8Gi' } };
const cfg: ConfigMap = { metadata: { name: 'cfg', namespace: 'default' }, data: { KEY: 'v1', 'bad key': 'x', other: 'o' } };
const sec: Secret = { metadata: { name: 's', namespace: 'default' }, data: { PASS: Buffer.from('hunter2').toString('base64') } };

test('env literals expand earlier variables, including ones from envFrom', async () => {
  const c: Container = { name: 'c', envFrom: [{ configMapRef: { name: 'cfg' } }], env: [{ name: 'X', value: 'x' }, { name: 'Y', value: '$(X)-$(KEY)-$(LATER)' }, { name: 'LATER', value: 'l' }] };
  const env = await resolveEnv(pod(c), c, info, sources({ cms: [cfg] }));
  const m = new Map(env.map((e) => [e.name, e.value]));
  assert.equal(m.get('Y'), 'x-v1-$(LATER)');
  assert.equal(m.get('KEY'), 'v1');
});

test('envFrom applies the prefix and skips keys that are not valid variable names, reporting them', async () => {
  const c: Container = { name: 'c', envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'cfg' } }, { secretRef: { name: 's' } }] };
  const warnings: string[] = [];
  const env = await resolveEnv(pod(c), c, info, sources({ cms: [cfg], secrets: [sec] }), { invalidNames: (m) => warnings.push(m) });
  const m = new Map(env.map((e) => [e.name, e.value]));
  assert.equal(m.get('CFG_KEY'), 'v1');
  assert.equal(m.get('PASS'), 'hunter2');
  assert.equal(m.has('CFG_bad key'), false);
  assert.match(warnings[0] ?? '', /Keys \[CFG_bad key\] from the EnvFrom configMap default\/cfg were skipped/);
});

test('a missing required ConfigMap key fails with kubelet\'s CreateContainerConfigError message', async () => {
  const c: Container = { name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'x' } } }] };
  await assert.rejects(resolveEnv(pod(c), c, info, sources({ cms: [cfg] })), (e: unknown) => e instanceof ContainerConfigError && e.reason === 'CreateContainerConfigError' && e.message === "couldn't find key x in ConfigMap default/cfg");
});

test('a missing ConfigMap or Secret fails as not found unless optional', async () => {
  const c: Container = { name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'x' } } }] };
  await assert.rejects(resolveEnv(pod(c), c, info, sources()), /^ContainerConfigError|configmap "nope" not found/);
  const s: Container = { name: 'c', envFrom: [{ secretRef: { name: 'gone' } }] };
  await assert.rejects(resolveEnv(pod(s), s, info, sources()), { message: 'secret "gone" not found' });
  const opt: Container = { name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'x', optional: true } } }, { name: 'Y', valueFrom: { secretKeyRef: { name: 's', key: 'nokey', optional: true } } }], envFrom: [{ configMapRef: { name: 'nope', optional: true } }] };
  const env = await resolveEnv(pod(opt), opt, info, sources({ secrets: [sec] }));
  assert.deepEqual(env, []);
});

test('a missing required Secret key names the Secret', async () => {
  const c: Container = { name: 'c', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'user' } } }] };
  await assert.rejects(resolveEnv(pod(c), c, info, sources({ secrets: [sec] })), { message: "couldn't find key user in Secret default/s" });
});

test('fieldRef resolves pod metadata, spec and status fields', async () => {
  const f = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  const c: Container = { name: 'c', env: [f('N', 'metadata.name'), f('NS', 'metadata.namespace'), f('UID', 'metadata.uid'), f('APP', "metadata.labels['app']"), f('NOTE', "metadata.annotations['note']"), f('NODE', 'spec.nodeName'), f('SA', 'spec.serviceAccountName'), f('PIP', 'status.podIP'), f('HIP', 'status.hostIP')] };
  const env = await resolveEnv(pod(c), c, info, sources());
  assert.deepEqual(Object.fromEntries(env.map((e) => [e.name, e.value])), { N: 'p', NS: 'default', UID: 'u-1', APP: 'web', NOTE: 'hi', NODE: 'n1', SA: 'sa', PIP: '10.0.0.5', HIP: '192.168.1.2' });
});

test('resourceFieldRef divides by the divisor rounding up and defaults limits to node allocatable', async () => {
  const r = (name: string, resource: string, divisor?: string) => ({ name, valueFrom: { resourceFieldRef: { resource, ...(divisor ? { divisor } : {}) } } });
  const c: Container = { name: 'c', resources: { limits: { memory: '128Mi' }, requests: { cpu: '250m' } }, env: [r('MEM', 'limits.memory', '1Mi'), r('CPU_REQ_M', 'requests.cpu', '1m'), r('CPU_REQ', 'requests.cpu'), r('CPU_LIM', 'limits.cpu'), r('MEM_REQ', 'requests.memory')] };
  const env = Object.fromEntries((await resolveEnv(pod(c), c, info, sources())).map((e) => [e.name, e.value]));
  assert.deepEqual(env, { MEM: '128', CPU_REQ_M: '250', CPU_REQ: '1', CPU_LIM: '4', MEM_REQ: String(128 * 1024 * 1024) });
});

const svc = (ns: string, name: string, ip: string, ports: ServicePort[]): Service => ({ metadata: { name, namespace: ns }, spec: { clusterIP: ip, ports } });

test('service links give _SERVICE_HOST/_PORT and docker link variables for the namespace\'s Services', () => {
  const env = Object.fromEntries(serviceEnv(svc('default', 'my-db', '10.96.0.9', [{ name: 'pg', port: 5432, protocol: 'TCP' }])).map((e) => [e.name, e.value]));
  assert.deepEqual(env, {
    MY_DB_SERVICE_HOST: '10.96.0.9',
    MY_DB_SERVICE_PORT: '5432',
    MY_DB_SERVICE_PORT_PG: '5432',
    MY_DB_PORT: 'tcp://10.96.0.9:5432',
    MY_DB_PORT_5432_TCP: 'tcp://10.96.0.9:5432',
    MY_DB_PORT_5432_TCP_PROTO: 'tcp',
    MY_DB_PORT_5432_TCP_PORT: '5432',
    MY_DB_PORT_5432_TCP_ADDR: '10.96.0.9',
  });
});

test('enableServiceLinks=false keeps only the kubernetes Service; headless Services and other namespaces never link', async () => {
  const services = [svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }]), svc('other', 'web', '10.96.0.7', [{ port: 80 }]), svc('other', 'hl', 'None', [{ port: 80 }]), svc('default', 'db', '10.96.0.8', [{ port: 5432 }])];
  const c: Container = { name: 'c', env: [{ name: 'WEB_SERVICE_HOST', value: 'mine' }, { name: 'U', value: '$(KUBERNETES_SERVICE_HOST)' }] };
  const p = pod(c);
  p.metadata = { ...p.metadata, namespace: 'other' };
  const on = Object.fromEntries((await resolveEnv(p, c, info, sources({ services }))).map((e) => [e.name, e.value]));
  assert.equal(on.KUBERNETES_SERVICE_HOST, '10.96.0.1');
  assert.equal(on.KUBERNETES_SERVICE_PORT, '443');
  assert.equal(on.U, '10.96.0.1');
  assert.equal(on.WEB_SERVICE_HOST, 'mine', 'the container\'s own variable wins');
  assert.equal(on.WEB_PORT, 'tcp://10.96.0.7:80');
  assert.equal(on.HL_SERVICE_HOST, undefined);
  assert.equal(on.DB_SERVICE_HOST, undefined);
  const off = Object.fromEntries((await resolveEnv({ ...p, spec: { ...p.spec, containers: [c], enableServiceLinks: false } }, c, info, sources({ services }))).map((e) => [e.name, e.value]));
  assert.equal(off.KUBERNETES_SERVICE_HOST, '10.96.0.1');
  assert.equal(off.WEB_PORT, undefined);
});
