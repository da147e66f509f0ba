/**
 * `kubeling up --store etcd://…` against Debian's etcd: kubectl works, Secrets are stored
 * encrypted, and a restarted server (same etcd, new process) sees the same objects.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { startCluster } from './harness.js';
import { startEtcd, type EtcdTestServer } from '../../src/storage/etcd/testserver.js';

describe('etcd store', () => {
  let etcd: EtcdTestServer;
  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
  });

  it('serves kubectl from etcd, encrypts Secrets, and keeps state across server restarts', async () => {
    const store = ['--store', `etcd://${etcd.endpoint}`];
    const c1 = await startCluster({ extraArgs: store });
    let before: { metadata: { uid: string; resourceVersion: string } };
    try {
      assert.match(await c1.k(['get', 'ns']), /^kube-system\s+Active/m);
      await c1.k(['create', 'configmap', 'in-etcd', '--from-literal=k=v']);
      await c1.k(['create', 'secret', 'generic', 'pw', '--from-literal=password=hunter2-plaintext']);
      before = JSON.parse(await c1.k(['get', 'cm', 'in-etcd', '-o', 'json']));
      const pw = JSON.parse(await c1.k(['get', 'secret', 'pw', '-o', 'json']));
      assert.equal(Buffer.from(pw.data.password, 'base64').toString(), 'hunter2-plaintext');
    } finally {
      await c1.stop({ keepData: true });
    }
    const client = new Etcd3({ hosts: `http://${etcd.endpoint}` });
    try {
      const raw = await client.getAll().prefix('/registry/core/secrets/default/pw').strings();
      const values = Object.values(raw);
      assert.equal(values.length, 1);
      assert.doesNotMatch(values[0]!, /hunter2|aHVudGVyMi1wbGFpbnRleHQ/, 'the secret is not stored in clear or base64');
      assert.match(values[0]!, /k8s:enc:aesgcm:v1:/);
    } finally {
      client.close();
    }
    const c2 = await startCluster({ dataDir: c1.dataDir, extraArgs: store });
    try {
      const after = JSON.parse(await c2.k(['get', 'cm', 'in-etcd', '-o', 'json']));
      assert.equal(after.metadata.uid, before.metadata.uid);
      assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
      assert.equal(await c2.k(['get', 'secret', 'pw', '-o', 'jsonpath={.data.password}']), Buffer.from('hunter2-plaintext').toString('base64'));
    } finally {
      await c2.stop();
    }
  });
});
