import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../client/fake-clock.js';
import { eventually } from '../../client/test-apiserver.js';
import { AgentContainerConfigurer } from './config.js';
import { VolumeManager } from './index.js';
import type { VolumeSources } from './sources.js';
import { canMount, mountPoints } from './tmpfs.js';

function fakeSources(cms: Map<string, ConfigMap>, secrets: Map<string, Secret> = new Map()): VolumeSources {
  return {
    configMap: (_ns, name) => Promise.resolve(cms.get(name)),
    secret: (_ns, name) => Promise.resolve(secrets.get(name)),
    services: () => Promise.resolve([]),
    persistentVolumeClaim: () => Promise.resolve(undefined),
    persistentVolume: () => Promise.resolve(undefined),
    serviceAccountToken: () => Promise.reject(new Error('the server could not find the requested resource')),
    nodeAllocatable: () => Promise.resolve({ cpu: '2', memory: '4Gi' }),
  };
}

const pod = (uid: string): Pod => ({
  metadata: { name: 'p', namespace: 'default', uid },
  spec: {
    containers: [{ name: 'c', volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }, { name: 'cfg', mountPath: '/etc/one', subPath: 'key' }, { name: 'scratch', mountPath: '/scratch', subPathExpr: '$(POD)' }] }],
    volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'scratch', emptyDir: {} }],
  },
});
const info = { hostIP: '127.0.0.1', nodeAllocatable: {} };

test('volumes land under <stateDir>/pods/<uid>/volumes/<plugin>/<name> and mounts honour subPath, subPathExpr and read-only', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'kubeling-vm-test-'));
  const vm = new VolumeManager({ stateDir, sources: fakeSources(new Map([['cfg', { metadata: { name: 'cfg' }, data: { key: 'v1' } }]])), mountTmpfs: false });
  try {
    const vols = await vm.setUp(pod('u1'), info);
    const base = join(stateDir, 'pods', 'u1', 'volumes');
    assert.equal(vols.get('cfg')?.path, join(base, 'kubernetes.io~configmap', 'cfg'));
    assert.equal(readFileSync(join(base, 'kubernetes.io~configmap', 'cfg', 'key'), 'utf8'), 'v1');
    const mounts = vm.mountsFor(pod('u1').spec?.containers[0] ?? { name: '' }, vols, [{ name: 'POD', value: 'p' }]);
    assert.deepEqual(mounts, [
      { hostPath: join(base, 'kubernetes.io~configmap', 'cfg'), containerPath: '/etc/cfg', readOnly: true },
      { hostPath: join(base, 'kubernetes.io~configmap', 'cfg', 'key'), containerPath: '/etc/one', readOnly: true },
      { hostPath: join(base, 'kubernetes.io~empty-dir', 'scratch', 'p'), containerPath: '/scratch', readOnly: false },
    ]);
    assert.ok(statSync(join(base, 'kubernetes.io~empty-dir', 'scratch', 'p')).isDirectory(), 'the expanded subPath exists');
    vm.tearDown('u1');
    assert.equal(existsSync(base), false);
  } finally {
    vm.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test('configMap volumes are re-synced every sync period, so an update reaches the file', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'kubeling-vm-test-'));
  const clock = new FakeClock();
  const cms = new Map([['cfg', { metadata: { name: 'cfg' }, data: { key: 'v1' } }]]);
  const vm = new VolumeManager({ stateDir, sources: fakeSources(cms), clock, syncPeriodMs: 60_000, mountTmpfs: false });
  vm.start();
  try {
    await vm.setUp(pod('u2'), info);
    const f = join(stateDir, 'pods', 'u2', 'volumes', 'kubernetes.io~configmap', 'cfg', 'key');
    cms.set('cfg', { metadata: { name: 'cfg' }, data: { key: 'v2' } });
    clock.advance(59_000);
    await new Promise((r) => setImmediate(r));
    assert.equal(readFileSync(f, 'utf8'), 'v1', 'not before the period');
    clock.advance(1_000);
    await eventually(() => readFileSync(f, 'utf8') === 'v2', 'the updated value');
  } finally {
    vm.stop();
    vm.tearDown('u2');
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test('secret and memory-medium emptyDir volumes are tmpfs mounts when root, unmounted at tear-down', { skip: !canMount() && 'needs root' }, async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'kubeling-vm-test-'));
  const vm = new VolumeManager({ stateDir, sources: fakeSources(new Map(), new Map([['s', { metadata: { name: 's' }, data: { pw: Buffer.from('x').toString('base64') } }]])) });
  const p: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u3' }, spec: { containers: [], volumes: [{ name: 'sec', secret: { secretName: 's', defaultMode: 0o400 } }, { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }] } };
  try {
    const vols = await vm.setUp(p, info);
    const mp = mountPoints();
    assert.ok(mp.has(vols.get('sec')?.path ?? ''), 'secret on tmpfs');
    assert.ok(mp.has(vols.get('mem')?.path ?? ''), 'emptyDir Memory on tmpfs');
    assert.equal(statSync(join(vols.get('sec')?.path ?? '', 'pw')).mode & 0o777, 0o400);
    await vm.setUp(p, info); // idempotent: no second mount
    assert.equal([...mountPoints()].filter((m) => m === vols.get('sec')?.path).length, 1);
    vm.tearDown('u3');
    assert.equal(mountPoints().has(vols.get('sec')?.path ?? ''), false);
  } finally {
    vm.tearDown('u3');
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test('the configurer reports a missing volume ConfigMap as ContainerCreating with a FailedMount event, and a missing env key as CreateContainerConfigError', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'kubeling-vm-test-'));
  const cms = new Map<string, ConfigMap>();
  const sources = fakeSources(cms);
  const events: string[] = [];
  const c = new AgentContainerConfigurer({ sources, volumes: new VolumeManager({ stateDir, sources, mountTmpfs: false }), event: (_p, reason, msg) => events.push(`${reason}: ${msg}`) });
  const p = pod('u4');
  const ctx = { hostIP: '127.0.0.1', nodeName: 'n' };
  try {
    const r1 = await c.configure(p, p.spec?.containers[0] ?? { name: '' }, ctx);
    assert.deepEqual(r1, { waiting: { reason: 'ContainerCreating' }, retryMs: 2000 });
    assert.deepEqual(events, ['FailedMount: MountVolume.SetUp failed for volume "cfg" : configmap "cfg" not found']);
    cms.set('cfg', { metadata: { name: 'cfg' }, data: { key: 'v' } });
    const withEnv = { ...p, spec: { ...p.spec, containers: [{ name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'x' } } }] }] } } as Pod;
    const r2 = await c.configure(withEnv, withEnv.spec?.containers[0] ?? { name: '' }, ctx);
    assert.deepEqual(r2, { waiting: { reason: 'CreateContainerConfigError', message: "couldn't find key x in ConfigMap default/cfg" }, retryMs: 2000 });
    const r3 = await c.configure(p, p.spec?.containers[0] ?? { name: '' }, ctx);
    assert.ok('config' in r3 && r3.config.mounts?.length === 3);
  } finally {
    await c.release('u4');
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test('a projected volume mounts its available sources and notes a service account token it cannot get', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'kubeling-vm-test-'));
  const warnings: string[] = [];
  const vm = new VolumeManager({ stateDir, sources: fakeSources(new Map([['cfg', { metadata: { name: 'cfg' }, data: { 'ca.crt': 'CA' } }]])), mountTmpfs: false, warn: (_p, reason, m) => warnings.push(`${reason}: ${m}`) });
  const p: Pod = { metadata: { name: 'p', namespace: 'ns1', uid: 'u5' }, spec: { containers: [], volumes: [{ name: 'api', projected: { defaultMode: 0o420, sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }, { configMap: { name: 'cfg', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }, { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } }] } }] } };
  try {
    const vols = await vm.setUp(p, info);
    const d = vols.get('api')?.path ?? '';
    assert.equal(readFileSync(join(d, 'ca.crt'), 'utf8'), 'CA');
    assert.equal(readFileSync(join(d, 'namespace'), 'utf8'), 'ns1');
    assert.equal(statSync(join(d, 'namespace')).mode & 0o777, 0o420);
    assert.equal(existsSync(join(d, 'token')), false);
    assert.match(warnings[0] ?? '', /^FailedMount: .*"api".*service account token for "default" not projected to token/);
  } finally {
    vm.tearDown('u5');
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test('a re-sync adopts pods set up by a previous agent and follows their latest labels in downwardAPI files', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'kubeling-vm-test-'));
  const p: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u6', labels: { v: '1' } }, spec: { containers: [], volumes: [{ name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }] } };
  const before = new VolumeManager({ stateDir, sources: fakeSources(new Map()), mountTmpfs: false });
  await before.setUp(p, info);
  before.stop(); // the agent restarts; the pod keeps running
  let current: Pod = { ...p, metadata: { ...p.metadata, labels: { v: '2' } } };
  const after = new VolumeManager({ stateDir, sources: fakeSources(new Map()), mountTmpfs: false, pods: () => [current] });
  const f = join(stateDir, 'pods', 'u6', 'volumes', 'kubernetes.io~downward-api', 'info', 'labels');
  try {
    assert.equal(readFileSync(f, 'utf8'), 'v="1"');
    await after.resync();
    assert.equal(readFileSync(f, 'utf8'), 'v="2"');
    current = { ...current, metadata: { ...current.metadata, uid: 'never-here' } };
    await after.resync();
    assert.equal(existsSync(join(stateDir, 'pods', 'never-here')), false, 'pods never set up on this node are left alone');
  } finally {
    after.tearDown('u6');
    rmSync(stateDir, { recursive: true, force: true });
  }
});
