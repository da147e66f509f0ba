import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { isStatus, type RestClient } from '../../client/rest.js';
import { eventually } from '../../client/test-apiserver.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { DESCRIPTION, desiredRootCAConfigMap, rootCACertPublisherController } from './index.js';

const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };
const CMS = { group: '', version: 'v1', resource: 'configmaps' };

let tc: TestControllers;
let client: RestClient;
before(async () => {
  tc = await startTestControllers([rootCACertPublisherController]);
  client = tc.srv.client;
});
after(async () => {
  await tc.stop();
});

async function rootCA(ns: string): Promise<KubeObject | undefined> {
  try {
    return await client.get({ ...CMS, namespace: ns, name: 'kube-root-ca.crt' });
  } catch (e) {
    if (isStatus(e, 404)) return undefined;
    throw e;
  }
}

test('a missing ConfigMap is created with the CA and the upstream description', () => {
  const d = desiredRootCAConfigMap(undefined, 'PEM');
  assert.equal(d?.op, 'create');
  assert.deepEqual(d?.body.data, { 'ca.crt': 'PEM' });
  assert.equal(d?.body.metadata.annotations?.['kubernetes.io/description'], DESCRIPTION);
});

test('a ConfigMap already right is left alone and a drifted one restored', () => {
  const ok: KubeObject = { metadata: { name: 'kube-root-ca.crt', annotations: { 'kubernetes.io/description': DESCRIPTION } }, data: { 'ca.crt': 'PEM' } };
  assert.equal(desiredRootCAConfigMap(ok, 'PEM'), undefined);
  const drifted = desiredRootCAConfigMap({ ...ok, data: { 'ca.crt': 'OLD', extra: 'x' } }, 'PEM');
  assert.equal(drifted?.op, 'update');
  assert.deepEqual(drifted?.body.data, { 'ca.crt': 'PEM' });
});

test('a new namespace gets kube-root-ca.crt holding the cluster CA', async () => {
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } });
  await eventually(async () => (await rootCA('team-b')) !== undefined, 'kube-root-ca.crt in team-b');
  const cm = await rootCA('team-b');
  const pem = (cm?.data as Record<string, string>)['ca.crt'];
  assert.equal(pem, client.opts.caPem);
  assert.match(pem ?? '', /^-----BEGIN CERTIFICATE-----/);
});

test('an edited or deleted kube-root-ca.crt is put back', async () => {
  await eventually(async () => (await rootCA('default')) !== undefined, 'kube-root-ca.crt in default');
  const cm = await rootCA('default');
  await client.update({ ...CMS, namespace: 'default', name: 'kube-root-ca.crt' }, { ...cm!, data: { 'ca.crt': 'tampered' } });
  await eventually(async () => (await rootCA('default'))?.data !== undefined && ((await rootCA('default'))?.data as Record<string, string>)['ca.crt'] === client.opts.caPem, 'restored');
  await client.delete({ ...CMS, namespace: 'default', name: 'kube-root-ca.crt' });
  await eventually(async () => (await rootCA('default')) !== undefined, 'recreated');
});
