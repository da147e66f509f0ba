/**
 * Probes, init containers and hooks with the real process runtime (root only): one API server
 * and agent for the file, each test with its own pods, deleted at the end.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import { isStatus } from '../../client/rest.js';
import { eventually, startTestApiServer, type TestApiServer } from '../../client/test-apiserver.js';
import { startAgent, type Agent } from '../index.js';
import { isRoot, testProcessOptions } from '../runtimes/process/testing.js';

const skip = !isRoot && 'needs root';
const podsRef = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
let api: TestApiServer;
let agent: Agent;
let sweep: () => Promise<void>;
const shared = mkdtempSync(join(tmpdir(), 'kubeling-probes-'));

before(async () => {
  if (skip) return;
  const t = testProcessOptions();
  sweep = t.sweep;
  api = await startTestApiServer();
  const { podCIDR, ...processOpts } = t.opts;
  agent = await startAgent({ client: api.newClient(), nodeName: 'node-p', runtime: 'process', podCIDR, process: processOpts });
});

after(async () => {
  if (skip) return;
  await agent.stop();
  await api.stop();
  await sweep();
  rmSync(shared, { recursive: true, force: true });
});

async function create(name: string, spec: Omit<PodSpec, 'nodeName'>): Promise<void> {
  await api.client.create(podsRef, { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'node-p', terminationGracePeriodSeconds: 1, ...spec } });
}
const get = async (name: string): Promise<Pod> => (await api.client.get({ ...podsRef, name })) as unknown as Pod;
const readyCond = (p: Pod): string | undefined => p.status?.conditions?.find((c) => c.type === 'Ready')?.status;
async function remove(name: string): Promise<void> {
  await api.client.delete({ ...podsRef, name });
  await eventually(async () => {
    try {
      await get(name);
      return false;
    } catch (e) {
      return isStatus(e, 404);
    }
  }, `pod ${name} gone`, 15_000);
}
async function events(name: string): Promise<string[]> {
  const list = await api.client.list({ group: '', version: 'v1', resource: 'events', namespace: 'default' });
  return list.items
    .filter((e) => (e as unknown as { involvedObject: { name: string } }).involvedObject.name === name)
    .map((e) => `${(e as unknown as { reason: string }).reason}: ${(e as unknown as { message: string }).message}`);
}

const server = (delaySeconds: number, port: number): string[] => [
  'python3',
  '-c',
  `import time, http.server, socketserver\ntime.sleep(${delaySeconds})\nclass H(http.server.BaseHTTPRequestHandler):\n  def do_GET(self):\n    self.send_response(200 if self.path == '/healthz' else 404); self.end_headers(); self.wfile.write(b'ok')\n  def log_message(self, *a): pass\nsocketserver.TCPServer(('', ${port}), H).serve_forever()`,
];

test('an httpGet readiness probe against the pod IP keeps the pod unready until the server answers', { skip }, async () => {
  await create('ready-http', { containers: [{ name: 'web', image: 'python', command: server(2, 8080), ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 } }] });
  try {
    await eventually(async () => (await get('ready-http')).status?.phase === 'Running', 'Running', 10_000);
    const running = await get('ready-http');
    assert.equal(readyCond(running), 'False', 'Running but not Ready before the server listens');
    assert.equal(running.status?.containerStatuses?.[0]?.ready, false);
    await eventually(async () => readyCond(await get('ready-http')) === 'True', 'Ready', 15_000);
    const p = await get('ready-http');
    assert.equal(p.status?.conditions?.find((c) => c.type === 'ContainersReady')?.status, 'True');
    assert.equal(p.status?.containerStatuses?.[0]?.ready, true);
  } finally {
    await remove('ready-http');
  }
});

test('a failing exec liveness probe kills and restarts the container with an Unhealthy and a Killing event', { skip }, async () => {
  await create('live-exec', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'while true; do sleep 0.1; done'], livenessProbe: { exec: { command: ['sh', '-c', 'echo not alive; exit 1'] }, periodSeconds: 1, failureThreshold: 2 } }] });
  try {
    await eventually(async () => ((await get('live-exec')).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 'a restart', 20_000);
    const cs = (await get('live-exec')).status?.containerStatuses?.[0];
    assert.equal(cs?.lastState?.terminated?.reason, 'Error');
    await eventually(async () => {
      const ev = await events('live-exec');
      return ev.some((e) => e.startsWith('Unhealthy: Liveness probe failed: not alive')) && ev.includes('Killing: Container app failed liveness probe, will be restarted');
    }, 'Unhealthy and Killing events');
  } finally {
    await remove('live-exec');
  }
});

test('init containers run one after the other, to completion, before the app container', { skip }, async () => {
  const dir = join(shared, 'init');
  const append = (word: string, then = ''): string[] => ['sh', '-c', `sleep 0.3; echo ${word} >> /shared/order${then}`];
  await create('inits', {
    volumes: [{ name: 'shared', hostPath: { path: dir, type: 'DirectoryOrCreate' } }],
    initContainers: [
      { name: 'first', image: 'busybox', command: append('first'), volumeMounts: [{ name: 'shared', mountPath: '/shared' }] },
      { name: 'second', image: 'busybox', command: append('second'), volumeMounts: [{ name: 'shared', mountPath: '/shared' }] },
    ],
    containers: [{ name: 'app', image: 'busybox', command: append('app', '; while true; do sleep 0.1; done'), volumeMounts: [{ name: 'shared', mountPath: '/shared' }] }],
  });
  try {
    let sawInit = false;
    await eventually(async () => {
      const p = await get('inits');
      if (p.status?.conditions?.find((c) => c.type === 'Initialized')?.status === 'False' && p.status.phase === 'Pending') sawInit = true;
      return p.status?.phase === 'Running';
    }, 'Running', 15_000);
    assert.ok(sawInit, 'Pending and not Initialized while the init containers ran');
    const p = await get('inits');
    assert.deepEqual(p.status?.initContainerStatuses?.map((s) => s.state?.terminated?.reason), ['Completed', 'Completed']);
    await eventually(() => readFileSync(join(dir, 'order'), 'utf8') === 'first\nsecond\napp\n', 'app ran after both init containers', 5000);
  } finally {
    await remove('inits');
  }
});

test('a preStop hook runs before the container is stopped on deletion', { skip }, async () => {
  const dir = join(shared, 'prestop');
  await create('hooks', {
    terminationGracePeriodSeconds: 5,
    volumes: [{ name: 'shared', hostPath: { path: dir, type: 'DirectoryOrCreate' } }],
    containers: [
      {
        name: 'app',
        image: 'busybox',
        command: ['sh', '-c', 'trap "echo term >> /shared/log; exit 0" TERM; while true; do sleep 0.1; done'],
        volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
        lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo poststart >> /shared/log'] } }, preStop: { exec: { command: ['sh', '-c', 'echo prestop >> /shared/log'] } } },
      },
    ],
  });
  await eventually(async () => (await get('hooks')).status?.phase === 'Running', 'Running', 10_000);
  await remove('hooks');

  assert.deepEqual(readFileSync(join(dir, 'log'), 'utf8').trim().split('\n'), ['poststart', 'prestop', 'term']);
});

test('a failing postStart hook kills the container with a FailedPostStartHook event', { skip }, async () => {
  await create('bad-hook', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'while true; do sleep 0.1; done'], lifecycle: { postStart: { exec: { command: ['sh', '-c', 'exit 3'] } } } }] });
  try {
    await eventually(async () => (await events('bad-hook')).some((e) => e.startsWith('FailedPostStartHook: Exec lifecycle hook ([sh -c exit 3]) for Container "app"')), 'FailedPostStartHook event', 15_000);
    await eventually(async () => ((await get('bad-hook')).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 'restarted', 15_000);
  } finally {
    await remove('bad-hook');
  }
});
