import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { eventually } from '../../client/test-apiserver.js';
import { FakeClock } from '../../client/fake-clock.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { jobController } from '../job/index.js';
import { cronJobController } from './index.js';
import { SCHEDULED_TIMESTAMP } from './decide.js';

const CRONJOBS = { group: 'batch', version: 'v1', resource: 'cronjobs', namespace: 'default' };
const JOBS = { group: 'batch', version: 'v1', resource: 'jobs', namespace: 'default' };
const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
const EVENTS = { group: '', version: 'v1', resource: 'events', namespace: 'default' };

let tc: TestControllers;
let clock: FakeClock;
before(async () => {
  clock = new FakeClock(Date.now());
  tc = await startTestControllers([jobController, cronJobController], { clock, now: () => new Date(clock.now()) });
});
after(async () => {
  await tc.stop();
});

function cronJob(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: {
      schedule: '* * * * *',
      jobTemplate: { metadata: { labels: { cron: name } }, spec: { template: { spec: { containers: [{ name: 'main', image: 'busybox' }], restartPolicy: 'OnFailure' } } } },
      ...spec,
    },
  };
}

interface CronStatus {
  active?: { name: string; uid: string }[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

const cronStatus = async (name: string): Promise<CronStatus> => ((await tc.srv.client.get({ ...CRONJOBS, name })).status ?? {});
const jobsOf = async (cron: string): Promise<KubeObject[]> => (await tc.srv.client.list(JOBS, { labelSelector: `cron=${cron}` })).items;
const podsOfJob = async (job: string): Promise<KubeObject[]> => (await tc.srv.client.list(PODS, { labelSelector: `batch.kubernetes.io/job-name=${job}` })).items;
const isComplete = (j: KubeObject): boolean => ((j.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Complete' && c.status === 'True');

/** Acts as the kubelet: every pod of the job succeeds. */
async function succeedPods(job: string): Promise<void> {
  await eventually(async () => (await podsOfJob(job)).length > 0, `pods of ${job}`);
  for (const p of await podsOfJob(job)) {
    await tc.srv.client.update({ ...PODS, name: p.metadata.name, subresource: 'status' }, { ...p, status: { ...(p.status ?? {}), phase: 'Succeeded' } });
  }
}

test('a CronJob creates a Job once the clock passes the schedule, and records it', async () => {
  await tc.srv.client.create(CRONJOBS, cronJob('tick'));
  clock.advance(61_000);
  await eventually(async () => (await jobsOf('tick')).length === 1, 'a job of the schedule');
  const job = (await jobsOf('tick'))[0]!;
  const scheduled = job.metadata.annotations?.[SCHEDULED_TIMESTAMP] ?? '';
  assert.match(scheduled, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
  assert.equal(job.metadata.name, `tick-${Date.parse(scheduled) / 60_000}`);
  const owner = job.metadata.ownerReferences?.[0];
  assert.equal(owner?.kind, 'CronJob');
  assert.equal(owner?.controller, true);
  await eventually(async () => (await cronStatus('tick')).active?.[0]?.name === job.metadata.name, 'job in status.active');
  assert.equal((await cronStatus('tick')).lastScheduleTime, scheduled);
  await succeedPods(job.metadata.name ?? '');
  await eventually(async () => {
    const st = await cronStatus('tick');
    return !st.active && !!st.lastSuccessfulTime;
  }, 'finished job leaves status.active and sets lastSuccessfulTime');
  await eventually(async () => (await tc.srv.client.list(EVENTS)).items.some((e) => e.reason === 'SawCompletedJob'), 'SawCompletedJob event');
  await tc.srv.client.patch({ ...CRONJOBS, name: 'tick' }, 'merge', { spec: { suspend: true } });
});

test('Forbid does not start a new Job while the previous one runs', async () => {
  await tc.srv.client.create(CRONJOBS, cronJob('solo', { concurrencyPolicy: 'Forbid' }));
  clock.advance(60_000);
  await eventually(async () => (await cronStatus('solo')).active?.length === 1, 'first job active');
  clock.advance(60_000);
  await eventually(
    async () => (await tc.srv.client.list(EVENTS)).items.some((e) => e.reason === 'JobAlreadyActive' && (e.involvedObject as { name?: string }).name === 'solo'),
    'JobAlreadyActive event',
  );
  assert.equal((await jobsOf('solo')).length, 1);
  await tc.srv.client.patch({ ...CRONJOBS, name: 'solo' }, 'merge', { spec: { suspend: true } });
});

test('a suspended CronJob creates no Job', async () => {
  await tc.srv.client.create(CRONJOBS, cronJob('sleepy', { suspend: true, concurrencyPolicy: 'Forbid' }));
  await tc.srv.client.create(CRONJOBS, cronJob('awake', { concurrencyPolicy: 'Forbid' }));
  clock.advance(60_000);
  // The awake one proves the schedule passed; the suspended one must still be idle.
  await eventually(async () => (await jobsOf('awake')).length === 1, 'the unsuspended CronJob ran');
  assert.equal((await jobsOf('sleepy')).length, 0);
  await tc.srv.client.patch({ ...CRONJOBS, name: 'awake' }, 'merge', { spec: { suspend: true } });
});

test('a Job created from a CronJob (kubectl create job --from=cronjob/x) runs to completion', async () => {
  const cj = await tc.srv.client.create(CRONJOBS, cronJob('manual', { suspend: true }));
  const tmpl = (cj.spec as { jobTemplate: { spec: Record<string, unknown> } }).jobTemplate;
  // What kubectl sends: the template's spec, the manual-instantiation annotation and a controller reference.
  await tc.srv.client.create(JOBS, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'manual-run',
      labels: { cron: 'manual' },
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'manual', uid: cj.metadata.uid ?? '', controller: true }],
    },
    spec: tmpl.spec,
  });
  await succeedPods('manual-run');
  await eventually(async () => isComplete(await tc.srv.client.get({ ...JOBS, name: 'manual-run' })), 'manual job complete');
});
