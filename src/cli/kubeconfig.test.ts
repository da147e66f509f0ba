import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildKubeconfig, defaultKubeconfigPath, mergeKubeconfig, writeKubeconfig, type Kubeconfig } from './kubeconfig.js';

const kc = buildKubeconfig({ name: 'kubeling', server: 'https://127.0.0.1:6443', caPem: 'CA\n', certPem: 'CERT\n', keyPem: 'KEY\n' });

function tempDir(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'kubeling-kc-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}
const read = (p: string) => parse(readFileSync(p, 'utf8')) as Kubeconfig;

test('buildKubeconfig names cluster, user and context after the cluster and inlines base64 credentials', () => {
  assert.deepEqual(kc, {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: 'kubeling', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from('CA\n').toString('base64') } }],
    users: [{ name: 'kubeling', user: { 'client-certificate-data': Buffer.from('CERT\n').toString('base64'), 'client-key-data': Buffer.from('KEY\n').toString('base64') } }],
    contexts: [{ name: 'kubeling', context: { cluster: 'kubeling', user: 'kubeling' } }],
    'current-context': 'kubeling',
  });
});

test('writeKubeconfig creates missing directories and writes YAML readable only by the owner', (t) => {
  const p = join(tempDir(t), 'a', 'b', 'config');
  writeKubeconfig(p, kc);
  assert.equal(statSync(p).mode & 0o777, 0o600);
  assert.deepEqual(read(p), kc);
});

test('mergeKubeconfig creates the file when it does not exist', (t) => {
  const p = join(tempDir(t), '.kube', 'config');
  mergeKubeconfig(p, kc, { setCurrentContext: true });
  assert.deepEqual(read(p), kc);
  assert.equal(statSync(p).mode & 0o777, 0o600);
});

test('mergeKubeconfig keeps other clusters, users, contexts and fields and switches the current context', (t) => {
  const p = join(tempDir(t), 'config');
  writeFileSync(
    p,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: prod',
      '  cluster: {server: "https://prod:6443", insecure-skip-tls-verify: true}',
      'users:',
      '- name: prod-admin',
      '  user: {token: abc}',
      'contexts:',
      '- name: prod',
      '  context: {cluster: prod, user: prod-admin, namespace: web}',
      'current-context: prod',
      'preferences: {colors: true}',
      'extensions: [{name: x, extension: {a: 1}}]',
      '',
    ].join('\n'),
  );
  mergeKubeconfig(p, kc, { setCurrentContext: true });
  const got = read(p);
  assert.deepEqual(got.clusters.map((c) => c.name), ['prod', 'kubeling']);
  assert.deepEqual(got.users.map((u) => u.name), ['prod-admin', 'kubeling']);
  assert.deepEqual(got.contexts[0], { name: 'prod', context: { cluster: 'prod', user: 'prod-admin', namespace: 'web' } });
  assert.equal(got.clusters[0]?.cluster['insecure-skip-tls-verify'], true);
  assert.equal(got['current-context'], 'kubeling');
  assert.deepEqual(got.preferences, { colors: true });
  assert.deepEqual(got.extensions, [{ name: 'x', extension: { a: 1 } }]);
});

test('mergeKubeconfig replaces entries with the same name instead of duplicating them', (t) => {
  const p = join(tempDir(t), 'config');
  mergeKubeconfig(p, buildKubeconfig({ name: 'kubeling', server: 'https://old:1', caPem: 'x', certPem: 'y', keyPem: 'z' }), { setCurrentContext: true });
  mergeKubeconfig(p, kc, { setCurrentContext: true });
  const got = read(p);
  assert.equal(got.clusters.length, 1);
  assert.equal(got.users.length, 1);
  assert.equal(got.contexts.length, 1);
  assert.equal(got.clusters[0]?.cluster.server, 'https://127.0.0.1:6443');
});

test('mergeKubeconfig leaves the current context alone when not asked to switch', (t) => {
  const p = join(tempDir(t), 'config');
  writeFileSync(p, 'apiVersion: v1\nkind: Config\ncurrent-context: prod\ncontexts: []\nclusters: null\n');
  mergeKubeconfig(p, kc, { setCurrentContext: false });
  const got = read(p);
  assert.equal(got['current-context'], 'prod');
  assert.deepEqual(got.clusters.map((c) => c.name), ['kubeling']);
});

test('mergeKubeconfig refuses to overwrite a file that is not a kubeconfig', (t) => {
  const p = join(tempDir(t), 'config');
  writeFileSync(p, '- just\n- a list\n');
  assert.throws(() => mergeKubeconfig(p, kc, { setCurrentContext: true }), /not a kubeconfig/);
  assert.equal(readFileSync(p, 'utf8'), '- just\n- a list\n');
});

test('mergeKubeconfig merges into an empty file', (t) => {
  const p = join(tempDir(t), 'config');
  writeFileSync(p, '');
  mergeKubeconfig(p, kc, { setCurrentContext: true });
  assert.deepEqual(read(p), kc);
});

test('defaultKubeconfigPath is the first entry of $KUBECONFIG, else ~/.kube/config', () => {
  assert.equal(defaultKubeconfigPath({ KUBECONFIG: '/a/one:/b/two' }, '/home/u'), '/a/one');
  assert.equal(defaultKubeconfigPath({ KUBECONFIG: ':/b/two' }, '/home/u'), '/b/two');
  assert.equal(defaultKubeconfigPath({ KUBECONFIG: '' }, '/home/u'), '/home/u/.kube/config');
  assert.equal(defaultKubeconfigPath({}, '/home/u'), '/home/u/.kube/config');
});
