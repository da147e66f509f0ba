import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { eventually, startTestApiServer } from '../../client/test-apiserver.js';
import { isStatus } from '../../client/rest.js';
import { LocalPathProvisioner } from './local-path.js';

const pvcs = { group: '', version: 'v1', resource: 'persistentvolumeclaims', namespace: 'default' };
const pvs = { group: '', version: 'v1', resource: 'persistentvolumes' };

test('a claim without volumeName gets a hostPath PV under <dir>/<pvc-uid>, both Bound; deleting the claim deletes the PV and its directory', async () => {
  const api = await startTestApiServer();
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-lp-test-'));
  const prov = new LocalPathProvisioner({ client: api.newClient(), dir, nodeName: 'n1' });
  try {
    await prov.start();
    const sc = await api.client.get({ group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses', name: 'local-path' });
    assert.equal(sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
    const created = (await api.client.create(pvcs, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } })) as unknown as PersistentVolumeClaim;
    const uid = created.metadata?.uid ?? '';
    let pvc: PersistentVolumeClaim | undefined;
    await eventually(async () => {
      pvc = (await api.client.get({ ...pvcs, name: 'data' })) as unknown as PersistentVolumeClaim;
      return pvc.status?.phase === 'Bound';
    }, 'claim Bound');
    assert.equal(pvc?.spec?.volumeName, `pvc-${uid}`);
    assert.equal(pvc?.status?.capacity?.storage, '2Gi');
    const pv = (await api.client.get({ ...pvs, name: `pvc-${uid}` })) as unknown as PersistentVolume;
    assert.equal(pv.spec?.hostPath?.path, join(dir, uid));
    assert.equal(pv.spec?.claimRef?.uid, uid);
    assert.equal(pv.status?.phase, 'Bound');
    assert.ok(existsSync(join(dir, uid)));
    await api.client.delete({ ...pvcs, name: 'data' });
    await eventually(async () => {
      try {
        await api.client.get({ ...pvs, name: `pvc-${uid}` });
        return false;
      } catch (e) {
        return isStatus(e, 404);
      }
    }, 'PV deleted');
    await eventually(() => !existsSync(join(dir, uid)), 'directory removed');
  } finally {
    await prov.stop();
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
