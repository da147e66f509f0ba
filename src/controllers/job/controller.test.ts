import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { eventually } from '../../client/test-apiserver.js';
import { FakeClock } from '../../client/fake-clock.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { jobController } from './index.js';

const JOBS = { group: 'batch', version: 'v1', resource: 'jobs', namespace: 'default' };
const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
const EVENTS = { group: '', version: 'v1', resource: 'events', namespace: 'default' };

let tc: TestControllers;
let clock: FakeClock;
before(async () => {
  clock = new FakeClock(Date.now());
  tc = await startTestControllers([jobController], { clock, now: () => new Date(clock.now()) });
});
after(async () => {
  await tc.stop();
});

type Cond = { type: string; status: string; reason?: string; message?: string };
interface JobStatusView {
  active?: number;
  succeeded?: number;
  failed?: number;
  completedIndexes?: string;
  conditions?: Cond[];
  uncountedTerminatedPods?: Record<string, unknown>;
  completionTime?: string;
}

function jobManifest(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: { template: { spec: { containers: [{ name: 'main', image: 'busybox' }], restartPolicy: 'Never' } }, ...spec },
  };
}

async function jobStatus(name: string): Promise<JobStatusView> {
  return ((await tc.srv.client.get({ ...JOBS, name })).status ?? {});
}

async function podsOf(name: string): Promise<KubeObject[]> {
  return (await tc.srv.client.list(PODS, { labelSelector: `batch.kubernetes.io/job-name=${name}` })).items;
}

/** Acts as the kubelet: moves a pod to a terminal phase through the status subresource. */
async function finish(pod: KubeObject, phase: 'Succeeded' | 'Failed'): Promise<void> {
  const cur = await tc.srv.client.get({ ...PODS, name: pod.metadata.name });
  await tc.srv.client.update({ ...PODS, name: pod.metadata.name, subresource: 'status' }, { ...cur, status: { ...(cur.status ?? {}), phase } });
}

const phaseOf = (p: KubeObject): string | undefined => (p.status as { phase?: string } | undefined)?.phase;
const hasCond = (st: JobStatusView, type: string): Cond | undefined => st.conditions?.find((c) => c.type === type && c.status === 'True');

test('a Job with completions 3 and parallelism 2 runs two pods at a time and completes', async () => {
  await tc.srv.client.create(JOBS, jobManifest('three', { completions: 3, parallelism: 2 }));
  await eventually(async () => (await podsOf('three')).length === 2, 'two pods');
  const first = await podsOf('three');
  assert.ok(first.every((p) => p.metadata.finalizers?.includes('batch.kubernetes.io/job-tracking')));
  assert.equal(first[0]?.metadata.ownerReferences?.[0]?.kind, 'Job');
  await eventually(async () => (await jobStatus('three')).active === 2, 'active 2');
  for (const p of first) await finish(p, 'Succeeded');
  await eventually(async () => (await podsOf('three')).filter((p) => phaseOf(p) !== 'Succeeded').length === 1, 'a third pod');
  const third = (await podsOf('three')).find((p) => phaseOf(p) !== 'Succeeded')!;
  await finish(third, 'Succeeded');
  await eventually(async () => !!hasCond(await jobStatus('three'), 'Complete'), 'Complete condition');
  const st = await jobStatus('three');
  assert.equal(st.succeeded, 3);
  assert.equal(st.active, undefined);
  assert.ok(st.completionTime);
  assert.equal(hasCond(st, 'SuccessCriteriaMet')?.reason, 'CompletionsReached');
  assert.deepEqual(st.uncountedTerminatedPods, {});
  const pods = await podsOf('three');
  assert.equal(pods.length, 3);
  assert.ok(pods.every((p) => !p.metadata.finalizers?.includes('batch.kubernetes.io/job-tracking')));
  await eventually(async () => (await tc.srv.client.list(EVENTS)).items.some((e) => e.reason === 'Completed' && e.message === 'Job completed'), 'Completed event');
});

test('a failing Job backs off before recreating and is Failed after backoffLimit', async () => {
  await tc.srv.client.create(JOBS, jobManifest('flaky', { backoffLimit: 1 }));
  await eventually(async () => (await podsOf('flaky')).length === 1, 'first pod');
  await finish((await podsOf('flaky'))[0]!, 'Failed');
  await eventually(async () => (await jobStatus('flaky')).failed === 1, 'one failure counted');
  // The replacement waits for the 10 s back-off on the injected clock.
  assert.equal((await podsOf('flaky')).length, 1);
  clock.advance(10_001);
  await eventually(async () => (await podsOf('flaky')).length === 2, 'replacement after the back-off');
  const second = (await podsOf('flaky')).find((p) => phaseOf(p) !== 'Failed')!;
  await finish(second, 'Failed');
  await eventually(async () => !!hasCond(await jobStatus('flaky'), 'Failed'), 'Failed condition');
  const st = await jobStatus('flaky');
  assert.equal(st.failed, 2);
  assert.equal(hasCond(st, 'Failed')?.reason, 'BackoffLimitExceeded');
  assert.equal(hasCond(st, 'FailureTarget')?.message, 'Job has reached the specified backoff limit');
  await eventually(
    async () => (await tc.srv.client.list(EVENTS)).items.some((e) => e.reason === 'BackoffLimitExceeded' && e.type === 'Warning'),
    'BackoffLimitExceeded event',
  );
});

test('an Indexed Job runs one pod per index and completes all indexes', async () => {
  await tc.srv.client.create(JOBS, jobManifest('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
  await eventually(async () => (await podsOf('idx')).length === 3, 'three indexed pods');
  const pods = await podsOf('idx');
  const indexes = pods.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
  assert.deepEqual(indexes, ['0', '1', '2']);
  const hostnames = pods.map((p) => (p.spec as { hostname?: string }).hostname).sort();
  assert.deepEqual(hostnames, ['idx-0', 'idx-1', 'idx-2']);
  for (const p of pods) await finish(p, 'Succeeded');
  await eventually(async () => !!hasCond(await jobStatus('idx'), 'Complete'), 'Complete condition');
  const st = await jobStatus('idx');
  assert.equal(st.completedIndexes, '0-2');
  assert.equal(st.succeeded, 3);
});

test('suspending a Job deletes its pods and sets the Suspended condition', async () => {
  await tc.srv.client.create(JOBS, jobManifest('pause', { parallelism: 2, completions: 4 }));
  await eventually(async () => (await podsOf('pause')).length === 2, 'two pods');
  await tc.srv.client.patch({ ...JOBS, name: 'pause' }, 'merge', { spec: { suspend: true } });
  await eventually(async () => (await podsOf('pause')).length === 0, 'pods deleted');
  await eventually(async () => hasCond(await jobStatus('pause'), 'Suspended')?.reason === 'JobSuspended', 'Suspended condition');
  const st = await jobStatus('pause');
  assert.equal(st.failed, undefined);
  await tc.srv.client.patch({ ...JOBS, name: 'pause' }, 'merge', { spec: { suspend: false } });
  await eventually(async () => (await podsOf('pause')).length === 2, 'pods recreated on resume');
  const cond = (await jobStatus('pause')).conditions?.find((c) => c.type === 'Suspended');
  assert.equal(cond?.status, 'False');
  assert.equal(cond?.reason, 'JobResumed');
});

test('a finished Job with ttlSecondsAfterFinished is deleted once the TTL passes', async () => {
  await tc.srv.client.create(JOBS, jobManifest('short', { ttlSecondsAfterFinished: 30 }));
  await eventually(async () => (await podsOf('short')).length === 1, 'pod');
  await finish((await podsOf('short'))[0]!, 'Succeeded');
  await eventually(async () => !!hasCond(await jobStatus('short'), 'Complete'), 'Complete');
  clock.advance(30_001);
  await eventually(async () => {
    try {
      const j = await tc.srv.client.get({ ...JOBS, name: 'short' });
      return !!j.metadata.deletionTimestamp;
    } catch {
      return true;
    }
  }, 'job deleted after the TTL');
});

test('pods of a deleted Job lose the tracking finalizer', async () => {
  await tc.srv.client.create(JOBS, jobManifest('gone', {}));
  await eventually(async () => (await podsOf('gone')).length === 1, 'pod');
  await tc.srv.client.delete({ ...JOBS, name: 'gone' }, { propagationPolicy: 'Background' });
  await eventually(async () => {
    const pods = await podsOf('gone');
    return pods.length === 1 && !pods[0]!.metadata.finalizers?.includes('batch.kubernetes.io/job-tracking');
  }, 'finalizer removed from the orphan');
});

test('a Job running past activeDeadlineSeconds is Failed with DeadlineExceeded and its pods removed', async () => {
  await tc.srv.client.create(JOBS, jobManifest('slow', { activeDeadlineSeconds: 30, parallelism: 2, completions: 2 }));
  await eventually(async () => (await podsOf('slow')).length === 2, 'two pods');
  await eventually(async () => (await jobStatus('slow')).active === 2, 'active 2');
  clock.advance(30_001);
  await eventually(async () => !!hasCond(await jobStatus('slow'), 'Failed'), 'Failed condition');
  const st = await jobStatus('slow');
  assert.equal(hasCond(st, 'Failed')?.reason, 'DeadlineExceeded');
  assert.equal(hasCond(st, 'Failed')?.message, 'Job was active longer than specified deadline');
  assert.equal(st.failed, 2);
  await eventually(async () => (await podsOf('slow')).length === 0, 'active pods deleted');
});
