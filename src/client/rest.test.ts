import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as yaml from 'yaml';
import { ApiStatusError, RestClient, type ResourceRef } from './rest.js';
import { EventRecorder } from './events.js';
import { RestEventSink } from './event-sink.js';
import { startTestApiServer, type TestApiServer } from './test-apiserver.js';

let srv: TestApiServer;
before(async () => {
  srv = await startTestApiServer();
});
after(async () => {
  await srv.stop();
});

const cms = (name?: string): ResourceRef => ({ group: '', version: 'v1', resource: 'configmaps', namespace: 'default', name });

test('create, get, patch and delete round-trip a ConfigMap', async () => {
  const c = srv.client;
  const created = await c.create(cms(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rt' }, data: { a: '1' } });
  assert.ok(created.metadata.uid);
  const got = await c.get(cms('rt'));
  assert.deepEqual(got.data, { a: '1' });
  const patched = await c.patch(cms('rt'), 'merge', { data: { b: '2' } });
  assert.deepEqual(patched.data, { a: '1', b: '2' });
  const sp = await c.patch(cms('rt'), 'strategic', { data: { c: '3' } });
  assert.equal((sp.data as Record<string, string>).c, '3');
  const jp = await c.patch(cms('rt'), 'json', [{ op: 'remove', path: '/data/a' }]);
  assert.equal((jp.data as Record<string, string>).a, undefined);
  await c.delete(cms('rt'));
  await assert.rejects(c.get(cms('rt')), (e: unknown) => e instanceof ApiStatusError && e.code === 404 && e.reason === 'NotFound');
});

test('server-side apply patches with a field manager', async () => {
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: 'default' }, data: { k: 'v' } };
  const out = await srv.client.patch(cms('ssa'), 'apply', obj, { fieldManager: 'test', force: true });
  assert.equal(out.metadata.managedFields?.[0]?.manager, 'test');
});

test('a delete precondition on a wrong uid fails with a Conflict Status', async () => {
  await srv.client.create(cms(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pre' } });
  await assert.rejects(srv.client.delete(cms('pre'), { preconditions: { uid: 'nope' } }), (e: unknown) => e instanceof ApiStatusError && e.code === 409);
});

test('list pages with limit and continue', async () => {
  for (const n of ['p1', 'p2', 'p3']) await srv.client.create(cms(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, labels: { page: 'yes' } } });
  const first = await srv.client.list(cms(), { labelSelector: 'page=yes', limit: 2 });
  assert.equal(first.items.length, 2);
  assert.ok(first.metadata.continue);
  const second = await srv.client.list(cms(), { labelSelector: 'page=yes', limit: 2, continue: first.metadata.continue });
  assert.deepEqual(second.items.map((i) => i.metadata.name), ['p3']);
});

test('watch delivers events from a resourceVersion', async () => {
  const list = await srv.client.list(cms());
  const w = await srv.client.watch(cms(), { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true });
  await srv.client.create(cms(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched' } });
  for await (const ev of w) {
    if (ev.type === 'ADDED') {
      assert.equal(ev.object.metadata.name, 'watched');
      w.stop();
    }
  }
});

test('discover lists namespaced and cluster-scoped resources with their verbs', async () => {
  const all = await srv.client.discover();
  const cm = all.find((r) => r.group === '' && r.resource === 'configmaps');
  assert.equal(cm?.kind, 'ConfigMap');
  assert.equal(cm?.namespaced, true);
  assert.ok(cm?.verbs.includes('watch'));
  const ns = all.find((r) => r.group === '' && r.resource === 'namespaces');
  assert.equal(ns?.namespaced, false);
  assert.ok(all.some((r) => r.group === 'apps' && r.resource === 'deployments'));
});

test('a client built from a kubeconfig file reaches the server', async () => {
  const o = srv.client.opts;
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const dir = mkdtempSync(join(tmpdir(), 'kc-'));
  const path = join(dir, 'config');
  writeFileSync(path, yaml.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
    clusters: [{ name: 'c', cluster: { server: o.server, 'certificate-authority-data': b64(o.caPem) } }],
    users: [{ name: 'u', user: { 'client-certificate-data': b64(o.certPem), 'client-key-data': b64(o.keyPem) } }],
    contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
  }));
  const c = RestClient.fromKubeconfig(path);
  try {
    const ns = await c.get({ group: '', version: 'v1', resource: 'namespaces', name: 'default' });
    assert.equal(ns.metadata.name, 'default');
  } finally {
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the REST event sink writes recorder events and folds repeats into a count', async () => {
  const rec = new EventRecorder(new RestEventSink(srv.client), { component: 'test-controller' });
  const target = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'evt', uid: 'u-evt' };
  rec.event(target, 'Normal', 'Tested', 'hello');
  rec.event(target, 'Normal', 'Tested', 'hello');
  await rec.flush();
  const list = await srv.client.list({ group: '', version: 'v1', resource: 'events', namespace: 'default' });
  const ev = list.items.find((e) => (e.involvedObject as { name?: string }).name === 'evt');
  assert.equal(ev?.reason, 'Tested');
  assert.equal(ev?.count, 2);
});
