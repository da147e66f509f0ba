import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planJobSync, enactFinished, foldUncounted, type SyncInput } from './sync.js';
import { formatIndexes, parseIndexes } from './indexes.js';
import { nextBackoffRecord, remainingBackoffMs } from './backoff.js';
import { matchPodFailurePolicy } from './policy.js';
import { podForJob } from './pod-template.js';
import { ttlRemainingMs } from './ttl.js';
import type { Job, Pod } from './types.js';
import { JOB_TRACKING_FINALIZER } from './types.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function job(spec: Record<string, unknown> = {}, status: Record<string, unknown> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: 'job-uid' },
    spec: { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', template: { spec: { containers: [{ name: 'main', image: 'busybox' }], restartPolicy: 'Never' } }, ...spec },
    status,
  } as unknown as Job;
}

let seq = 0;
function pod(phase: string, extra: { index?: number; finalizer?: boolean; deleting?: boolean; ready?: boolean; exitCode?: number; uid?: string } = {}): Pod {
  const uid = extra.uid ?? `pod-${++seq}`;
  return {
    metadata: {
      name: uid,
      namespace: 'default',
      uid,
      creationTimestamp: '2024-05-01T11:00:00Z',
      finalizers: extra.finalizer === false ? [] : [JOB_TRACKING_FINALIZER],
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'job-uid', controller: true }],
      ...(extra.index !== undefined ? { annotations: { 'batch.kubernetes.io/job-completion-index': String(extra.index) } } : {}),
      ...(extra.deleting ? { deletionTimestamp: '2024-05-01T11:59:00Z' } : {}),
    },
    spec: { containers: [{ name: 'main' }] },
    status: {
      phase,
      ...(extra.ready ? { conditions: [{ type: 'Ready', status: 'True' }] } : {}),
      ...(extra.exitCode !== undefined ? { containerStatuses: [{ name: 'main', image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: extra.exitCode, finishedAt: '2024-05-01T11:59:30Z' } } }] } : {}),
    },
  };
}

function input(j: Job, pods: Pod[], over: Partial<SyncInput> = {}): SyncInput {
  return { job: j, pods, now: NOW, backoff: { failuresAfterLastSuccess: 0 }, expectedRmFinalizers: new Set(), satisfiedExpectations: true, ...over };
}

test('a new job creates min(parallelism, completions) pods and records its start time', () => {
  const plan = planJobSync(input(job({ completions: 3, parallelism: 2 }), []));
  assert.equal(plan.create.length, 2);
  assert.equal(plan.status.active, 2);
  assert.equal(plan.status.startTime, '2024-05-01T12:00:00Z');
  assert.equal(plan.status.ready, 0);
  assert.ok(plan.needsFlush);
});

test('a succeeded pod is put into uncountedTerminatedPods and loses its finalizer', () => {
  const done = pod('Succeeded');
  const plan = planJobSync(input(job({ completions: 3, parallelism: 2 }, { startTime: '2024-05-01T11:00:00Z', active: 2 }), [done, pod('Running')]));
  assert.deepEqual(plan.status.uncountedTerminatedPods, { succeeded: [done.metadata?.uid] });
  assert.deepEqual(plan.removeFinalizers, [done]);
  // one succeeded, one running: one more is wanted to reach parallelism 2 of the 2 remaining
  assert.equal(plan.create.length, 1);
});

test('uncounted pods whose finalizer is gone are folded into the counters', () => {
  const st = { succeeded: 1, uncountedTerminatedPods: { succeeded: ['a', 'b'], failed: ['c'] } };
  assert.ok(foldUncounted(st, new Set(['b'])));
  assert.deepEqual(st, { succeeded: 2, failed: 1, uncountedTerminatedPods: { succeeded: ['b'] } });
});

test('reaching completions adds SuccessCriteriaMet first and Complete once everything is counted', () => {
  const p = pod('Succeeded');
  const plan = planJobSync(input(job({ completions: 2, parallelism: 2 }, { startTime: '2024-05-01T11:00:00Z', succeeded: 1 }), [p]));
  const scm = plan.status.conditions?.find((c) => c.type === 'SuccessCriteriaMet');
  assert.equal(scm?.reason, 'CompletionsReached');
  assert.equal(scm?.message, 'Reached expected number of succeeded pods');
  assert.equal(plan.finalCondition?.type, 'Complete');
  const st = plan.status;
  foldUncounted(st, new Set());
  assert.ok(enactFinished(st, plan.finalCondition, 0, NOW));
  assert.equal(st.succeeded, 2);
  assert.equal(st.completionTime, '2024-05-01T12:00:00Z');
  assert.ok(st.conditions?.some((c) => c.type === 'Complete' && c.status === 'True'));
});

test('the terminal condition waits while a pod is terminating', () => {
  const st = { conditions: [] };
  assert.equal(enactFinished(st, { type: 'Failed', status: 'True', reason: 'X', message: 'y' }, 1, NOW), false);
});

test('failures beyond backoffLimit set FailureTarget BackoffLimitExceeded and delete active pods', () => {
  const failed = pod('Failed');
  const running = pod('Running');
  const plan = planJobSync(input(job({ backoffLimit: 1, completions: 2, parallelism: 2 }, { startTime: '2024-05-01T11:00:00Z', failed: 1 }), [failed, running]));
  const ft = plan.status.conditions?.find((c) => c.type === 'FailureTarget');
  assert.equal(ft?.reason, 'BackoffLimitExceeded');
  assert.equal(ft?.message, 'Job has reached the specified backoff limit');
  assert.deepEqual(plan.deleteKeepFinalizer, [running]);
  assert.equal(plan.finalCondition?.type, 'Failed');
  assert.equal(plan.terminating, 1);
  assert.equal(plan.create.length, 0);
});

test('a failed pod delays its replacement by the back-off', () => {
  const failed = pod('Failed', { exitCode: 1 });
  const plan = planJobSync(input(job({ backoffLimit: 3 }, { startTime: '2024-05-01T11:00:00Z' }), [failed], { now: Date.parse('2024-05-01T11:59:35Z') }));
  assert.equal(plan.create.length, 0);
  assert.equal(plan.requeueAfterMs, 5000); // 10 s after the container finished at 11:59:30
  assert.deepEqual(plan.status.uncountedTerminatedPods, { failed: [failed.metadata?.uid] });
});

test('the back-off doubles per failure since the last success and is capped at six minutes', () => {
  let r = nextBackoffRecord({ failuresAfterLastSuccess: 0 }, [{ succeeded: false, finishedAt: 0 }]);
  assert.equal(remainingBackoffMs(r, 0), 10_000);
  r = nextBackoffRecord(r, [{ succeeded: false, finishedAt: 1000 }]);
  assert.equal(remainingBackoffMs(r, 1000), 20_000);
  r = { failuresAfterLastSuccess: 10, lastFailureTime: 0 };
  assert.equal(remainingBackoffMs(r, 0), 360_000);
  r = nextBackoffRecord(r, [{ succeeded: true, finishedAt: 5 }]);
  assert.equal(remainingBackoffMs(r, 5), 0);
});

test('activeDeadlineSeconds past the start time fails the job with DeadlineExceeded', () => {
  const plan = planJobSync(input(job({ activeDeadlineSeconds: 60 }, { startTime: '2024-05-01T11:58:00Z', active: 1 }), [pod('Running')]));
  const ft = plan.status.conditions?.find((c) => c.type === 'FailureTarget');
  assert.equal(ft?.reason, 'DeadlineExceeded');
  assert.equal(ft?.message, 'Job was active longer than specified deadline');
});

test('a job within its deadline is re-checked when the deadline falls due', () => {
  const plan = planJobSync(input(job({ activeDeadlineSeconds: 120 }, { startTime: '2024-05-01T11:59:00Z', active: 1 }), [pod('Running')]));
  assert.equal(plan.requeueAfterMs, 60_000);
});

test('suspending deletes active pods without counting them and adds Suspended', () => {
  const running = pod('Running', { ready: true });
  const plan = planJobSync(input(job({ suspend: true }, { startTime: '2024-05-01T11:00:00Z', active: 1, ready: 1 }), [running]));
  assert.deepEqual(plan.deleteDropFinalizer, [running]);
  const c = plan.status.conditions?.find((x) => x.type === 'Suspended');
  assert.equal(c?.status, 'True');
  assert.equal(c?.reason, 'JobSuspended');
  assert.deepEqual(plan.events, [{ type: 'Normal', reason: 'Suspended', message: 'Job suspended' }]);
  assert.equal(plan.status.active, undefined);
  assert.equal(plan.status.ready, 0);
});

test('resuming flips Suspended to False and restarts the start time', () => {
  const cond = { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' };
  const plan = planJobSync(input(job({ suspend: false }, { startTime: '2024-05-01T10:00:00Z', conditions: [cond] }), []));
  const c = plan.status.conditions?.find((x) => x.type === 'Suspended');
  assert.equal(c?.status, 'False');
  assert.equal(c?.reason, 'JobResumed');
  assert.equal(plan.status.startTime, '2024-05-01T12:00:00Z');
  assert.equal(plan.create.length, 1);
});

test('a suspended job created suspended has no start time', () => {
  const plan = planJobSync(input(job({ suspend: true }), []));
  assert.equal(plan.status.startTime, undefined);
  assert.equal(plan.create.length, 0);
});

test('an Indexed job creates the lowest pending indexes and records completed ones', () => {
  const done0 = pod('Succeeded', { index: 0 });
  const run1 = pod('Running', { index: 1 });
  const plan = planJobSync(input(job({ completionMode: 'Indexed', completions: 4, parallelism: 2 }, { startTime: '2024-05-01T11:00:00Z' }), [done0, run1]));
  assert.deepEqual(plan.create, [{ index: 2 }]);
  assert.equal(plan.status.completedIndexes, '0');
  assert.equal(plan.status.succeeded, 1);
  assert.deepEqual(plan.removeFinalizers, [done0]);
  assert.equal(plan.status.uncountedTerminatedPods?.succeeded, undefined);
});

test('duplicate indexes are deleted, keeping one pod per index', () => {
  const a = pod('Running', { index: 0, ready: true });
  const b = pod('Pending', { index: 0 });
  const plan = planJobSync(input(job({ completionMode: 'Indexed', completions: 2, parallelism: 2 }, { startTime: '2024-05-01T11:00:00Z' }), [a, b]));
  assert.deepEqual(plan.deleteDropFinalizer, [b]);
  assert.equal(plan.create.length, 0);
});

test('completed indexes are written as upstream intervals', () => {
  assert.equal(formatIndexes([0, 1, 2, 4, 6, 7]), '0-2,4,6,7');
  assert.deepEqual([...parseIndexes('0-2,4,9', 5)], [0, 1, 2, 4]);
});

test('a terminating pod counts as failed and is replaced at once by default', () => {
  const gone = pod('Running', { deleting: true });
  const plan = planJobSync(input(job({}, { startTime: '2024-05-01T11:00:00Z', active: 1 }), [gone]));
  assert.deepEqual(plan.status.uncountedTerminatedPods, { failed: [gone.metadata?.uid] });
  assert.equal(plan.status.terminating, 1);
});

test('with podReplacementPolicy Failed a terminating pod is neither counted nor replaced', () => {
  const gone = pod('Running', { deleting: true });
  const plan = planJobSync(input(job({ podReplacementPolicy: 'Failed' }, { startTime: '2024-05-01T11:00:00Z' }), [gone]));
  assert.equal(plan.create.length, 0);
  assert.deepEqual(plan.status.uncountedTerminatedPods, {});
});

test('a FailJob rule on an exit code fails the job with the PodFailurePolicy reason', () => {
  const p = pod('Failed', { exitCode: 42 });
  const policy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] };
  const plan = planJobSync(input(job({ podFailurePolicy: policy }, { startTime: '2024-05-01T11:00:00Z' }), [p]));
  const ft = plan.status.conditions?.find((c) => c.type === 'FailureTarget');
  assert.equal(ft?.reason, 'PodFailurePolicy');
  assert.equal(ft?.message, `Container main for pod default/${p.metadata?.name} failed with exit code 42 matching FailJob rule at index 0`);
});

test('an Ignore rule keeps a failure out of the backoffLimit count', () => {
  const p = pod('Failed', { exitCode: 3 });
  const policy = { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [3] } }] };
  const plan = planJobSync(input(job({ podFailurePolicy: policy, backoffLimit: 0 }, { startTime: '2024-05-01T11:00:00Z' }), [p]));
  assert.equal(plan.status.conditions, undefined);
  assert.deepEqual(plan.removeFinalizers, [p]);
  assert.deepEqual(plan.status.uncountedTerminatedPods, {});
});

test('onPodConditions rules match a pod condition; exit code 0 never matches', () => {
  const p = { ...pod('Failed', { exitCode: 0 }) };
  (p.status as { conditions?: unknown[] }).conditions = [{ type: 'DisruptionTarget', status: 'True' }];
  const m = matchPodFailurePolicy({ rules: [{ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [1] } }, { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] }, p);
  assert.deepEqual(m, { countFailed: false, action: 'Ignore' });
});

test('pods whose finalizer removal is expected are not counted again', () => {
  const p = pod('Succeeded');
  const plan = planJobSync(input(job({ completions: 2 }, { startTime: '2024-05-01T11:00:00Z', succeeded: 1 }), [p], { expectedRmFinalizers: new Set([p.metadata?.uid ?? '']) }));
  assert.equal(plan.status.succeeded, 1);
  assert.equal(plan.removeFinalizers.length, 0);
});

test('an already finished job plans nothing', () => {
  const plan = planJobSync(input(job({}, { conditions: [{ type: 'Complete', status: 'True' }] }), [pod('Running')]));
  assert.ok(plan.alreadyFinished);
  assert.equal(plan.create.length + plan.deleteKeepFinalizer.length, 0);
});

test('an Indexed pod gets the index annotation, label, hostname and JOB_COMPLETION_INDEX', () => {
  const p = podForJob(job({ completionMode: 'Indexed', completions: 3 }), 2);
  assert.equal(p.metadata.generateName, 'pi-2-');
  assert.equal(p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], '2');
  assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-completion-index'], '2');
  assert.deepEqual(p.metadata.finalizers, [JOB_TRACKING_FINALIZER]);
  assert.equal((p.spec as { hostname?: string }).hostname, 'pi-2');
  assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'job-uid', controller: true, blockOwnerDeletion: true }]);
  const env = (p.spec as { containers: { env: { name: string }[] }[] }).containers[0]?.env;
  assert.equal(env?.[0]?.name, 'JOB_COMPLETION_INDEX');
});

test('the TTL counts from the finished condition', () => {
  const j = job({ ttlSecondsAfterFinished: 100 }, { conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: '2024-05-01T11:59:00Z' }] });
  assert.equal(ttlRemainingMs(j, NOW), 40_000);
  assert.equal(ttlRemainingMs(job(), NOW), undefined);
});
