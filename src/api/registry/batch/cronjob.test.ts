import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { cronJobResource as def, cronJobRow } from './cronjob.js';
import { batchResources } from './index.js';

/** What `kubectl create cronjob hello --image=busybox --schedule="*\/1 * * * *"` sends. */
function kubectlCronJob(schedule = '*/1 * * * *'): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default' },
    spec: {
      schedule,
      jobTemplate: {
        metadata: { name: 'hello', creationTimestamp: null },
        spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name: 'hello', image: 'busybox', resources: {} }], restartPolicy: 'OnFailure' } } },
      },
    },
    status: {},
  };
}

function errorsOf(obj: KubeObject): string[] {
  def.strategy.default?.(obj);
  def.strategy.prepareForCreate?.(obj);
  return (def.strategy.validate?.(obj) ?? []).map((e) => formatFieldError(e));
}

function spec(obj: KubeObject): Record<string, unknown> {
  return obj.spec as Record<string, unknown>;
}

test('a kubectl-created cronjob is accepted with upstream defaults', () => {
  const c = kubectlCronJob();
  assert.deepEqual(errorsOf(c), []);
  const s = spec(c);
  assert.deepEqual([s.concurrencyPolicy, s.suspend, s.successfulJobsHistoryLimit, s.failedJobsHistoryLimit], ['Allow', false, 3, 1]);
  const jobSpec = (s.jobTemplate as { spec: Record<string, unknown> }).spec;
  // Only the pod template is defaulted inside a job template, not the Job fields.
  assert.equal(jobSpec.backoffLimit, undefined);
  assert.equal((jobSpec.template as { spec: Record<string, unknown> }).spec.dnsPolicy, 'ClusterFirst');
});

test('an invalid schedule is rejected with the parser message', () => {
  assert.deepEqual(errorsOf(kubectlCronJob('*/1 * * *')), ['spec.schedule: Invalid value: "*/1 * * *": expected exactly 5 fields, found 4: [*/1 * * *]']);
});

test('TZ= in the schedule is refused in favour of timeZone', () => {
  assert.deepEqual(errorsOf(kubectlCronJob('TZ=UTC 0 * * * *')), [
    'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
  ]);
});

test('timeZone must be a known IANA zone', () => {
  const c = kubectlCronJob();
  spec(c).timeZone = 'Mars/Olympus';
  assert.deepEqual(errorsOf(c), ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']);
  const l = kubectlCronJob();
  spec(l).timeZone = 'Local';
  assert.deepEqual(errorsOf(l), ['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']);
  const ok = kubectlCronJob();
  spec(ok).timeZone = 'Europe/Berlin';
  assert.deepEqual(errorsOf(ok), []);
});

test('job templates may not carry a selector and must not restart Always', () => {
  const c = kubectlCronJob();
  const jobSpec = (spec(c).jobTemplate as { spec: Record<string, unknown> }).spec;
  jobSpec.selector = { matchLabels: { a: 'b' } };
  (jobSpec.template as { spec: Record<string, unknown> }).spec.restartPolicy = 'Always';
  assert.deepEqual(errorsOf(c), [
    'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
  ]);
});

test('names longer than 52 characters are rejected and concurrencyPolicy is checked', () => {
  const c = kubectlCronJob();
  c.metadata.name = 'a'.repeat(53);
  spec(c).concurrencyPolicy = 'Sometimes';
  assert.deepEqual(errorsOf(c), [
    'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    `metadata.name: Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters`,
  ]);
});

test('the row reads like kubectl get cronjobs -o wide', () => {
  const c = kubectlCronJob();
  errorsOf(c);
  const now = Date.parse('2025-01-01T01:00:00Z');
  c.metadata.creationTimestamp = '2025-01-01T00:00:00Z';
  assert.deepEqual(cronJobRow(c, now), ['hello', '*/1 * * * *', '<none>', 'False', 0, '<none>', '60m', 'hello', 'busybox', '<none>']);
  c.status = { active: [{ name: 'hello-1' }], lastScheduleTime: '2025-01-01T00:59:00Z' };
  assert.deepEqual(cronJobRow(c, now).slice(4, 6), [1, '60s']);
  assert.deepEqual((def.strategy.columns ?? []).map((x) => x.name), ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers', 'Images', 'Selector']);
});

test('batch kinds carry upstream names and categories', () => {
  assert.deepEqual(batchResources.map((r) => [r.resource, r.shortNames ?? [], r.categories ?? []]), [
    ['cronjobs', ['cj'], ['all']],
    ['jobs', [], ['all']],
  ]);
});
