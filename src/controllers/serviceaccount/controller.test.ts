import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isStatus, type RestClient } from '../../client/rest.js';
import { eventually } from '../../client/test-apiserver.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { missingServiceAccounts, namespaceActive, serviceAccountController } from './index.js';

const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };
const SAS = { group: '', version: 'v1', resource: 'serviceaccounts' };

let tc: TestControllers;
let client: RestClient;
before(async () => {
  tc = await startTestControllers([serviceAccountController]);
  client = tc.srv.client;
});
after(async () => {
  await tc.stop();
});

async function hasDefault(ns: string): Promise<boolean> {
  try {
    await client.get({ ...SAS, namespace: ns, name: 'default' });
    return true;
  } catch (e) {
    if (isStatus(e, 404)) return false;
    throw e;
  }
}

test('only the missing ServiceAccounts are created', () => {
  assert.deepEqual(missingServiceAccounts(['default', 'builder'], (n) => n === 'default'), ['builder']);
});

test('Terminating namespaces are not given ServiceAccounts', () => {
  assert.equal(namespaceActive({ metadata: { name: 'x' }, status: { phase: 'Active' } }), true);
  assert.equal(namespaceActive({ metadata: { name: 'x' }, status: { phase: 'Terminating' } }), false);
  assert.equal(namespaceActive({ metadata: { name: 'x', deletionTimestamp: '2024-01-01T00:00:00Z' } }), false);
  assert.equal(namespaceActive(undefined), false);
});

test('the namespaces that exist at start get their default ServiceAccount', async () => {
  await eventually(async () => (await hasDefault('default')) && (await hasDefault('kube-system')), 'default SAs of the built-in namespaces');
});

test('a new namespace gets its default ServiceAccount, recreated once deleted', async () => {
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
  await eventually(() => hasDefault('team-a'), 'default SA in team-a');
  await client.delete({ ...SAS, namespace: 'team-a', name: 'default' });
  await eventually(() => hasDefault('team-a'), 'default SA recreated');
});
