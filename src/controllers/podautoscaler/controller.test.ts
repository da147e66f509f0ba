import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SharedInformerFactory } from '../../client/factory.js';
import { EventRecorder } from '../../client/events.js';
import { RestEventSink } from '../../client/event-sink.js';
import { FakeClock } from '../../client/fake-clock.js';
import { eventually } from '../../client/test-apiserver.js';
import { FakeMetricsSource } from '../../metrics/fake.js';
import { startMetricsTestApiServer, type MetricsTestApiServer } from '../../metrics/testing.js';
import type { ControllerContext } from '../common/controller.js';
import { HorizontalController } from './controller.js';

const DEPLOY = { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'default' };
const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
const HPAS = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', namespace: 'default' };
const EVENTS = { group: '', version: 'v1', resource: 'events', namespace: 'default' };

const clock = new FakeClock(Date.parse('2025-01-01T01:00:00Z'));
const source = new FakeMetricsSource(() => clock.now());
let srv: MetricsTestApiServer;
let informers: SharedInformerFactory;
let hpa: HorizontalController;

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

async function runningPod(name: string, cpuMilli: number): Promise<void> {
  await srv.client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m' } } }] } });
  const long = iso(clock.now() - 600_000);
  await srv.client.patch({ ...PODS, name, subresource: 'status' }, 'merge', { status: { phase: 'Running', startTime: long, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: long }] } });
  source.setPod('default', name, [{ name: 'c', usage: { cpu: cpuMilli * 1e6, memory: 1 << 20 } }]);
}

async function replicas(): Promise<number> {
  const d = (await srv.client.get({ ...DEPLOY, name: 'web' })) as unknown as { spec: { replicas: number } };
  return d.spec.replicas;
}

async function hpaStatus(): Promise<Record<string, unknown> & { conditions?: { type: string; status: string; reason: string }[] }> {
  return ((await srv.client.get({ ...HPAS, name: 'web' })) as unknown as { status: Record<string, unknown> & { conditions?: { type: string; status: string; reason: string }[] } }).status;
}

before(async () => {
  srv = await startMetricsTestApiServer(source);
  const client = srv.newClient();
  informers = new SharedInformerFactory({ client });
  const sink = new RestEventSink(client);
  const ctx: ControllerContext = { client, informers, clock, now: () => new Date(clock.now()), recorder: (component) => new EventRecorder(sink, { component, now: () => new Date(clock.now()) }) };
  hpa = new HorizontalController(ctx, { syncPeriodMs: 15_000, downscaleStabilizationMs: 300_000 });
  informers.start();
  await informers.waitForSync();
  hpa.start();
  await srv.client.create(DEPLOY, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m' } } }] } } },
  });
  await runningPod('web-0', 200);
});

after(async () => {
  await hpa.stop();
  await informers.stop();
  await srv.stop();
});

test('an HPA over its cpu target scales the deployment up through the scale subresource', async () => {
  await srv.client.create(HPAS, {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 4, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
  });
  await eventually(async () => (await replicas()) === 4, 'deployment scaled to 4');
  await eventually(async () => (await hpaStatus()).desiredReplicas === 4, 'status desiredReplicas 4');
  const st = await hpaStatus();
  assert.equal(st.currentReplicas, 1);
  assert.deepEqual(st.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 200, averageValue: '200m' } } }]);
  assert.ok(st.lastScaleTime);
  const conds = Object.fromEntries((st.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));
  assert.deepEqual(conds, { AbleToScale: 'True/SucceededRescale', ScalingActive: 'True/ValidMetricFound', ScalingLimited: 'False/DesiredWithinRange' });
});

test('the rescale is recorded as a SuccessfulRescale event with upstream wording', async () => {
  await eventually(async () => {
    const l = await srv.client.list(EVENTS);
    return l.items.some((e) => (e as unknown as { reason: string; message: string }).reason === 'SuccessfulRescale' && (e as unknown as { message: string }).message === 'New size: 4; reason: cpu resource utilization (percentage of request) above target');
  }, 'SuccessfulRescale event');
});

test('a scale-down waits for the stabilisation window', async () => {
  for (const n of ['web-1', 'web-2', 'web-3']) await runningPod(n, 10);
  source.setPod('default', 'web-0', [{ name: 'c', usage: { cpu: 10e6, memory: 1 << 20 } }]);
  clock.advance(15_000);
  await eventually(async () => (await hpaStatus()).conditions?.some((c) => c.type === 'AbleToScale' && c.reason === 'ScaleDownStabilized') === true, 'ScaleDownStabilized');
  assert.equal(await replicas(), 4);
  for (let i = 0; i < 20; i++) clock.advance(15_000);
  await eventually(async () => (await replicas()) === 1, 'scaled down to 1 after 300 s');
});

test('missing metrics make ScalingActive False with FailedGetResourceMetric', async () => {
  await srv.client.create(DEPLOY, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  await srv.client.create(HPAS, {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'api' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, maxReplicas: 3 },
  });
  await eventually(async () => {
    const st = ((await srv.client.get({ ...HPAS, name: 'api' })) as unknown as { status: { conditions?: { type: string; status: string; reason: string; message: string }[] } }).status;
    const c = st.conditions?.find((x) => x.type === 'ScalingActive');
    return c?.status === 'False' && c.reason === 'FailedGetResourceMetric' && c.message.startsWith('the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned');
  }, 'FailedGetResourceMetric condition');
});
