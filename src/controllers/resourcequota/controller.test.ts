import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { eventually } from '../../client/test-apiserver.js';
import { isStatus } from '../../client/rest.js';
import { startTestControllers } from '../common/testing.js';
import { resourceQuotaControllerWith } from './controller.js';

const RQ = { group: '', version: 'v1', resource: 'resourcequotas', namespace: 'default' };
const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
const CMS = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' };

const pod = (name: string, cpu: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu }, limits: { cpu } } }] } });

type Status = { hard?: Record<string, string>; used?: Record<string, string> };

test('the controller publishes hard and used, and usage drops when objects are deleted', async () => {
  // A resync far in the future: every change below must come from events.
  const t = await startTestControllers([resourceQuotaControllerWith({ resyncPeriodMs: 3_600_000 })]);
  try {
    const c = t.srv.client;
    await c.create(PODS, pod('before', '250m'));
    await c.create(RQ, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute' }, spec: { hard: { pods: '3', 'requests.cpu': '1', configmaps: '5' } } });
    const statusOf = async (): Promise<Status> => ((await c.get({ ...RQ, name: 'compute' })).status ?? {});
    await eventually(async () => (await statusOf()).used?.pods === '1', 'initial usage');
    assert.deepEqual(await statusOf(), { hard: { configmaps: '5', pods: '3', 'requests.cpu': '1' }, used: { configmaps: '0', pods: '1', 'requests.cpu': '250m' } });

    await c.create(PODS, pod('a', '500m'));
    assert.deepEqual((await statusOf()).used, { configmaps: '0', pods: '2', 'requests.cpu': '750m' });
    await assert.rejects(c.create(PODS, pod('b', '500m')), (e: unknown) => isStatus(e, 403));

    await c.delete({ ...PODS, name: 'a' }, { gracePeriodSeconds: 0 });
    await eventually(async () => (await statusOf()).used?.pods === '1', 'usage after the delete');
    assert.equal((await statusOf()).used?.['requests.cpu'], '250m');
    await c.create(PODS, pod('b', '500m'));

    await c.create(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    await c.delete({ ...CMS, name: 'x' });
    await eventually(async () => (await statusOf()).used?.configmaps === '0', 'configmaps back to zero');
  } finally {
    await t.stop();
  }
});

test('a change of spec.hard is reflected in status.hard', async () => {
  const t = await startTestControllers([resourceQuotaControllerWith({ resyncPeriodMs: 3_600_000 })]);
  try {
    const c = t.srv.client;
    await c.create(RQ, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: '1' } } });
    await eventually(async () => ((await c.get({ ...RQ, name: 'q' })).status as Status | undefined)?.hard?.pods === '1', 'first status');
    await c.patch({ ...RQ, name: 'q' }, 'merge', { spec: { hard: { pods: '4', secrets: '2' } } });
    await eventually(async () => {
      const st = (await c.get({ ...RQ, name: 'q' })).status as Status | undefined;
      return st?.hard?.pods === '4' && st.used?.secrets === '0';
    }, 'status after the spec change');
  } finally {
    await t.stop();
  }
});
