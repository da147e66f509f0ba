/**
 * Jobs and CronJobs driven by kubectl 1.33 (needs jobController and cronJobController wired into
 * sharedControllers). The test acts as the kubelet: pods are moved to Succeeded/Failed through
 * the status subresource, so it passes with or without a node agent that leaves pods Pending.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, type Cluster } from './harness.js';

describe('jobs and cronjobs', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
  });

  const podsOf = async (job: string): Promise<string[]> =>
    (await c.k(['get', 'pods', '-l', `batch.kubernetes.io/job-name=${job}`, '-o', 'jsonpath={range .items[*]}{.metadata.name}{" "}{.status.phase}{"\\n"}{end}']))
      .split('\n')
      .filter(Boolean);

  const setPhase = async (pod: string, phase: string): Promise<void> => {
    await c.k(['patch', 'pod', pod, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase } })]);
  };

  it('a Job runs to Complete once its pod succeeds', async () => {
    await c.k(['create', 'job', 'hello', '--image=busybox', '--', 'true']);
    await waitFor(async () => (await podsOf('hello')).length === 1, 10_000, 'a pod of job hello');
    const [line] = await podsOf('hello');
    await setPhase(line!.split(' ')[0]!, 'Succeeded');
    const r = await c.kubectl(['wait', '--for=condition=complete', 'job/hello', '--timeout=20s']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(await c.k(['get', 'job', 'hello']), /hello\s+Complete\s+1\/1/);
  });

  it('a failing Job is Failed with BackoffLimitExceeded after backoffLimit 0', async () => {
    const manifest = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'doomed' },
      spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } } },
    };
    await c.k(['create', '-f', '-'], { input: JSON.stringify(manifest) });
    await waitFor(async () => (await podsOf('doomed')).length === 1, 10_000, 'a pod of job doomed');
    await setPhase((await podsOf('doomed'))[0]!.split(' ')[0]!, 'Failed');
    const r = await c.kubectl(['wait', '--for=condition=failed', 'job/doomed', '--timeout=20s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await c.k(['get', 'job', 'doomed', '-o', 'jsonpath={.status.conditions[?(@.type=="Failed")].reason}']), 'BackoffLimitExceeded');
  });

  it('create job --from=cronjob runs the CronJob template', async () => {
    await c.k(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *', '--', 'true']);
    await c.k(['create', 'job', 'nightly-manual', '--from=cronjob/nightly']);
    await waitFor(async () => (await podsOf('nightly-manual')).length === 1, 10_000, 'a pod of the manual job');
    await setPhase((await podsOf('nightly-manual'))[0]!.split(' ')[0]!, 'Succeeded');
    const r = await c.kubectl(['wait', '--for=condition=complete', 'job/nightly-manual', '--timeout=20s']);
    assert.equal(r.code, 0, r.stderr);
  });
});
