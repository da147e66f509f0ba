/**
 * State survives restarts of `kubeling up`; a second `up` on the same data dir fails clearly.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startCluster, kubelingCmd } from './harness.js';

describe('restart', () => {
  it('keeps objects and resourceVersions across restarts and refuses a second up', async () => {
    const c1 = await startCluster();
    try {
      await c1.k(['create', 'namespace', 'keep']);
      await c1.k(['-n', 'keep', 'create', 'configmap', 'survivor', '--from-literal=k=v']);
      const before = JSON.parse(await c1.k(['-n', 'keep', 'get', 'cm', 'survivor', '-o', 'json']));

      const second = spawnSync(process.execPath, [...kubelingCmd, 'up', '--data-dir', c1.dataDir, '--port', '0', '--no-kubeconfig'], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(second.status, 1);
      assert.match(second.stderr, /already running on this data dir/);

      const code = await c1.stop({ keepData: true });
      assert.equal(code, 0, 'SIGTERM shuts down cleanly');
      const c2 = await startCluster({ dataDir: c1.dataDir });
      try {
        const after = JSON.parse(await c2.k(['-n', 'keep', 'get', 'cm', 'survivor', '-o', 'json']));
        assert.equal(after.metadata.uid, before.metadata.uid);
        assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
        assert.equal(after.data.k, 'v');
        await c2.k(['-n', 'keep', 'create', 'configmap', 'newer']);
        const newer = JSON.parse(await c2.k(['-n', 'keep', 'get', 'cm', 'newer', '-o', 'json']));
        assert.ok(Number(newer.metadata.resourceVersion) > Number(before.metadata.resourceVersion), 'resourceVersions only grow');
      } finally {
        await c2.stop();
      }
    } finally {
      if (c1.proc.exitCode === null) await c1.stop();
    }
  });
});
