import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import { jobNameFor, mostRecentScheduleTime, nextScheduleDelayMs, nextScheduleTime, parseZoned, rfc1123z, rfc3339InZone } from './schedule.js';
import { decideSchedule, jobFromTemplate, jobsBeyondHistory, reconcileActive, SCHEDULED_TIMESTAMP, type JobView } from './decide.js';

const hourly = parseZoned('0 * * * *');
const at = (s: string): Date => new Date(s);

function cronJob(spec: Record<string, unknown> = {}, created = '2024-05-01T10:30:00Z'): CronJob {
  return {
    metadata: { name: 'backup', namespace: 'default', uid: 'cj-uid', creationTimestamp: created },
    spec: { schedule: '0 * * * *', concurrencyPolicy: 'Allow', jobTemplate: { metadata: { labels: { app: 'b' } }, spec: { template: { spec: { containers: [] } } } }, ...spec },
  };
}

test('nothing is due before the first activation after creation', () => {
  const r = nextScheduleTime({ creationTimestamp: '2024-05-01T10:30:00Z' }, at('2024-05-01T10:59:59Z'), hourly);
  assert.equal(r.time, undefined);
  assert.equal(nextScheduleDelayMs({ creationTimestamp: '2024-05-01T10:30:00Z' }, at('2024-05-01T10:59:00Z'), hourly), 60_100);
});

test('with several missed runs the most recent one is scheduled', () => {
  const r = nextScheduleTime({ lastScheduleTime: '2024-05-01T10:00:00Z' }, at('2024-05-01T14:20:00Z'), hourly);
  assert.equal(r.time?.toISOString(), '2024-05-01T14:00:00.000Z');
  assert.equal(r.tooManyMissed, false);
});

test('more than 100 missed start times are reported and the most recent still runs', () => {
  const r = nextScheduleTime({ lastScheduleTime: '2024-01-01T00:00:00Z' }, at('2024-01-10T05:30:00Z'), hourly);
  assert.equal(r.tooManyMissed, true);
  assert.equal(r.time?.toISOString(), '2024-01-10T05:00:00.000Z');
});

test('startingDeadlineSeconds limits how far back missed runs are looked for', () => {
  const view = { lastScheduleTime: '2024-01-01T00:00:00Z', startingDeadlineSeconds: 600 };
  const r = nextScheduleTime(view, at('2024-01-10T05:30:00Z'), hourly);
  assert.equal(r.time, undefined);
  assert.equal(r.tooManyMissed, false);
  const m = mostRecentScheduleTime(view, at('2024-01-10T05:05:00Z'), hourly, true);
  assert.equal(m.mostRecent?.toISOString(), '2024-01-10T05:00:00.000Z');
});

test('the schedule is evaluated in spec.timeZone', () => {
  const z = parseZoned('0 9 * * *', 'Europe/Berlin');
  const r = nextScheduleTime({ lastScheduleTime: '2024-05-01T00:00:00Z' }, at('2024-05-01T08:00:00Z'), z);
  assert.equal(r.time?.toISOString(), '2024-05-01T07:00:00.000Z');
});

test('job names carry the scheduled time in minutes since the epoch', () => {
  assert.equal(jobNameFor('backup', at('2024-05-01T12:00:00Z')), `backup-${Date.parse('2024-05-01T12:00:00Z') / 60_000}`);
});

test('timestamps are formatted as Go formats RFC 3339 and RFC 1123Z', () => {
  assert.equal(rfc3339InZone(at('2024-05-01T07:00:00Z'), 'Europe/Berlin'), '2024-05-01T09:00:00+02:00');
  assert.equal(rfc3339InZone(at('2024-05-01T07:00:00Z'), 'America/New_York'), '2024-05-01T03:00:00-04:00');
  assert.equal(rfc3339InZone(at('2024-05-01T07:00:00Z')), '2024-05-01T07:00:00Z');
  assert.equal(rfc1123z(at('2024-05-01T07:00:00Z')), 'Wed, 01 May 2024 07:00:00 +0000');
});

test('a due run is started and the next requeue aims just after the following activation', () => {
  const d = decideSchedule(cronJob(), {}, at('2024-05-01T11:00:05Z'), hourly);
  assert.equal(d.action, 'run');
  if (d.action !== 'run') return;
  assert.equal(d.scheduledTime.toISOString(), '2024-05-01T11:00:00.000Z');
  assert.equal(d.requeueAfterMs, 3_595_100);
  assert.equal(d.replace, false);
});

test('Forbid skips a run while a job is active', () => {
  const d = decideSchedule(cronJob({ concurrencyPolicy: 'Forbid' }), { active: [{ name: 'backup-1', uid: 'x' }] }, at('2024-05-01T11:00:05Z'), hourly);
  assert.equal(d.action, 'wait');
  assert.deepEqual(d.events, [{ type: 'Normal', reason: 'JobAlreadyActive', message: 'Not starting job because prior execution is running and concurrency policy is Forbid' }]);
});

test('Replace runs and replaces the active jobs', () => {
  const d = decideSchedule(cronJob({ concurrencyPolicy: 'Replace' }), { active: [{ name: 'backup-1', uid: 'x' }] }, at('2024-05-01T11:00:05Z'), hourly);
  assert.equal(d.action === 'run' && d.replace, true);
});

test('a run older than startingDeadlineSeconds is not started late', () => {
  // The deadline narrows the look-back window, so the 11:00 run is no longer a candidate at 11:02.
  const d = decideSchedule(cronJob({ startingDeadlineSeconds: 60 }), {}, at('2024-05-01T11:02:00Z'), hourly);
  assert.equal(d.action, 'wait');
  assert.equal(d.requeueAfterMs, 58 * 60_000 + 100);
  const ok = decideSchedule(cronJob({ startingDeadlineSeconds: 300 }), {}, at('2024-05-01T11:02:00Z'), hourly);
  assert.equal(ok.action, 'run');
});

test('an already recorded schedule time is not run twice', () => {
  const d = decideSchedule(cronJob(), { lastScheduleTime: '2024-05-01T11:00:00Z' }, at('2024-05-01T11:00:05Z'), hourly);
  assert.equal(d.action, 'wait');
});

test('the job from the template is owned by the CronJob and annotated with its scheduled time', () => {
  const j = jobFromTemplate(cronJob({ timeZone: 'Europe/Berlin' }), at('2024-05-01T11:00:00Z'));
  assert.equal(j.metadata.name, `backup-${Date.parse('2024-05-01T11:00:00Z') / 60_000}`);
  assert.equal(j.metadata.annotations?.[SCHEDULED_TIMESTAMP], '2024-05-01T13:00:00+02:00');
  assert.deepEqual(j.metadata.labels, { app: 'b' });
  assert.deepEqual(j.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'backup', uid: 'cj-uid', controller: true, blockOwnerDeletion: true }]);
});

const fin = (name: string, type: string, start: string, completion?: string): JobView => ({
  metadata: { name, namespace: 'default', uid: name },
  status: { conditions: [{ type, status: 'True' }], startTime: start, ...(completion ? { completionTime: completion } : {}) },
});

test('finished jobs leave the active list and a success moves lastSuccessfulTime', () => {
  const status = { active: [{ name: 'a', uid: 'a' }, { name: 'gone', uid: 'gone' }] };
  const r = reconcileActive(status, [fin('a', 'Complete', '2024-05-01T10:00:00Z', '2024-05-01T10:05:00Z'), fin('b', 'Complete', '2024-05-01T11:00:00Z', '2024-05-01T11:05:00Z')]);
  assert.deepEqual(status.active, [{ name: 'gone', uid: 'gone' }]);
  assert.deepEqual(r.unknownRefs, [{ name: 'gone', uid: 'gone' }]);
  assert.equal(r.events[0]?.message, 'Saw completed job: a, status: Complete');
  assert.equal((status as { lastSuccessfulTime?: string }).lastSuccessfulTime, '2024-05-01T11:05:00Z');
});

test('history limits remove the oldest finished jobs of each kind', () => {
  const jobs = [
    fin('s1', 'Complete', '2024-05-01T01:00:00Z'),
    fin('s2', 'Complete', '2024-05-01T02:00:00Z'),
    fin('s3', 'Complete', '2024-05-01T03:00:00Z'),
    fin('f1', 'Failed', '2024-05-01T01:30:00Z'),
    fin('f2', 'Failed', '2024-05-01T02:30:00Z'),
  ];
  const gone = jobsBeyondHistory(cronJob({ successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }), jobs).map((j) => j.metadata.name);
  assert.deepEqual(gone, ['s1', 's2', 'f1']);
});
